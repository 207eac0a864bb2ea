"""What any news page says about its article, for the fields a portal family
does not find: ``og:title``, ``article:published_time``, JSON-LD
``NewsArticle``, ``<time datetime>``, then the page itself (its headline, a
labelled Korean date such as ``입력 2020.11.21 08:08``) and last htmldate.

A date in a sidebar, a ranking, a "latest news" box, comments or the footer is
never the article's: those parts of the page are skipped.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator
from copy import deepcopy
from datetime import datetime
from typing import Any

import htmldate
from lxml import etree
from lxml.html import HtmlElement

from pipelines import headlines
from pipelines.dates import (
    SEOUL,
    datetimes_in,
    labelled_modified,
    labelled_published,
    parse_iso_datetime,
    without_stamps,
)
from pipelines.korean_news import BYLINE_LINE, DEPARTMENT, WRITER_ROW
from pipelines.paragraphs import letters

_ARTICLE_TYPES = {"NewsArticle", "Article", "BlogPosting", "ReportageNewsArticle"}
# page parts that hold other articles or site furniture, never this article's date
_ASIDE_TAGS = {"aside", "nav", "footer", "script", "style", "noscript", "select"}
# a form is a search box or a poll (fields to fill, little text), unless it
# wraps the post (boards and ASP.NET pages put a whole post in one)
_FORM_FIELDS = ".//input[not(@type='hidden' or @type='submit' or @type='button')] | .//select"
_FORM_TEXT_MAX = 300
_ASIDE_NAMES = re.compile(
    r"aside|side|rank|popular|best|hot|latest|recent|most|widget|footer|\bft\b|copy|"
    r"comment|reply|\bcmt|related|banner|lnb|gnb|\bnav|menu|company|address",
    re.IGNORECASE,
)
_TITLE_SEPARATORS = re.compile(r"\s+(?:[-|:<>»·]|::|–|—)\s+")
# what sets a site's name (or section) off a headline: `` - ``, ``ㅣ``, `` #``
_SEPARATOR_MARKS = "-|:<>»·–—ㅣ│#/"
_SEPARATOR = rf"\s*[{re.escape(_SEPARATOR_MARKS)}]{{1,2}}\s*"
_WORD = rf"[^\s{re.escape(_SEPARATOR_MARKS)}]{{1,10}}"
# a heading is the shown headline when it is this much of the metadata's title
_HEADLINE_SHARE = 0.5
_HEADLINE_MIN = 4
# elements that name an article's writer on pages no family knows
_BYLINE_XPATH = (
    "//*[@itemprop='author'] | //a[@rel='author'] | //*[contains(@class, 'author')]//*"
    "[contains(concat(' ', @class, ' '), ' fn ')] | //*[contains(@class, 'byline')]"
    " | //*[contains(@class, 'writer')] | //*[contains(@class, 'reporter')]"
)
_BYLINE_MAX = 40
# metadata naming the last change, never the publication
_MODIFIED_META = ("article:modified_time", "og:updated_time", "dateModified")
_BYLINE_TAGS = ("span", "em", "strong", "b", "a", "li", "p", "div", "dd", "td")


def _meta(tree: HtmlElement, *names: str) -> str | None:
    for name in names:
        for element in tree.xpath("//meta[@property=$n or @name=$n or @itemprop=$n]", n=name):
            content = (element.get("content") or "").strip()
            if content:
                return content
    return None


def _json_ld(tree: HtmlElement) -> Iterator[dict[str, Any]]:
    for script in tree.xpath("//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        stack = data if isinstance(data, list) else [data]
        while stack:
            node = stack.pop(0)
            if isinstance(node, dict):
                if "@graph" in node:
                    stack.extend(node["@graph"])
                kinds = node.get("@type")
                kinds = set(kinds) if isinstance(kinds, list) else {kinds}
                if kinds & _ARTICLE_TYPES:
                    yield node


def title(tree: HtmlElement) -> str | None:
    """The headline: as the page shows it (its ``h1``, else an ``h2``/``h3``,
    that the metadata's title names), else the metadata's title without the
    site's name, else the page's own headline. Metadata that is the site's
    frame (its name and board, a keyword list) is no title: then the post's
    headline (:func:`pipelines.headlines.post_headline`) is."""
    sites = site_names(tree)
    links = headlines.link_texts(tree)
    keywords = headlines.meta_keywords(tree)
    named = [
        found
        for found in (headlines.without_keywords(meta, keywords) for meta in _meta_titles(tree))
        if found and not headlines.is_frame_title(found, sites, links)
    ]
    page_title = " ".join(tree.xpath("string(//title)").split())
    generic = headlines.is_frame_title(page_title, sites, links)
    shown = _shown_headline(tree, named or ([] if generic else [page_title]), sites)
    if shown:
        return shown
    if named:
        return _without_site_name(named[0], sites, tree)
    post = headlines.post_headline(tree, is_aside)
    if post and (generic or title_key(post) in title_key(page_title)):
        return post
    return _page_headline(tree, sites, links)


def _meta_titles(tree: HtmlElement) -> Iterator[str]:
    for name in ("og:title", "twitter:title"):
        yield " ".join((_meta(tree, name) or "").split())
    for node in _json_ld(tree):
        if isinstance(node.get("headline"), str):
            yield " ".join(node["headline"].split())


def site_names(tree: HtmlElement) -> set[str]:
    """The site's own names: ``og:site_name``, ``application-name``."""
    names = (_meta(tree, name) for name in ("og:site_name", "application-name"))
    return {" ".join(name.split()) for name in names if name and name.strip()}


def _shown_headline(tree: HtmlElement, titles: list[str], sites: set[str]) -> str | None:
    """The first heading (``h1`` before ``h2`` before ``h3``) outside sidebars
    that is most of one of ``titles`` (a logo heading is a small part of it)."""
    keys = [title_key(found) for found in titles if title_key(found)]
    site_keys = {title_key(site) for site in sites}
    for level in ("h1", "h2", "h3"):
        for heading in tree.iter(level):
            shown = " ".join(heading.text_content().split())
            key = title_key(shown)
            if len(key) < _HEADLINE_MIN or key in site_keys or not _outside_asides(heading):
                continue
            if any(key in found and len(key) >= _HEADLINE_SHARE * len(found) for found in keys):
                return shown
    return None


def title_key(text: str) -> str:
    """``text`` for comparing headlines: its letters and digits, NFKC, lower case."""
    return letters([unicodedata.normalize("NFKC", text)]).lower()


def _without_site_name(headline: str, sites: set[str], tree: HtmlElement) -> str:
    """``경산발전 10대 전략 추진 - 경일신문`` -> ``경산발전 10대 전략 추진`` when
    ``경일신문`` is the site's name; a section the page links to may stand
    between them (``...-정치ㅣ한국일보``). A headline that merely names the
    site (``경일신문 창간 30주년``) is kept."""
    for site in sorted(sites, key=len, reverse=True):
        name = re.escape(site)
        suffix = re.search(
            rf"(?:{_SEPARATOR}(?P<section>{_WORD}))?(?P<site>{_SEPARATOR}{name})\s*$", headline
        )
        if suffix and suffix.start() > 0:
            section = suffix["section"]
            end = suffix.start() if section and _links_to(tree, section) else suffix.start("site")
            return _strip_separators(headline[:end]) or headline
        prefix = re.match(rf"^\s*{name}{_SEPARATOR}", headline)
        if prefix and headline[prefix.end() :].strip():
            return headline[prefix.end() :].strip()
    return headline


def _links_to(tree: HtmlElement, text: str) -> bool:
    """Whether a link on the page reads ``text`` (a section in the menu)."""
    return bool(tree.xpath("//a[normalize-space(.) = $t]", t=text))


def _strip_separators(text: str) -> str:
    return text.rstrip().rstrip(_SEPARATOR_MARKS).rstrip()


def _page_headline(tree: HtmlElement, sites: set[str], links: set[str]) -> str | None:
    """The longest heading that the ``<title>`` repeats (a site's logo is a
    heading too, but shorter), else the longest part of the ``<title>`` that
    names neither the site nor its board."""
    page_title = " ".join(tree.xpath("string(//title)").split())
    headings = (" ".join(h.text_content().split()) for h in tree.xpath("//h1 | //h2 | //h3"))
    repeated = [
        h
        for h in headings
        if len(h) > 1 and h in page_title and not headlines.is_frame_title(h, sites, links)
    ]
    if repeated:
        return max(repeated, key=len)
    parts = [
        part.strip()
        for part in _TITLE_SEPARATORS.split(page_title)
        if part.strip() and not headlines.is_frame_title(part, sites, links)
    ]
    return max(parts, key=len) if parts else None


def published(tree: HtmlElement, url: str | None = None) -> datetime | None:
    """When the article was published: metadata, ``<time>`` in the article, a
    labelled date outside sidebars, then htmldate (day only, at midnight).

    A stamp the page shows with its time (``입력 2018.11.20 14:50``) wins over
    metadata of the same day (a date alone, midnight, or a minute off); a
    date without a time takes the time the page shows beside it that day."""
    candidates: list[str] = []
    meta = _meta(tree, "article:published_time", "datePublished", "pubdate")
    if meta:
        candidates.append(meta)
    candidates.extend(
        node["datePublished"]
        for node in _json_ld(tree)
        if isinstance(node.get("datePublished"), str)
    )
    candidates.extend(
        time.get("datetime", "")
        for time in tree.xpath("//article//time[@datetime] | //time[@pubdate][@datetime]")
        if _outside_asides(time)
    )
    text = main_text(tree)
    stamp = labelled_published(text)
    found = next(filter(None, map(parse_iso_datetime, candidates)), None)
    if found is None and stamp is None:
        day = htmldate.find_date(
            _without_modification(_without_asides(tree)),
            extensive_search=False,
            original_date=True,
            url=url,
        )
        found = datetime.fromisoformat(day).replace(tzinfo=SEOUL) if day else None
    shown = stamp if stamp is not None and _has_time(stamp) else None
    if shown is not None and (found is None or found.date() == shown.date()):
        return shown
    if found is not None and not _has_time(found):
        return _shown_time(text, found) or found
    return found or stamp


def modified(tree: HtmlElement, published: datetime | None = None) -> datetime | None:
    """When the page says the article was last changed: ``article:modified_time``
    (or ``og:updated_time``, ``dateModified``), JSON-LD ``dateModified``, else
    a stamp a modification label (수정, 최종수정, 업데이트) names outside
    sidebars. Never a publication stamp; a stamp before ``published`` is no
    modification of this article (a sidebar's, a wrong one): None."""
    candidates = [_meta(tree, *_MODIFIED_META) or ""]
    candidates.extend(
        node["dateModified"] for node in _json_ld(tree) if isinstance(node.get("dateModified"), str)
    )
    found = next(filter(None, map(parse_iso_datetime, candidates)), None)
    if found is None:
        found = labelled_modified(main_text(tree))
    if found is None or (published is not None and found < published):
        return None
    return found


def _has_time(moment: datetime) -> bool:
    return (moment.hour, moment.minute, moment.second) != (0, 0, 0)


def _shown_time(text: str, day: datetime) -> datetime | None:
    """The first time ``text`` shows on ``day``'s date (``2019/01/16 13:59``)."""
    return next(
        (
            moment
            for moment in datetimes_in(text)
            if moment.date() == day.date() and _has_time(moment)
        ),
        None,
    )


def _without_asides(tree: HtmlElement) -> HtmlElement:
    """A copy of the page without its sidebars, rankings, menus and footer."""
    copy = deepcopy(tree)
    for element in copy.xpath("//*[@id or @class] | //aside | //nav | //footer"):
        if is_aside(element) and element.getparent() is not None:
            element.drop_tree()
    return copy


def _without_modification(copy: HtmlElement) -> HtmlElement:
    """``copy`` without the metadata that names the last change, which
    htmldate would otherwise give for the publication day."""
    for name in _MODIFIED_META:
        for element in copy.xpath("//meta[@property=$n or @name=$n or @itemprop=$n]", n=name):
            element.drop_tree()
    return copy


def main_text(tree: HtmlElement) -> str:
    """The page's text without its sidebars, rankings, comments, menus and footer."""
    parts: list[str] = []
    walker = etree.iterwalk(tree, events=("start", "end", "comment", "pi"))
    for event, element in walker:
        if event == "start":
            if is_aside(element):
                walker.skip_subtree()
            else:
                parts.append(element.text or "")
        else:  # a tail belongs to the parent, whatever the element was
            parts.append(element.tail or "")
    return " ".join(" ".join(parts).split())


def is_aside(element: HtmlElement) -> bool:
    """Whether ``element`` is a sidebar, ranking, menu, comment block or footer."""
    names = f"{element.get('id', '')} {element.get('class', '')}"
    if element.tag == "form":
        return bool(element.xpath(_FORM_FIELDS)) and len(element.text_content()) < _FORM_TEXT_MAX
    return element.tag in _ASIDE_TAGS or bool(names.strip() and _ASIDE_NAMES.search(names))


def _outside_asides(element: HtmlElement) -> bool:
    return not any(is_aside(ancestor) for ancestor in element.iterancestors())


def visible_byline(tree: HtmlElement) -> str | None:
    """The first byline the page shows outside its body and sidebars, alone in
    its element (``김정훈 기자 | 입력 : 2019.03.07 11:25``)."""
    for element in tree.iter(*_BYLINE_TAGS):
        text = " ".join(element.text_content().split())
        if not text or len(text) > _BYLINE_MAX:
            continue
        line = without_stamps(text).strip(" |·/:")
        if BYLINE_LINE.match(line) and _outside_asides(element) and not is_aside(element):
            return line
    return None


def author(tree: HtmlElement) -> str | None:
    """Who wrote it: JSON-LD, author metadata, else a byline element of the
    page (``.byline``, ``.author``, ``rel=author``) outside sidebars."""
    for node in _json_ld(tree):
        authors = node.get("author")
        authors = authors if isinstance(authors, list) else [authors]
        names = [a.get("name") if isinstance(a, dict) else a for a in authors]
        names = [n.strip() for n in names if isinstance(n, str) and n.strip()]
        if names:
            return ", ".join(names)
    found = _meta(tree, "article:author", "dable:author")
    if found:
        return found
    for element in tree.xpath(_BYLINE_XPATH):
        text = " ".join(element.text_content().split())
        if 1 < len(text) <= _BYLINE_MAX and _outside_asides(element):
            return text
    return _meta(tree, "author")


def labelled_writer(tree: HtmlElement) -> str | None:
    """The person a board's 작성자 / 글쓴이 / 기자 row names outside sidebars
    and comments; None when it names a department (일자리경제과)."""
    found = WRITER_ROW.search(main_text(tree))
    if found is None:
        return None
    names = [name.strip() for name in re.split(r"[,·]", found["names"])]
    return None if any(DEPARTMENT.search(name) for name in names) else ", ".join(names)
