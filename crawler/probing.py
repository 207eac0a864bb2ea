"""What ``scrapy probe`` saw of a site, and the report it prints: the family
and the evidence for it, how article links were found (with the site's
``article_pattern``: some links of list page 1 it matched and some it did
not), the links of list pages 1 and 2, for each article read its fields and what looks wrong, and
the feeds and sitemaps found, with the sites.yaml lines that would use them;
a bot check met in place of a list page, and how to go on."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from crawler.discovery.patterns import PatternCheck
from crawler.sites import RENDER_BROWSER
from pipelines.extraction import ExtractedArticle
from pipelines.families import Evidence
from storage.types import now_seoul

SHORT_BODY = 200  # characters: a body shorter than this is likely not the whole article
_SHOWN = 90  # characters of a paragraph shown
PATTERN_EXAMPLES = 3  # links shown of those the site's article_pattern matched, and missed


@dataclass
class ListPageSeen:
    number: int
    url: str
    main: list[str]  # the main list's article links
    extra: list[str]  # the other article links (sidebars, boxes)


@dataclass
class SourceSeen:
    """A feed or a sitemap probed: what it holds, or why it holds nothing."""

    kind: str  # "feed", "sitemap" or "list endpoint"
    url: str
    found: str  # one line: what it lists (or what it answered)
    links: int = 0  # the site's article links (a sitemap index: its child sitemaps)


@dataclass
class ArticleSeen:
    url: str
    article: ExtractedArticle | None
    problem: str | None  # why nothing was extracted
    evidence: dict[str, Evidence] | None  # the families' evidence on the page


@dataclass
class ProbeReport:
    site: str
    list_url: str
    family: str | None = None
    how: str | None = None
    evidence: dict[str, Evidence] = field(default_factory=dict)
    site_title: str = ""
    list_pages: list[ListPageSeen] = field(default_factory=list)
    articles: list[ArticleSeen] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    sources: list[SourceSeen] = field(default_factory=list)
    pattern_check: PatternCheck | None = None  # with an article_pattern, on list page 1
    bot_check: str | None = None  # one line: the bot check met, and how to go on

    def blocked(self, number: int, check: str, rendered: bool) -> None:
        """A bot check answered in place of list page ``number`` (through the
        browser when ``rendered``)."""
        if rendered:
            going_on = "the browser did not get past it either"
        else:
            going_on = (
                f"set 'render: {RENDER_BROWSER}' for the site in sites.yaml "
                "to fetch its pages through headless Chromium"
            )
        self.bot_check = self.bot_check or f"list page {number} is {check}; {going_on}"

    def add_article(
        self,
        url: str,
        article: ExtractedArticle | None,
        problem: str | None,
        evidence: dict[str, Evidence] | None,
    ) -> None:
        self.articles.append(ArticleSeen(url, article, problem, evidence))

    @property
    def found_links(self) -> bool:
        """Whether list page 1, or a route found beside it, links to articles."""
        first = self._page(1)
        listed = first is not None and bool(first.main or first.extra)
        return listed or any(seen.links for seen in self.sources if seen.kind != "sitemap")

    def lines(self) -> list[str]:
        """The report, line by line."""
        out = [f"site {self.site}: {self.list_url}"]
        out.append(f"family: {self.family or 'unknown'} ({_evidence(self.evidence)})")
        out.append(f"article links: by {self.how or 'nothing (list page 1 not read)'}")
        out += self._pattern_lines()
        for page in sorted(self.list_pages, key=lambda p: p.number):
            out.append(
                f"list page {page.number}: "
                f"{counted(len(page.main) + len(page.extra), 'article link')} "
                f"({len(page.main)} in the main list, {len(page.extra)} elsewhere)"
            )
        first, second = self._page(1), self._page(2)
        if first is not None and second is not None:
            differs = set(first.main) != set(second.main)
            out.append(f"list page 2 differs from page 1: {'yes' if differs else 'NO'}")
        if self.bot_check is not None:
            out.append(f"bot check: {self.bot_check}")
        out += [f"problem: {problem}" for problem in self.problems]
        for number, seen in enumerate(self._in_order(), 1):
            out += self._article_lines(number, seen)
        return out + self._source_lines()

    def _pattern_lines(self) -> list[str]:
        """What the site's article_pattern matched on list page 1, and what not."""
        if self.pattern_check is None:
            return []
        out = []
        for what, links in (
            ("matched", self.pattern_check.matched),
            ("did not match", self.pattern_check.missed),
        ):
            shown = ", for example:" if links else ""
            out.append(
                f"article_pattern {what} {counted(len(links), 'link')} of list page 1{shown}"
            )
            out += [f"  {url}" for url in links[:PATTERN_EXAMPLES]]
        return out

    def _source_lines(self) -> list[str]:
        """The feeds and sitemaps found, and the sites.yaml lines for those that list articles."""
        out = [
            f"{seen.kind} {seen.url}: {seen.found}"
            for seen in sorted(self.sources, key=lambda s: (s.kind, s.url))
        ]
        if not out:
            return ["feeds and sitemaps: none found"]
        feeds = [s.url for s in self.sources if s.kind == "feed" and s.links]
        sitemaps = any(s.kind == "sitemap" and s.links for s in self.sources)
        out.append(
            "runs find and read these routes themselves where list paging ends early "
            "(a list endpoint: always); the lines below name them, 'off' switches them off"
        )
        if feeds or sitemaps:
            out.append("sites.yaml lines for them:")
        if feeds:
            out.append(f"  feeds: [{', '.join(repr(url) for url in sorted(feeds))}]")
        if sitemaps:
            out.append("  sitemaps: auto")
        return out

    def _page(self, number: int) -> ListPageSeen | None:
        return next((p for p in self.list_pages if p.number == number), None)

    def _in_order(self) -> list[ArticleSeen]:
        first = self._page(1)
        order = [*first.main, *first.extra] if first else []
        return sorted(
            self.articles, key=lambda a: order.index(a.url) if a.url in order else len(order)
        )

    def _article_lines(self, number: int, seen: ArticleSeen) -> list[str]:
        out = [f"article {number}: {seen.url}"]
        article = seen.article
        if article is None:
            return [*out, f"  not extracted: {seen.problem}"]
        body = article.body
        out += [
            f"  title: {article.title}",
            f"  published: {article.published.isoformat() if article.published else '-'}",
            f"  author: {article.author or '-'}",
            f"  body: {counted(len(body), 'character')}, "
            f"{counted(len(article.paragraphs), 'paragraph')}",
            f"  first paragraph: {_short(article.paragraphs[0])}",
            f"  last paragraph: {_short(article.paragraphs[-1])}",
        ]
        if seen.evidence is not None:
            out.append(f"  page shows: {_evidence(seen.evidence)}")
        warnings = self.warnings(article)
        out.append(f"  warnings: {'; '.join(warnings) if warnings else 'none'}")
        return out

    def warnings(self, article: ExtractedArticle, now: datetime | None = None) -> list[str]:
        """What looks wrong in an extracted article."""
        found = []
        published = article.published
        if published is None:
            found.append("no date")
        elif (published.hour, published.minute, published.second) == (0, 0, 0):
            found.append("no time in the date")
        if published is not None and published > (now or now_seoul()):
            found.append("date in the future")
        if len(article.body) < SHORT_BODY:
            found.append(f"body under {SHORT_BODY} characters")
        names = {self.site, self.site_title, *self.site_title.split(" - ")} - {""}
        if article.title.strip() in names:
            found.append("title equal to the site's name")
        return found


def counted(number: int, noun: str, plural: str | None = None) -> str:
    """``number`` and ``noun``, singular for one, else ``plural`` (``noun`` + s)."""
    return f"{number} {noun if number == 1 else plural or noun + 's'}"


def _evidence(found: dict[str, Evidence]) -> str:
    if not found:
        return "no family's markup shown"
    return "; ".join(f"{name}: {shown}" for name, shown in sorted(found.items()))


def _short(text: str) -> str:
    return text if len(text) <= _SHOWN else text[:_SHOWN].rstrip() + "…"
