"""What every portal family knows: which links on a list page are articles,
the canonical form of an article URL, and where an article page keeps its
title, reporter, date and body (one :class:`ArticleLayout` per skin version,
newest first)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar
from urllib.parse import urljoin, urlsplit

from lxml.cssselect import CSSSelector
from lxml.html import HtmlElement

from pipelines import urls
from pipelines.dates import published_in

_SPACES = re.compile(r"\s+")


def clean_text(element: HtmlElement) -> str:
    """The visible text of ``element`` on one line."""
    return _SPACES.sub(" ", element.text_content()).strip()


@dataclass(frozen=True)
class ArticleFields:
    """What a family reads off an article page; None where it found nothing."""

    title: str | None = None
    author: str | None = None
    published: datetime | None = None
    body: HtmlElement | None = None  # the element holding the article body
    layout: str | None = None  # the name of the layout that read them


@dataclass(frozen=True)
class ArticleLayout:
    """Where one skin (one version of a family's markup) keeps an article's parts.

    Each field is a CSS selector; the layout applies to a page when ``body``
    matches. For title, author and published, the alternatives of a selector
    group (``a, b``) are tried in the order written. Elements matching
    ``drop`` inside the body are removed first (buttons, share bars,
    related-article boxes that some skins put there).
    """

    name: str
    body: str | None = None
    title: str | None = None
    published: str | None = None
    author: str | None = None
    drop: str | None = None

    def select(self, which: str, tree: HtmlElement) -> list[HtmlElement]:
        """The elements ``which`` (a field name) selects, in document order."""
        selector = getattr(self, which)
        if selector is None:
            return []
        return _selector(selector)(tree)

    def candidates(self, which: str, tree: HtmlElement) -> Iterator[HtmlElement]:
        """The elements ``which`` selects, alternative by alternative."""
        selector = getattr(self, which)
        for alternative in (selector or "").split(","):
            if alternative.strip():
                yield from _selector(alternative.strip())(tree)

    def read(self, tree: HtmlElement) -> ArticleFields | None:
        """The fields of ``tree`` under this layout, or None when it does not apply."""
        bodies = self.select("body", tree)
        if not bodies:
            return None
        body = bodies[0]
        for unwanted in self.select("drop", body):
            unwanted.drop_tree()
        return ArticleFields(
            title=self._first_text("title", tree),
            author=self._first_text("author", tree),
            published=self._published(tree),
            body=body,
            layout=self.name,
        )

    def read_over(self, tree: HtmlElement, found: ArticleFields) -> ArticleFields:
        """The fields of ``tree`` under this layout (a site's own selectors),
        each one this layout does not find taken from ``found`` (its family's)."""
        bodies = self.select("body", tree)
        body = bodies[0] if bodies else found.body
        if body is not None:
            for unwanted in self.select("drop", body):
                unwanted.drop_tree()
        return ArticleFields(
            title=self._first_text("title", tree) or found.title,
            author=self._first_text("author", tree) or found.author,
            published=self._published(tree) or found.published,
            body=body,
            layout=self.name if bodies else found.layout,
        )

    def _first_text(self, which: str, tree: HtmlElement) -> str | None:
        for element in self.candidates(which, tree):
            text = clean_text(element)
            if text:
                return text
        return None

    def _published(self, tree: HtmlElement) -> datetime | None:
        for element in self.candidates("published", tree):
            found = published_in(clean_text(element))
            if found is not None:
                return found
        return None


class PortalFamily:
    """A CMS many portals run on. Subclasses fill in the class attributes."""

    name: ClassVar[str]
    # absolute article URLs match this (a site's article_pattern overrides it)
    article_link: ClassVar[re.Pattern[str] | None] = None
    # query parameters that name an article; the others are dropped from its URL
    article_params: ClassVar[tuple[str, ...]] = ()
    # paths of print and mobile views, each mapped to the article view's path
    view_paths: ClassVar[dict[str, str]] = {}
    # where a list page keeps its article links (links elsewhere are ignored)
    list_links: ClassVar[str] = "a[href]"
    # the article URL of an id (``{id}``), for rows linked only by script
    article_url: ClassVar[str | None] = None
    # where the CMS serves its feeds, joined to the list URL (``{bo_table}``: its board)
    feed_paths: ClassVar[tuple[str, ...]] = ()
    layouts: ClassVar[tuple[ArticleLayout, ...]] = ()

    def linked_articles(
        self, tree: HtmlElement, page_url: str, pattern: re.Pattern[str] | None = None
    ) -> dict[str, list[str]]:
        """The articles a list page links to, in page order: each canonical URL
        with the places (:func:`pipelines.urls.location`) the page links it by."""
        links: dict[str, list[str]] = {}
        for _, canonical, place in self.article_anchors(tree, page_url, pattern):
            places = links.setdefault(canonical, [])
            if place not in places:
                places.append(place)
        return links

    def article_anchors(
        self,
        tree: HtmlElement,
        page_url: str,
        pattern: re.Pattern[str] | None = None,
        area: str | None = None,
    ) -> Iterator[tuple[HtmlElement, str, str]]:
        """Each link to an article in the list area (``area``, a CSS selector,
        or this family's :attr:`list_links`): its element, the article's
        canonical URL and the place it links it by."""
        pattern = pattern or self.article_link
        for anchor in _selector(area or self.list_links)(tree):
            url = absolute_link(anchor, page_url)
            if url is None:
                continue
            try:
                canonical = self.canonical_url(url, home=page_url)
                place = urls.location(url)
            except ValueError:  # a malformed link (a port out of range, a broken host)
                continue
            if pattern is not None and not pattern.search(canonical):
                continue
            if pattern is None and not self.is_article_url(canonical, page_url):
                continue
            yield anchor, canonical, place

    def is_article_url(self, url: str, page_url: str) -> bool:
        """For families without an ``article_link`` pattern: is ``url`` an article?"""
        return False

    def canonical_url(self, url: str, home: str | None = None) -> str:
        """``url`` as :func:`pipelines.urls.canonical_url` makes it with what this
        family knows (article parameters, print and mobile views); ``home`` is a
        URL of the site, onto whose host ``m.`` hosts are folded."""
        return urls.canonical_url(
            url, article_params=self.article_params, view_paths=self.view_paths, home=home
        )

    def read_article(self, tree: HtmlElement) -> ArticleFields:
        """The fields of the first layout (newest first) that fits ``tree``."""
        for layout in self.layouts:
            fields = layout.read(tree)
            if fields is not None:
                return fields
        return ArticleFields()


_SELECTORS: dict[str, CSSSelector] = {}


def _selector(css: str) -> CSSSelector:
    if css not in _SELECTORS:
        _SELECTORS[css] = CSSSelector(css)
    return _SELECTORS[css]


def absolute_link(anchor: HtmlElement, page_url: str) -> str | None:
    """The http(s) URL an ``<a href>`` leads to, or None (a fragment, a script,
    mail, a malformed link)."""
    href = (anchor.get("href") or "").strip()
    if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
        return None
    try:
        url = urljoin(page_url, href)
        return url if urlsplit(url).scheme in ("http", "https") else None
    except ValueError:
        return None
