"""Inferring a site's article URL template from one of its list pages.

The page's same-site links are grouped by template
(:func:`crawler.discovery.templates.template_of`); a group counts as many
articles as its best repeated block holds distinct links
(:func:`crawler.discovery.blocks.main_block`). Links that do not read like
headlines (menu labels, page numbers: short texts), templates without an
id part, a number or a slug (boards, static pages), and the list's own pages are never
article templates. When rows linked only by script make the main list (an old
CMS board whose only real links are a "most read" box's and a community
widget's), the rows' template is the group whose ids lie nearest theirs.
A page that links no article (an empty shell) leaves the template to the
links a feed or a sitemap of the site lists (:func:`route_template`).
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from statistics import median
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from crawler.discovery.blocks import inside, main_block
from crawler.discovery.templates import LinkTemplate, template_of
from pipelines.families.base import absolute_link, clean_text

# a headline is at least this long; menu labels and page numbers are shorter
HEADLINE_CHARS = 8
# the fewest distinct links in one block that make a template an article list
MIN_LINKS = 2
_NUMBER = re.compile(r"\d+")


@dataclass(frozen=True)
class Inferred:
    """The article template a list page shows, and how many articles its main block links."""

    template: LinkTemplate
    count: int
    links: tuple[str, ...]  # the page's links of the template


def infer_template(
    anchors: Iterable[HtmlElement],
    page_url: str,
    page_param: str | None,
    script_rows: Sequence[tuple[HtmlElement, str]] = (),
) -> Inferred | None:
    """The template of the page's article links, or None when no group of links
    looks like one. Rows linked only by script (``script_rows``, each with the
    id it passes) count for the block they sit in."""
    home = urlsplit(page_url)
    own = template_of(page_url, page_param)
    groups: dict[LinkTemplate, list[tuple[HtmlElement, str]]] = defaultdict(list)
    for anchor in anchors:
        url = absolute_link(anchor, page_url)
        if url is None:
            continue
        try:
            parts = urlsplit(url)
            if parts.netloc != home.netloc:
                continue
            template = template_of(url, page_param)
        except ValueError:
            continue
        if template.ids and template != own:
            groups[template].append((anchor, url))
    rows = [element for element, _ in script_rows]
    found: list[Inferred] = []
    for template, links in groups.items():
        container, count = _block(links, rows)
        if container is None or count < MIN_LINKS:
            continue
        listed = [(element, url) for element, url in links if inside(element, container)]
        if median(len(_text(element)) for element, _ in listed) < HEADLINE_CHARS:
            continue  # menus, page numbers, tags: not headlines
        specific = template.specialized([url for _, url in listed], page_param)
        found.append(Inferred(specific, count, tuple(url for _, url in links)))
    if not found:
        return None
    best = max(found, key=lambda inferred: inferred.count)
    if len(rows) > best.count:  # the script rows are the main list, held by no group's block
        ids = [int(article_id) for _, article_id in script_rows]
        return min(found, key=lambda inferred: _id_distance(inferred.links, ids))
    return best


def _id_distance(links: Sequence[str], ids: Sequence[int]) -> float:
    """How far the ids of ``links`` (each one's last number) lie from ``ids``,
    in orders of magnitude between their medians."""
    numbers = [int(found[-1]) for url in links if (found := _NUMBER.findall(url))]
    if not numbers:
        return math.inf
    return abs(math.log10(median(numbers) + 1) - math.log10(median(ids) + 1))


def _text(anchor: HtmlElement) -> str:
    """What a link shows: its text, or its image's alternative text."""
    return clean_text(anchor) or " ".join(anchor.xpath(".//img/@alt"))


def _block(
    links: list[tuple[HtmlElement, str]], script_rows: Sequence[HtmlElement]
) -> tuple[HtmlElement | None, int]:
    """The best block of ``links`` and its rows, with the script-only rows in it
    when the block holds some of the links themselves."""
    if script_rows:
        scripted = [(row, f"script:{number}") for number, row in enumerate(script_rows)]
        container, count = main_block([*links, *scripted])
        if container is not None:
            held = {url for element, url in links if inside(element, container)}
            if len(held) >= MIN_LINKS:
                return container, count
    return main_block(links)


def route_template(
    links: Sequence[str], page_url: str, page_param: str | None
) -> LinkTemplate | None:
    """The template most of a feed's or a sitemap's ``links`` on the site of
    ``page_url`` share (at least ``MIN_LINKS`` of them), else None."""
    home = urlsplit(page_url).netloc
    own = template_of(page_url, page_param)
    groups: dict[LinkTemplate, set[str]] = defaultdict(set)
    for url in links:
        try:
            if urlsplit(url).netloc != home:
                continue
            template = template_of(url, page_param)
        except ValueError:
            continue
        if template.ids and template != own:
            groups[template].add(url)
    if not groups:
        return None
    template, held = max(groups.items(), key=lambda group: len(group[1]))
    return template.specialized(sorted(held), page_param) if len(held) >= MIN_LINKS else None
