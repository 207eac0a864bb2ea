"""Portal families (CMSs) by name, and detecting which one serves a page."""

from __future__ import annotations

from lxml.html import HtmlElement

from crawler.families.articleview import ArticleView
from crawler.families.base import ArticleFields, ArticleLayout, PortalFamily
from crawler.families.generic import Generic
from crawler.families.gnuboard5 import Gnuboard5
from crawler.families.newscms import NewsCms

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


def evidence(tree: HtmlElement, page_url: str) -> dict[str, int]:
    """How strongly each specific family shows on ``tree`` (a list or an article
    page): its article links inside its own list area, and ten more when one of
    its article layouts reads a title, a date and a body off the page. One link
    to a board, a widget or an ad never makes a family."""
    scores: dict[str, int] = {}
    for family in _FAMILIES.values():
        if family.name == "generic":
            continue
        linked = {url for _, url, _ in family.article_anchors(tree, page_url)}
        score = len(linked) if len(linked) >= MIN_LIST_LINKS else 0
        fields = family.read_article(tree)
        if fields.body is not None and fields.title and fields.published:
            score += ARTICLE_EVIDENCE
        if score:
            scores[family.name] = score
    return scores


def detect(tree: HtmlElement, page_url: str = "http://localhost/") -> PortalFamily:
    """The specific family with the most evidence on ``tree`` (see
    :func:`evidence`), else ``generic``."""
    scores = evidence(tree, page_url)
    if not scores:
        return _FAMILIES["generic"]
    return _FAMILIES[max(scores, key=scores.__getitem__)]
