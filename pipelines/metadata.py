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
    """The headline: page metadata, else the page's own heading or ``<title>``,
    without the site's name."""
    found = _meta(tree, "og:title", "twitter:title")
    if not found:
        found = next(
            (n["headline"].strip() for n in _json_ld(tree) if isinstance(n.get("headline"), str)),
            None,
        )
    if not found:
        heading = tree.xpath("string((//article//h1 | //main//h1 | //h1)[1])").strip()
        found = heading or tree.xpath("string(//title)").strip()
    return _without_site_name(" ".join(found.split()), tree) if found else None


def _without_site_name(headline: str, tree: HtmlElement) -> str:
    """``경산발전 10대 전략 추진 - 경일신문`` -> ``경산발전 10대 전략 추진``."""
    site = _meta(tree, "og:site_name", "application-name")
    parts = _TITLE_SEPARATORS.split(headline)
    if len(parts) < 2:
        return headline
    if site and parts[-1].strip() == site.strip():
        return _TITLE_SEPARATORS.join(parts[:-1]) if len(parts) > 2 else parts[0]
    page_title = tree.xpath("string(//title)").strip()
    if headline == page_title and len(parts) == 2 and len(parts[0]) > len(parts[1]):
        return parts[0]
    return headline


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
    day = htmldate.find_date(tree, extensive_search=False, original_date=True, url=url)
    return datetime.fromisoformat(day).replace(tzinfo=SEOUL) if day else None


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
    for node in _json_ld(tree):
        authors = node.get("author")
        authors = authors if isinstance(authors, list) else [authors]
        names = [a.get("name") if isinstance(a, dict) else a for a in authors]
        names = [n.strip() for n in names if isinstance(n, str) and n.strip()]
        if names:
            return ", ".join(names)
    return _meta(tree, "article:author", "author", "dable:author")
