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
from collections.abc import Iterator
from copy import deepcopy
from datetime import datetime
from typing import Any

import htmldate
from lxml import etree
from lxml.html import HtmlElement

from crawler.families.dates import labelled_published, parse_iso_datetime
from storage.types import SEOUL

_ARTICLE_TYPES = {"NewsArticle", "Article", "BlogPosting", "ReportageNewsArticle"}
# page parts that hold other articles or site furniture, never this article's date
_ASIDE_TAGS = {"aside", "nav", "footer", "script", "style", "noscript", "form", "select"}
_ASIDE_NAMES = re.compile(
    r"aside|side|rank|popular|best|hot|latest|recent|most|widget|footer|\bft\b|copy|"
    r"comment|reply|\bcmt|related|banner|lnb|gnb|\bnav|menu|company|address",
    re.IGNORECASE,
)
_TITLE_SEPARATORS = re.compile(r"\s+(?:[-|:<>»·]|::|–|—)\s+")
# elements that name an article's writer on pages no family knows
_BYLINE_XPATH = (
    "//*[@itemprop='author'] | //a[@rel='author'] | //*[contains(@class, 'author')]//*"
    "[contains(concat(' ', @class, ' '), ' fn ')] | //*[contains(@class, 'byline')]"
    " | //*[contains(@class, 'writer')] | //*[contains(@class, 'reporter')]"
)
_BYLINE_MAX = 40


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
    """The headline: page metadata, else the page's own headline, without the
    site's name."""
    found = _meta(tree, "og:title", "twitter:title")
    if not found:
        found = next(
            (n["headline"].strip() for n in _json_ld(tree) if isinstance(n.get("headline"), str)),
            None,
        )
    if found:
        return _without_site_name(" ".join(found.split()), tree)
    return _page_headline(tree)


def _without_site_name(headline: str, tree: HtmlElement) -> str:
    """``경산발전 10대 전략 추진 - 경일신문`` -> ``경산발전 10대 전략 추진`` when
    ``경일신문`` is the site's name."""
    site = _meta(tree, "og:site_name", "application-name")
    parts = _TITLE_SEPARATORS.split(headline)
    if site and len(parts) > 1 and parts[-1].strip() == site.strip():
        return headline[: headline.rindex(parts[-1])].rstrip(" -|:<>»·–—")
    return headline


def _page_headline(tree: HtmlElement) -> str | None:
    """The longest heading that the ``<title>`` repeats (a site's logo is a
    heading too, but shorter), else the longest part of the ``<title>``."""
    page_title = " ".join(tree.xpath("string(//title)").split())
    headings = (" ".join(h.text_content().split()) for h in tree.xpath("//h1 | //h2 | //h3"))
    repeated = [h for h in headings if len(h) > 1 and h in page_title]
    if repeated:
        return max(repeated, key=len)
    parts = [part for part in _TITLE_SEPARATORS.split(page_title) if part.strip()]
    return max(parts, key=len).strip() if parts else None


def published(tree: HtmlElement, url: str | None = None) -> datetime | None:
    """When the article was published: metadata, ``<time>`` in the article, a
    labelled date outside sidebars, then htmldate (day only, at midnight)."""
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
    for candidate in candidates:
        found = parse_iso_datetime(candidate)
        if found is not None:
            return found
    found = labelled_published(main_text(tree))
    if found is not None:
        return found
    day = htmldate.find_date(
        _without_asides(tree), extensive_search=False, original_date=True, url=url
    )
    return datetime.fromisoformat(day).replace(tzinfo=SEOUL) if day else None


def _without_asides(tree: HtmlElement) -> HtmlElement:
    """A copy of the page without its sidebars, rankings, menus and footer."""
    copy = deepcopy(tree)
    for element in copy.xpath("//*[@id or @class] | //aside | //nav | //footer"):
        if is_aside(element) and element.getparent() is not None:
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
    return element.tag in _ASIDE_TAGS or bool(names.strip() and _ASIDE_NAMES.search(names))


def _outside_asides(element: HtmlElement) -> bool:
    return not any(is_aside(ancestor) for ancestor in element.iterancestors())


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
