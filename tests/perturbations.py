"""Perturbations of a list page for the metamorphic discovery tests: each
changes the markup a real portal might change (class names, wrappers, table
cells, script-only rows, extra links) and none changes which articles the
page lists. The list itself is found as the lowest element holding the links
to the articles the sample portal says the page lists, never by class name."""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Collection, Mapping
from copy import deepcopy
from urllib.parse import urljoin, urlsplit

from lxml.html import HtmlElement, fragment_fromstring

from pipelines import urls

_NUMBER = re.compile(r"\d+")

Perturbation = Callable[[HtmlElement, "PageFacts"], None]


class PageFacts:
    """What a perturbation may know of the page: its URL, the articles its list
    holds (URLs and titles: a row linked by script shows its title) and the
    site's other articles (for sidebars)."""

    def __init__(self, page_url: str, listed: Mapping[str, str], site: Collection[str]) -> None:
        self.page_url = page_url
        self.listed = {urls.location(url) for url in listed}
        self.site = sorted(site)
        self.titles = {title: urls.location(url) for url, title in listed.items()}

    def listed_url(self, anchor: HtmlElement) -> str:
        """The listed article ``anchor`` links to, or "" when none."""
        try:
            url = urls.location(urljoin(self.page_url, anchor.get("href") or ""))
        except ValueError:
            return ""
        for candidate in (url, _without_page(url)):
            if candidate in self.listed:
                return candidate
        return ""

    def list_anchors(self, tree: HtmlElement) -> list[HtmlElement]:
        return [anchor for anchor in tree.iter("a") if self.listed_url(anchor)]

    def row_key(self, anchor: HtmlElement) -> str:
        """The listed article an anchor of the list links to (its URL, or the title
        of a row linked by script), or ""."""
        if _scripted(anchor):
            return self.titles.get(anchor.text_content().strip(), "")
        return self.listed_url(anchor)

    def list_container(self, tree: HtmlElement) -> HtmlElement | None:
        """The deepest element holding a link to every listed article on the page
        (a "most read" box holds only some)."""
        keyed = [(anchor, self.row_key(anchor)) for anchor in tree.iter("a")]
        keyed = [(anchor, key) for anchor, key in keyed if key]
        present = {key for _, key in keyed}
        if not present:
            return None
        found: list[HtmlElement] = []
        for anchor, _ in keyed:
            for ancestor in anchor.iterancestors():
                if {self.row_key(a) for a in ancestor.iter("a")} >= present:
                    found.append(ancestor)
                    break
        return max(found, key=lambda element: len(list(element.iterancestors())))


def _scripted(anchor: HtmlElement) -> bool:
    return bool(anchor.get("onclick")) or (anchor.get("href") or "").startswith("javascript:")


def _without_page(url: str) -> str:
    parts = urlsplit(url)
    query = "&".join(pair for pair in parts.query.split("&") if not pair.startswith("page="))
    return parts._replace(query=query).geturl()


def rename_classes(tree: HtmlElement, facts: PageFacts) -> None:
    rng = random.Random(facts.page_url.split("?")[0])
    names: dict[str, str] = {}

    def renamed(name: str) -> str:
        return names.setdefault(name, f"q{rng.randrange(10**6)}")

    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        if element.get("class"):
            element.set("class", " ".join(renamed(n) for n in element.get("class").split()))
        if element.get("id"):
            element.set("id", renamed(element.get("id")))


def remove_classes(tree: HtmlElement, facts: PageFacts) -> None:
    for element in tree.iter():
        if isinstance(element.tag, str):
            element.attrib.pop("class", None)
            element.attrib.pop("id", None)


def wrap_list_in_table(tree: HtmlElement, facts: PageFacts) -> None:
    container = facts.list_container(tree)
    if container is None or container.getparent() is None:
        return
    table = fragment_fromstring("<table><tbody><tr><td></td></tr></tbody></table>")
    container.addprevious(table)
    table.find(".//td").append(container)


def links_into_cells(tree: HtmlElement, facts: PageFacts) -> None:
    """Rebuild the list as a table, each row's content in one cell."""
    container = facts.list_container(tree)
    if container is None or container.getparent() is None or container.tag in ("tbody", "table"):
        return
    table = fragment_fromstring("<table><tbody></tbody></table>")
    body = table.find("tbody")
    for row in list(container):
        cell = fragment_fromstring("<tr><td></td></tr>", create_parent=False)
        cell.find("td").append(row)
        body.append(cell)
    container.addprevious(table)
    container.getparent().remove(container)


def script_only_rows(tree: HtmlElement, facts: PageFacts) -> None:
    """Every other list link becomes ``javascript:goView('ID')``, ID the article's number."""
    for anchor in facts.list_anchors(tree)[::2]:
        url = facts.listed_url(anchor)
        parts = urlsplit(url)
        numbers = _NUMBER.findall(parts.path + "?" + parts.query)
        if numbers:
            anchor.set("href", f"javascript:goView('{numbers[-1]}')")


def board_link(tree: HtmlElement, facts: PageFacts) -> None:
    _prepend(tree, '<div><a href="/bbs/board.php?bo_table=free">자유게시판</a></div>')


def board_widget(tree: HtmlElement, facts: PageFacts) -> None:
    items = "".join(
        f'<li><a href="/bbs/board.php?bo_table=free&amp;wr_id={n}">커뮤니티 글 제목 {n}번</a></li>'
        for n in range(1, 6)
    )
    _prepend(tree, f'<div class="lt"><strong>커뮤니티</strong><ul>{items}</ul></div>')


def sidebar_of_ten(tree: HtmlElement, facts: PageFacts) -> None:
    picks = random.Random(facts.page_url).sample(facts.site, min(10, len(facts.site)))
    items = "".join(
        f'<li><a href="{url}">많이 본 기사 제목 {i}</a></li>' for i, url in enumerate(picks)
    )
    _append(tree, f"<div><strong>많이 본 뉴스</strong><ol>{items}</ol></div>")


def foreign_links(tree: HtmlElement, facts: PageFacts) -> None:
    """Links to another port of the host (the site's own paths) and to ``javascript:``."""
    parts = urlsplit(facts.page_url)
    other = f"{parts.scheme}://{parts.hostname}:{(parts.port or 80) + 1}"
    items = "".join(
        f'<li><a href="{other}{urlsplit(url).path}?{urlsplit(url).query}">다른 곳 {i}</a></li>'
        for i, url in enumerate(facts.site[:5])
    )
    items += '<li><a href="javascript:void(0)">열기</a></li>'
    items += '<li><a href="javascript:window.print()">인쇄</a></li>'
    _append(tree, f"<ul>{items}</ul>")


def _prepend(tree: HtmlElement, html: str) -> None:
    body = tree.find(".//body")
    body.insert(0, fragment_fromstring(html))


def _append(tree: HtmlElement, html: str) -> None:
    tree.find(".//body").append(fragment_fromstring(html))


PERTURBATIONS: dict[str, Perturbation] = {
    "rename-classes": rename_classes,
    "remove-classes": remove_classes,
    "wrap-in-table": wrap_list_in_table,
    "links-in-cells": links_into_cells,
    "script-only-rows": script_only_rows,
    "board-link": board_link,
    "board-widget": board_widget,
    "sidebar-of-ten": sidebar_of_ten,
    "foreign-links": foreign_links,
}


def perturbed(tree: HtmlElement, facts: PageFacts, names: Collection[str]) -> HtmlElement:
    """A copy of ``tree`` with the perturbations ``names`` applied in order."""
    copy = deepcopy(tree)
    for name in names:
        PERTURBATIONS[name](copy, facts)
    return copy
