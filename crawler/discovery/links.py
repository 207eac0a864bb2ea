"""Which links of a list page are articles, and which of them make its main list.

How article links are told apart is settled on the first list page read and
kept for the run: the site's ``article_pattern`` (every matching link, wherever
it sits, matched as the page writes it or as canonical,
:mod:`crawler.discovery.patterns`); else its family's knowledge (given by
``cms`` or shown by the page, :func:`pipelines.families.detect`); else, when
that finds nothing or far fewer links than the page holds, an article URL
template inferred from the page
(:mod:`crawler.discovery.inference`) or kept from an earlier run. Rows linked
only by script become links when the article URL of an id is known: the
site's ``article_url``, its family's, or the template of its article links
(with a pattern, the template inferred from the links the pattern matched).

Every article link is followed; only those of the main list
(:func:`crawler.discovery.blocks.main_block`) decide paging and the backfill
window, never a sidebar's or a "most read" box's.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

from lxml.cssselect import CSSSelector
from lxml.html import HtmlElement

from crawler.discovery.blocks import inside, main_block
from crawler.discovery.inference import Inferred, infer_template, route_template
from crawler.discovery.patterns import PatternCheck, pattern_matches
from crawler.discovery.scripts import script_rows
from crawler.discovery.templates import LinkTemplate, fill, page_param
from crawler.sites import SiteProfile
from pipelines import families, urls
from pipelines.families import PortalFamily
from pipelines.families.base import absolute_link

logger = logging.getLogger(__name__)

# the family's links count as the page's when at least this share of the inferred template's
FAMILY_SHARE = 0.5
# an inferred template that led to this many pages none of which is an article is doubted
CONFIRM_TRIES = 3
_INDEXES = re.compile(r"\[\d+\]")
_NUMBER = re.compile(r"\d+")


@dataclass
class ListLinks:
    """The article links of one list page, canonical URL -> places linked by, in page order."""

    main: dict[str, list[str]] = field(default_factory=dict)  # the main list's
    extra: dict[str, list[str]] = field(default_factory=dict)  # sidebars', boxes'

    @property
    def every(self) -> dict[str, list[str]]:
        return {**self.main, **self.extra}


@dataclass(frozen=True)
class Link:
    """One article link found on a list page."""

    element: HtmlElement
    url: str  # canonical
    place: str  # as the page links it (pipelines.urls.location)


class ListDiscovery:
    """Finds a site's article links on its list pages (one instance per crawl)."""

    def __init__(self, profile: SiteProfile, known_template: LinkTemplate | None = None) -> None:
        self.profile = profile
        # the site's cms; else detected on list page 1
        self.family: PortalFamily | None = families.get(profile.cms) if profile.cms else None
        self.known_template = known_template
        self.template: LinkTemplate | None = None  # when links are found by a template
        self.how: str | None = None  # how links are found, once settled
        self.evidence: dict[str, families.Evidence] = {}  # the families' on list page 1
        self.inferred: Inferred | None = None  # the best template the page itself showed
        # with an article_pattern: what it matched on list page 1, and the
        # template of those links (for rows linked only by script)
        self.pattern_check: PatternCheck | None = None
        self.pattern_template: LinkTemplate | None = None
        self._page_param = page_param(profile.list_url)
        self._area = CSSSelector(profile.list_links) if profile.list_links else None
        self._main_path: str | None = None  # where the main list is on list page 1
        self._confirmed = False
        self._misses = 0

    @property
    def family_name(self) -> str:
        return (self.family or families.get("generic")).name

    @property
    def article_family(self) -> str | None:
        """The family to read the site's article pages with; None when list
        pages showed none: each article page is then detected by its own
        evidence (:func:`pipelines.families.detect`)."""
        if self.profile.cms or self.family_name != "generic":
            return self.family_name
        return None

    def read(self, tree: HtmlElement, page_url: str) -> ListLinks:
        """The article links of the list page ``tree`` (at ``page_url``)."""
        if self.how is None:
            self._settle(tree, page_url)
        position = {element: number for number, element in enumerate(tree.iter())}
        links = sorted(self._links(tree, page_url), key=lambda link: position[link.element])
        return self._split(tree, links)

    def learn_from_route(self, links: list[str]) -> None:
        """List page 1 settled on no template and the family knows no article
        link (an empty shell): take the template most of a feed's or a
        sitemap's ``links`` share."""
        if self.template is not None or self.how is None or self.profile.article_pattern:
            return
        if self.family_name != "generic":
            return
        learned = route_template(links, self.profile.list_url, self._page_param)
        if learned is not None:
            self.template = learned
            self.how = f"template {learned} (inferred from a feed's or a sitemap's links)"
            logger.info("site %s: article links by %s", self.profile.name, self.how)

    def article_link(self, url: str) -> str | None:
        """The canonical URL of ``url`` (a feed's or a sitemap's link) when it is
        an article link by what list pages are read with (the template, the
        site's ``article_pattern``, its family's links); else None. Before a
        list page settled that, the family whose article links ``url`` has
        the shape of reads it (off-site links are the scope's to refuse)."""
        home = self.profile.list_url
        try:
            if self.template is not None:
                if not self.template.matches(url, self._page_param):
                    return None
                return self.template.canonical_url(url, home=home)
            family = self.family or self._family_of(url)
            canonical = family.canonical_url(url, home=home)
        except ValueError:
            return None
        pattern = self.profile.article_pattern or family.article_link
        if pattern is not None:
            return canonical if pattern_matches(pattern, url, canonical) else None
        return canonical if family.is_article_url(canonical, home) else None

    @staticmethod
    def _family_of(url: str) -> PortalFamily:
        """The family whose article links look like ``url``, else ``generic``."""
        for name in families.FAMILY_NAMES:
            family = families.get(name)
            if family.article_link is not None and family.article_link.search(url):
                return family
        return families.get("generic")

    def confirm(self, is_article: bool) -> LinkTemplate | None:
        """Take note that an article page found by the template extracted as an
        article (or not). Returns the template the first time one did: it is
        confirmed, to be kept for the site's next runs."""
        if self.template is None or self._confirmed:
            return None
        if is_article:
            self._confirmed = True
            logger.info("site %s: template %s confirmed", self.profile.name, self.template)
            return self.template
        self._misses += 1
        if self._misses == CONFIRM_TRIES:
            logger.warning(
                "site %s: the first %d pages template %s led to hold no article: "
                "check them, or give the site an article_pattern",
                self.profile.name,
                CONFIRM_TRIES,
                self.template,
            )
        return None

    # --- settling how links are found (list page 1) ----------------------------

    def _settle(self, tree: HtmlElement, page_url: str) -> None:
        name = self.profile.name
        self.evidence = families.evidence(tree, page_url)
        scripted = list(self._script_rows(tree))
        self.inferred = infer_template(self._anchors(tree), page_url, self._page_param, scripted)
        if self.profile.article_pattern is not None:
            self.family = self.family or self._detected()
            self.how = f"article_pattern {self.profile.article_pattern.pattern}"
            self._settle_pattern(tree, page_url, scripted)
            return
        given = self.family
        family = given or self._detected()
        page_holds = self.inferred.count if self.inferred else 0
        if family.name != "generic":
            found = len({link.url for link in self._family_links(family, tree, page_url)})
            if found and (found >= FAMILY_SHARE * page_holds or self._family_knows(family)):
                self.family = family
                self.how = f"family {family.name}" + (" (cms)" if given else " (detected)")
                return
            if given is not None:
                logger.warning(
                    "site %s: cms %s finds %s on list page 1: discovering them from the page",
                    name,
                    family.name,
                    f"only {found} of {page_holds} article links" if found else "no article link",
                )
        self.family = given or families.get("generic")
        if self.known_template is not None and any(
            True for _ in self._template_links(self.known_template, tree, page_url)
        ):
            self.template = self.known_template
            self.how = f"template {self.template} (kept from an earlier run)"
        elif self.inferred is not None:
            self.template = self.inferred.template
            self.how = f"template {self.template} (inferred from list page 1)"
        else:
            self.how = "family generic (links by shape)"
        logger.info("site %s: article links by %s", name, self.how)

    def _settle_pattern(
        self, tree: HtmlElement, page_url: str, scripted: list[tuple[HtmlElement, str]]
    ) -> None:
        """Note what the site's pattern matches on list page 1, and infer the
        template of those links for the rows linked only by script."""
        matched = list(self._pattern_links(tree, page_url))
        written = {anchor: absolute_link(anchor, page_url) for anchor in self._anchors(tree)}
        found = {link.element for link in matched}
        home = urlsplit(page_url).netloc
        missed = [
            url
            for anchor, url in written.items()
            if url is not None and anchor not in found and urlsplit(url).netloc == home
        ]
        article_like = set(self.inferred.links) if self.inferred else set()
        missed.sort(key=lambda url: url not in article_like)
        self.pattern_check = PatternCheck(
            tuple(dict.fromkeys(written[link.element] or link.place for link in matched)),
            tuple(dict.fromkeys(missed)),
        )
        if scripted and matched:
            inferred = infer_template(
                [link.element for link in matched], page_url, self._page_param, scripted
            )
            self.pattern_template = inferred.template if inferred else None

    def _family_knows(self, family: PortalFamily) -> bool:
        """Whether the links of the page's inferred template are the family's
        articles (then more of them elsewhere are a "most read" box, not a list
        the family misses)."""
        if self.inferred is None or family.article_link is None:
            return False
        known = sum(bool(family.article_link.search(url)) for url in self.inferred.links)
        return known >= FAMILY_SHARE * len(self.inferred.links)

    def _detected(self) -> PortalFamily:
        return families.get(families.strongest(self.evidence) or "generic")

    # --- finding links ----------------------------------------------------------

    def _anchors(self, tree: HtmlElement) -> list[HtmlElement]:
        """The ``<a href>``s of the list area (the site's ``list_links``, or the page)."""
        if self._area is None:
            return list(tree.iter("a"))
        found: list[HtmlElement] = []
        for element in self._area(tree):
            found += [element] if element.tag == "a" else list(element.iter("a"))
        return found

    def _links(self, tree: HtmlElement, page_url: str) -> Iterator[Link]:
        if self.template is not None:
            found = list(self._template_links(self.template, tree, page_url))
        elif self.profile.article_pattern is not None or self._area is not None:
            found = list(self._pattern_links(tree, page_url))
        else:
            assert self.family is not None
            found = list(self._family_links(self.family, tree, page_url))
        yield from found
        yield from self._script_links(tree, page_url, found)

    def _family_links(self, family: PortalFamily, tree: HtmlElement, page_url: str) -> list[Link]:
        return [
            Link(anchor, url, place)
            for anchor, url, place in family.article_anchors(tree, page_url, area=None)
        ]

    def _pattern_links(self, tree: HtmlElement, page_url: str) -> Iterator[Link]:
        """Links of the list area that match the site's pattern (or its family's)."""
        assert self.family is not None
        pattern = self.profile.article_pattern or self.family.article_link
        for anchor in self._anchors(tree):
            url = absolute_link(anchor, page_url)
            if url is None:
                continue
            try:
                canonical = self.family.canonical_url(url, home=page_url)
                place = urls.location(url)
            except ValueError:
                continue
            if pattern is not None and not pattern_matches(pattern, url, canonical):
                continue
            if pattern is None and not self.family.is_article_url(canonical, page_url):
                continue
            yield Link(anchor, canonical, place)

    def _template_links(
        self, template: LinkTemplate, tree: HtmlElement, page_url: str
    ) -> Iterator[Link]:
        for anchor in self._anchors(tree):
            url = absolute_link(anchor, page_url)
            if url is None:
                continue
            try:
                if not template.matches(url, self._page_param):
                    continue
                yield Link(anchor, template.canonical_url(url, home=page_url), urls.location(url))
            except ValueError:
                continue

    def _script_links(self, tree: HtmlElement, page_url: str, found: list[Link]) -> Iterator[Link]:
        """Rows linked only by script, whose id the article URL is known for."""
        home = urlsplit(page_url).netloc
        by_id = {
            token: link
            for link in found
            if urlsplit(link.url).netloc == home
            for token in _ids(link.url)
        }
        for element, article_id in self._script_rows(tree):
            url = self._script_url(article_id, page_url, by_id)
            if url is not None:
                yield Link(element, url, url)

    def _script_rows(self, tree: HtmlElement) -> Iterator[tuple[HtmlElement, str]]:
        """The rows of the list area linked only by script, with their ids."""
        for area in [tree] if self._area is None else self._area(tree):
            yield from script_rows(area)

    def _script_url(self, article_id: str, page_url: str, by_id: dict[str, Link]) -> str | None:
        article_url = self.profile.article_url or (self.family and self.family.article_url)
        try:
            if article_url:
                url = fill(article_url, article_id, page_url)
                if self.template is not None:
                    return self.template.canonical_url(url, home=page_url)
                assert self.family is not None
                return self.family.canonical_url(url, home=page_url)
            if article_id in by_id:
                return by_id[article_id].url
            if self.template is not None:
                return self.template.url_for(article_id, page_url)
            if self.pattern_template is not None:
                url = self.pattern_template.url_for(article_id, page_url)
                assert self.family is not None
                return url and self.family.canonical_url(url, home=page_url)
        except ValueError:
            return None
        return None

    # --- the main list ----------------------------------------------------------

    def _split(self, tree: HtmlElement, links: list[Link]) -> ListLinks:
        """The links, in page order, parted into the main list's and the others."""
        container = self._main_container(tree, links)
        every: dict[str, list[str]] = {}
        listed: set[str] = set()
        for link in links:
            places = every.setdefault(link.url, [])
            if link.place not in places:
                places.append(link.place)
            if container is not None and inside(link.element, container):
                listed.add(link.url)
        result = ListLinks()
        for url, places in every.items():
            (result.main if url in listed else result.extra)[url] = places
        return result

    def _main_container(self, tree: HtmlElement, links: list[Link]) -> HtmlElement | None:
        """The main list: on list page 1 the block holding most of the links;
        on the next pages the same place in the page, else the same kind of
        place (a sidebar past the list's end is not the list)."""
        root = tree.getroottree()
        pairs = [(link.element, link.url) for link in links]
        if self._main_path is None:
            container, _ = main_block(pairs)
            if container is not None:
                self._main_path = root.getpath(container)
            return container
        kept = root.xpath(self._main_path)
        if kept and any(inside(link.element, kept[0]) for link in links):
            return kept[0]
        shape = _INDEXES.sub("", self._main_path)
        alike = [
            ancestor
            for link in links
            for ancestor in link.element.iterancestors()
            if _INDEXES.sub("", root.getpath(ancestor)) == shape
        ]
        if alike:
            return max(set(alike), key=alike.count)
        return kept[0] if kept else None


def _ids(url: str) -> list[str]:
    """Where an article's id may be in ``url``: its path segments and query
    values that are whole numbers, and its last number (``/news/2024/123.html``)."""
    parts = urlsplit(url)
    values = [*parts.path.split("/"), *(value for _, value in parse_qsl(parts.query))]
    numbers = _NUMBER.findall(parts.path + "?" + parts.query)
    return [value for value in values if value.isdigit()] + numbers[-1:]
