"""The main list of a list page: the repeated block holding most of its article
links (a ``<ul>``, a table body, a run of ``<div>``s), told apart from sidebars
and "most read" boxes that link articles too."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from lxml.html import HtmlElement


def main_block(links: Iterable[tuple[HtmlElement, str]]) -> tuple[HtmlElement | None, int]:
    """The element whose children hold the most article links, one row a
    child, counted by distinct URL; and that count. ``links`` pairs each
    link's element with its article URL. Ties go to the deepest element."""
    rows: dict[HtmlElement, set[HtmlElement]] = defaultdict(set)
    targets: dict[HtmlElement, set[str]] = defaultdict(set)
    depth: dict[HtmlElement, int] = {}
    for element, url in links:
        child, parent, level = element, element.getparent(), 0
        while parent is not None:
            rows[parent].add(child)
            targets[parent].add(url)
            level += 1
            depth[parent] = max(depth.get(parent, 0), -level)
            child, parent = parent, parent.getparent()
    best: HtmlElement | None = None
    best_key = (0, 0)
    for container, children in rows.items():
        key = (min(len(children), len(targets[container])), depth[container])
        if key > best_key:
            best, best_key = container, key
    return best, best_key[0]


def inside(element: HtmlElement, container: HtmlElement) -> bool:
    """Whether ``element`` is ``container`` or lies within it."""
    return any(ancestor is container for ancestor in element.iterancestors()) or (
        element is container
    )
