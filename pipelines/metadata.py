"""Page metadata any news page may carry: ``og:title``, ``article:published_time``,
JSON-LD ``NewsArticle``, ``<time datetime>``, ``<title>``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from lxml.html import HtmlElement

from crawler.families.dates import parse_iso_datetime

_ARTICLE_TYPES = {"NewsArticle", "Article", "BlogPosting", "ReportageNewsArticle"}


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
    found = _meta(tree, "og:title", "twitter:title")
    if found:
        return found
    for node in _json_ld(tree):
        if isinstance(node.get("headline"), str):
            return node["headline"].strip()
    heading = tree.xpath("//title/text()")
    return heading[0].strip() if heading and heading[0].strip() else None


def published(tree: HtmlElement) -> datetime | None:
    candidates: list[str] = []
    meta = _meta(tree, "article:published_time", "datePublished", "pubdate")
    if meta:
        candidates.append(meta)
    candidates.extend(
        node["datePublished"]
        for node in _json_ld(tree)
        if isinstance(node.get("datePublished"), str)
    )
    candidates.extend(tree.xpath("//article//time/@datetime | //time[@pubdate]/@datetime"))
    for candidate in candidates:
        found = parse_iso_datetime(candidate)
        if found is not None:
            return found
    return None


def author(tree: HtmlElement) -> str | None:
    for node in _json_ld(tree):
        authors = node.get("author")
        authors = authors if isinstance(authors, list) else [authors]
        names = [a.get("name") if isinstance(a, dict) else a for a in authors]
        names = [n.strip() for n in names if isinstance(n, str) and n.strip()]
        if names:
            return ", ".join(names)
    return _meta(tree, "article:author", "author", "dable:author")
