"""Extraction: one article page's bytes to a clean article, as a pure function
of (bytes, content type, URL, family) — no network, no database — so it is
fixture-tested and can be re-run over stored raw pages (``scrapy reextract``).

The bytes are decoded and checked (:mod:`pipelines.decoding`); the family's
layout gives title, reporter, date and the body's container (a page whose
family is not given is detected); page metadata fills what it lacks;
trafilatura reads the container, or the whole page for portals no family
knows (:mod:`pipelines.paragraphs`); the Korean news cleanup drops bylines,
captions, copyright and button text and names the reporters
(:mod:`pipelines.cleanup`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from lxml.html import HtmlElement

from crawler import families
from pipelines import cleanup, metadata, pages
from pipelines.decoding import REPLACEMENT, Undecodable, decode_html, looks_like_mojibake
from pipelines.fingerprint import fingerprint
from pipelines.paragraphs import CONTAINER, PAGE, BodySettings, body_paragraphs

# bump when extraction changes what it stores; `scrapy reextract` uses it
EXTRACTOR_VERSION = "2"

_ROLE_MARK = re.compile("|".join(cleanup.ROLES))


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
    extractor_version: str = EXTRACTOR_VERSION

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
    site_layout: families.ArticleLayout | None = None,
) -> ExtractedArticle:
    """The article on a page of ``family`` (None: detect it), read with the
    site's own selectors (``site_layout``) over the family's where given.

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
    portal = families.get(family) if family else families.detect(tree)
    fields = portal.read_article(tree)
    if site_layout is not None:
        fields = site_layout.read_over(tree, fields)
    title = fields.title or metadata.title(tree)
    if not title:
        raise NotAnArticle("no title")
    published = fields.published or metadata.published(tree, url)
    if fields.body is not None:
        raw = body_paragraphs(fields.body, url, body_settings or CONTAINER)
    else:
        raw = body_paragraphs(tree, url, body_settings or PAGE)
    cleaned = cleanup.clean(raw, title)
    if not cleaned.paragraphs:
        raise NotAnArticle("no article text")
    article = ExtractedArticle(
        url, title, _author(fields.author, cleaned.reporters, tree), published, cleaned.paragraphs
    )
    _refuse_garbled(article)
    return article


def _author(field: str | None, reporters: tuple[str, ...], tree: HtmlElement) -> str | None:
    """The reporter: the family's byline field when it names a reporter
    (``홍길동 기자``), else the reporters of the body's bylines, else whoever
    the field or the page's metadata name (a Gnuboard poster, a desk)."""
    if _names_reporter(field):
        return cleanup.reporter_name(field)
    if reporters:
        return ", ".join(reporters)
    return cleanup.reporter_name(field) or cleanup.reporter_name(metadata.author(tree))


def _names_reporter(field: str | None) -> bool:
    """Whether a byline field names a reporter (``홍길동 기자``), not an account."""
    return bool(field and _ROLE_MARK.search(field))


def _refuse_garbled(article: ExtractedArticle) -> None:
    """Undecodable bytes or mojibake in the article itself are never archived."""
    text = "\n".join((article.title, *article.paragraphs))
    if REPLACEMENT in text or looks_like_mojibake(text):
        raise Undecodable("the article's own text holds undecodable bytes")
