"""Extraction: one article page's bytes to a clean article, as a pure function
of (bytes, content type, URL, family) — no network, no database — so it is
fixture-tested and can be re-run over stored raw pages (``scrapy reextract``).

The bytes are decoded and checked (:mod:`pipelines.decoding`); the family's
layout gives title, reporter, date and the body's container (a page whose
family is not given is detected); the page fills what it lacks: the headline
it shows, a stamp it shows, its byline, its metadata (:mod:`pipelines.metadata`),
and the modification stamp it shows, never taken for the publication's;
trafilatura reads the container, or finds the article on the whole page for
portals no family knows and then reads the element holding it
(:mod:`pipelines.paragraphs`), once the blocks of the site's learned frame,
given as data, are off the page (:mod:`pipelines.site_frame`); the Korean
news cleanup drops bylines, captions, copyright, promo and button text and
names the reporters
(:mod:`pipelines.cleanup`); the site's learned boilerplate lines, given as
data, are taken off the body's end (:mod:`pipelines.boilerplate`). A page
whose shown body is empty or short while its own data (JSON-LD, a CMS's
content object) carries a far longer article gives that one
(:mod:`pipelines.embedded_article`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from lxml.html import HtmlElement

from pipelines import boilerplate, cleanup, families, korean_news, metadata, pages
from pipelines.decoding import REPLACEMENT, Undecodable, decode_html, looks_like_mojibake
from pipelines.embedded_article import embedded_bylines, embedded_paragraphs
from pipelines.fingerprint import fingerprint
from pipelines.frame_blocks import drop_frame_blocks
from pipelines.paragraphs import (
    CONTAINER,
    PAGE,
    PAGE_RECALL,
    BodySettings,
    article_container,
    body_paragraphs,
    letters,
)
from pipelines.requisite_links import RequisiteLink
from pipelines.site_frame import drop_site_frame

# bump when extraction changes what it stores; `scrapy reextract` uses it
EXTRACTOR_VERSION = "6"

# a shown body this long (letters) is the article; a shorter one is compared
# with the article the page's data carries, taken when this many times longer
_SHOWN_ENOUGH = 300
_CARRIED_SHARE = 2
_ROLE_MARK = re.compile(korean_news.ROLE)
# what a metadata author that is no person holds: a URL, a path, a desk, a list
_NOT_A_NAME = re.compile(rf"https?:|www\.|/|\||@|{korean_news.DESK}")


class NotAnArticle(ValueError):
    """The page holds no article (empty, an alert page, a list, ...); says why."""


@dataclass(frozen=True)
class ExtractedArticle:
    """A clean article as the archive stores it."""

    url: str
    title: str
    author: str | None
    published: datetime | None
    paragraphs: tuple[str, ...]
    # the modification stamp the page shows (never the publication's)
    modified: datetime | None = None
    extractor_version: str = EXTRACTOR_VERSION
    # its photos and files, when asked for (``pipelines.article_page``)
    requisites: tuple[RequisiteLink, ...] = ()

    @property
    def body(self) -> str:
        """The paragraphs, separated by one blank line."""
        return "\n\n".join(self.paragraphs)

    @property
    def content_hash(self) -> str:
        """The normalized-body hash the archive deduplicates by (``pipelines.fingerprint``)."""
        return fingerprint(self.title, self.body).content_hash


def extract_article(
    body: bytes,
    content_type: str | None,
    url: str,
    family: str | None,
    body_settings: BodySettings | None = None,
    site_boilerplate: frozenset[str] = frozenset(),
    site_layout: families.ArticleLayout | None = None,
    site_frame: frozenset[str] = frozenset(),
) -> ExtractedArticle:
    """The article on a page of ``family`` (None: detect it), read with the
    site's own selectors (``site_layout``) over the family's where given,
    without the blocks of the site's learned frame ``site_frame``
    (``pipelines.site_frame`` keys) and the site's boilerplate lines
    ``site_boilerplate`` (``pipelines.boilerplate`` keys).

    Raises :class:`NotAnArticle` when the page holds none, and
    :class:`~pipelines.decoding.Undecodable` when its text cannot be read.
    ``body_settings`` replaces the measured trafilatura settings (benchmarks).
    """
    if refused := pages.refusal(body, content_type):
        raise NotAnArticle(refused)
    try:
        tree = pages.html_tree(decode_html(body, content_type).text)
    except pages.Unparseable as exc:
        raise NotAnArticle(str(exc)) from exc
    if refused := pages.tree_refusal(tree):
        raise NotAnArticle(refused)
    pages.drop_comments(tree)
    drop_frame_blocks(tree)
    drop_site_frame(tree, site_frame)
    portal = families.get(family) if family else families.detect(tree)
    fields = portal.read_article(tree)
    if site_layout is not None:
        fields = site_layout.read_over(tree, fields)
    title = fields.title or metadata.title(tree)
    if not title:
        raise NotAnArticle("no title")
    published = fields.published or metadata.published(tree, url)
    modified = metadata.modified(tree, published)
    if fields.body is not None:
        cleaned = cleanup.clean(
            body_paragraphs(fields.body, url, body_settings or CONTAINER), title
        )
    else:
        cleaned = _page_article(tree, url, title, body_settings)
    cleaned = _embedded_when_longer(tree, title, cleaned)
    if not cleaned.paragraphs:
        raise NotAnArticle("no article text")
    paragraphs = boilerplate.strip(cleaned.paragraphs, site_boilerplate)
    article = ExtractedArticle(
        url,
        title,
        _author(fields.author, cleaned.reporters, tree),
        published,
        paragraphs,
        modified,
    )
    _refuse_garbled(article)
    return article


def _page_article(
    tree: HtmlElement, url: str, title: str, body_settings: BodySettings | None
) -> cleanup.Cleaned:
    """The article of a page no family knows: trafilatura finds it on the whole
    page (recall-oriented when the measured settings find no text); then the
    element holding it is read whole, as a family's container is, when that
    keeps every paragraph found, as many paragraphs or more (bare text, short
    paragraphs trafilatura's page reading drops)."""
    found = cleanup.clean(body_paragraphs(tree, url, body_settings or PAGE), title)
    if not found.paragraphs and body_settings is None:
        found = cleanup.clean(body_paragraphs(tree, url, PAGE_RECALL), title)
    container = article_container(tree, found.paragraphs)
    if container is None or body_settings is not None:
        return found
    whole = cleanup.clean(body_paragraphs(container, url, CONTAINER), title)
    text = letters(whole.paragraphs)
    keeps = all(letters([line]) in text for line in found.paragraphs)
    return whole if keeps and len(whole.paragraphs) >= len(found.paragraphs) else found


def _embedded_when_longer(tree: HtmlElement, title: str, shown: cleanup.Cleaned) -> cleanup.Cleaned:
    """The article the page's own data carries (:mod:`pipelines.embedded_article`)
    when the shown body is short (scripts fill it in) and that one is far
    longer; else the shown body. Only a short body is looked past: a page's
    scripts are not parsed for every article."""
    shown_length = len(letters(shown.paragraphs))
    if shown_length >= _SHOWN_ENOUGH:
        return shown
    carried = cleanup.clean(embedded_paragraphs(tree), title)
    longer = len(letters(carried.paragraphs)) > _CARRIED_SHARE * shown_length
    return carried if longer else shown


def _author(field: str | None, reporters: tuple[str, ...], tree: HtmlElement) -> str | None:
    """The reporter: the family's byline field when it names a reporter
    (``홍길동 기자``), else the reporters of the body's bylines, else the
    family's field (a Gnuboard poster, a desk), else the person a 작성자
    row names, else the byline the page
    shows (or the metadata's people when they include it: several names),
    else the person the page's metadata names, else the people the data
    carrying the page's article credits. Never a wire, the site's
    name, a desk or a URL from the metadata: then None."""
    if _names_reporter(field):
        return cleanup.reporter_name(field)
    if reporters:
        return ", ".join(reporters)
    if field:
        return cleanup.reporter_name(field)
    if writer := metadata.labelled_writer(tree):
        return writer
    shown = cleanup.strip_bylines(metadata.visible_byline(tree) or "")[1]
    named = _person(cleanup.reporter_name(metadata.author(tree)), tree)
    if shown and not (named and set(shown) <= set(named.split(", "))):
        return ", ".join(shown)
    return named or _carried_writers(tree)


def _carried_writers(tree: HtmlElement) -> str | None:
    """The people the page's own data credits with the article it carries
    (:func:`pipelines.embedded_article.embedded_bylines`)."""
    names = [cleanup.reporter_name(byline) for byline in embedded_bylines(tree)]
    return _person(", ".join(name for name in names if name), tree)


def _person(named: str | None, tree: HtmlElement) -> str | None:
    """``named`` when it names people, not a site, a wire, a desk or a URL."""
    if not named or _NOT_A_NAME.search(named):
        return None
    sites = {cleanup.reporter_name(site) for site in metadata.site_names(tree)}
    names = [name.strip() for name in named.split(",")]
    if any(
        name in sites or name in korean_news.WIRES or korean_news.PRESS.search(name)
        for name in names
    ):
        return None
    return named


def _names_reporter(field: str | None) -> bool:
    """Whether a byline field names a reporter (``홍길동 기자``), not an account."""
    return bool(field and _ROLE_MARK.search(field))


def _refuse_garbled(article: ExtractedArticle) -> None:
    """Undecodable bytes or mojibake in the article itself are never archived."""
    text = "\n".join((article.title, *article.paragraphs))
    if REPLACEMENT in text or looks_like_mojibake(text):
        raise Undecodable("the article's own text holds undecodable bytes")
