"""Extraction: one article page's bytes to a clean article, as a pure function
of (bytes, content type, URL, family, profile) — no network, no database — so
it is fixture-tested and can be re-run over stored raw pages.

The family's layout gives title, reporter, date and the body's container;
page metadata fills what it lacks; trafilatura turns the container (or, for
portals no family knows, the whole page) into paragraphs.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime

import trafilatura
from lxml.etree import ParserError
from lxml.html import HtmlElement, builder, document_fromstring
from w3lib.encoding import html_to_unicode

from crawler import families
from pipelines import metadata, pages

# bump when extraction changes what it stores; `scrapy reextract` uses it
EXTRACTOR_VERSION = "1"

_REPORTER = re.compile(r"\s*(기자|특파원|통신원|리포터)\b.*$")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")


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
        """SHA-256 of the body with white space folded."""
        folded = " ".join(self.body.split())
        return hashlib.sha256(folded.encode("utf-8")).hexdigest()


def decode(body: bytes, content_type: str | None) -> str:
    """The page's text, by HTTP header, then <meta> and BOM, then detection.

    EUC-KR is read as CP949, its superset that real pages use.
    """
    _encoding, text = html_to_unicode(content_type, body)
    return text


def extract_article(
    body: bytes, content_type: str | None, url: str, family: str
) -> ExtractedArticle:
    """The article on a page; raises :class:`NotAnArticle` when there is none."""
    if refused := pages.refusal(body, content_type):
        raise NotAnArticle(refused)
    text = pages.parseable(decode(body, content_type))
    if not text.strip():
        raise NotAnArticle("empty page")
    try:
        tree = document_fromstring(text)
    except (ParserError, ValueError) as exc:
        raise NotAnArticle(f"unparseable HTML: {exc}") from exc
    if refused := pages.tree_refusal(tree):
        raise NotAnArticle(refused)
    fields = families.get(family).read_article(tree)
    title = fields.title or metadata.title(tree)
    published = fields.published or metadata.published(tree)
    author = _reporter(fields.author or metadata.author(tree))
    paragraphs = _paragraphs(fields.body if fields.body is not None else tree, url)
    if not title:
        raise NotAnArticle("no title")
    if not paragraphs:
        raise NotAnArticle("no article text")
    return ExtractedArticle(url, title, author, published, paragraphs)


def _paragraphs(container: HtmlElement, url: str) -> tuple[str, ...]:
    """Paragraph texts of ``container``, once each, in order."""
    if container.tag != "html":
        # trafilatura looks for the article in a document: give it one that
        # holds only the container, so nothing outside it can leak in
        container = builder.HTML(builder.BODY(builder.ARTICLE(container)))
    text = trafilatura.extract(
        container,
        url=url,
        fast=True,
        include_comments=False,
        include_tables=True,
        deduplicate=False,
    )
    seen: set[str] = set()
    paragraphs: list[str] = []
    for line in (text or "").splitlines():
        paragraph = " ".join(line.split())
        if paragraph and paragraph not in seen:
            seen.add(paragraph)
            paragraphs.append(paragraph)
    return tuple(paragraphs)


def _reporter(raw: str | None) -> str | None:
    """``홍길동 기자 abc@x.com`` -> ``홍길동``."""
    if not raw:
        return None
    name = _REPORTER.sub("", _EMAIL.sub("", raw)).strip(" ,/·|")
    return name or None
