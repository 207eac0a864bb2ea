"""Portal families (CMSs) by name, and detecting which one serves a page."""

from __future__ import annotations

from lxml.html import HtmlElement

from crawler.families.articleview import ArticleView
from crawler.families.base import ArticleFields, ArticleLayout, PortalFamily
from crawler.families.generic import Generic
from crawler.families.gnuboard5 import Gnuboard5
from crawler.families.newscms import NewsCms

__all__ = ["FAMILY_NAMES", "ArticleFields", "ArticleLayout", "PortalFamily", "detect", "get"]

_FAMILIES: dict[str, PortalFamily] = {
    f.name: f for f in (Gnuboard5(), NewsCms(), ArticleView(), Generic())
}
FAMILY_NAMES: tuple[str, ...] = tuple(_FAMILIES)


def get(name: str) -> PortalFamily:
    """The family called ``name`` (one of :data:`FAMILY_NAMES`)."""
    return _FAMILIES[name]


def detect(tree: HtmlElement) -> PortalFamily:
    """The first specific family whose markup ``tree`` shows, else ``generic``."""
    for family in _FAMILIES.values():
        if family.looks_like(tree):
            return family
    return _FAMILIES["generic"]
