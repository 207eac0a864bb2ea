"""Portal families (CMSs) by name, and detecting which one serves a page."""

from __future__ import annotations

from dataclasses import dataclass

from lxml.html import HtmlElement

from pipelines.families.articleview import ArticleView
from pipelines.families.base import ArticleFields, ArticleLayout, PortalFamily
from pipelines.families.generic import Generic
from pipelines.families.gnuboard5 import Gnuboard5
from pipelines.families.newscms import NewsCms

__all__ = [
    "FAMILY_NAMES",
    "ArticleFields",
    "ArticleLayout",
    "PortalFamily",
    "detect",
    "evidence",
    "get",
]

_FAMILIES: dict[str, PortalFamily] = {
    f.name: f for f in (Gnuboard5(), NewsCms(), ArticleView(), Generic())
}
FAMILY_NAMES: tuple[str, ...] = tuple(_FAMILIES)
# article links a family's list area must hold to count as evidence
MIN_LIST_LINKS = 2
# what a page read by one of a family's article layouts weighs
ARTICLE_EVIDENCE = 10


def get(name: str) -> PortalFamily:
    """The family called ``name`` (one of :data:`FAMILY_NAMES`)."""
    return _FAMILIES[name]


@dataclass(frozen=True)
class Evidence:
    """What shows a family on a page: its article links inside its own list
    area, and the article layout that reads a title, a date and a body off it."""

    links: int = 0
    layout: str | None = None

    @property
    def score(self) -> int:
        return self.links + (ARTICLE_EVIDENCE if self.layout else 0)

    def __str__(self) -> str:
        shown = [f"{self.links} article links in its list area"] if self.links else []
        if self.layout:
            shown.append(f"its layout {self.layout!r} reads title, date and body")
        return ", ".join(shown)


def evidence(tree: HtmlElement, page_url: str) -> dict[str, Evidence]:
    """How each specific family shows on ``tree`` (a list or an article page).
    One link to a board, a widget or an ad never makes a family: fewer than
    :data:`MIN_LIST_LINKS` links in its list area are no evidence."""
    found: dict[str, Evidence] = {}
    for family in _FAMILIES.values():
        if family.name == "generic":
            continue
        linked = {url for _, url, _ in family.article_anchors(tree, page_url)}
        fields = family.read_article(tree)
        shown = Evidence(
            len(linked) if len(linked) >= MIN_LIST_LINKS else 0,
            fields.layout
            if fields.body is not None and fields.title and fields.published
            else None,
        )
        if shown.score:
            found[family.name] = shown
    return found


def strongest(found: dict[str, Evidence]) -> str | None:
    """The family with the most evidence, or None."""
    return max(found, key=lambda name: found[name].score) if found else None


def detect(tree: HtmlElement, page_url: str = "http://localhost/") -> PortalFamily:
    """The specific family with the most evidence on ``tree`` (see
    :func:`evidence`), else ``generic``."""
    return _FAMILIES[strongest(evidence(tree, page_url)) or "generic"]
