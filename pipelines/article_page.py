"""A fetched article page read whole: its article and fingerprint, or why the
page is none (:class:`PageError`; a bot check in its place is no "not an
article", which would never be fetched again). The page room's entry point: what the
crawl's extraction thread and its spawned workers run on a page's bytes. The
room imports neither Scrapy nor the archive, so a worker stays lean."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import Enum
from typing import Any

from pipelines.bot_checks import bot_check
from pipelines.decoding import Undecodable, decode_html
from pipelines.extraction import ExtractedArticle, NotAnArticle, extract_article
from pipelines.families import ArticleLayout
from pipelines.fingerprint import Fingerprint, fingerprint
from pipelines.pages import html_tree
from pipelines.requisite_links import requisite_links
from pipelines.walls import MEMBERS_ONLY, members_only


class PageProblem(Enum):
    """Why a fetched page gave no article; the value begins the stored reason."""

    FETCH = ""  # the request failed: no response, or an HTTP error status
    NOT_ARTICLE = "not an article"  # a 404, an alert page, an attachment: not fetched again
    # a members-only or paywall page: the article is behind it, later runs try again
    MEMBERS_ONLY = "not an article (members only)"
    UNDECODABLE = "undecodable"  # its text cannot be decoded
    EXTRACTION = "extraction failed"  # extraction raised, or its worker died
    BOT_CHECK = "bot check"  # a bot check answered in its place: tried again


@dataclass(frozen=True)
class PageError:
    """A page's problem and its one-line details (``str()``: as the capture keeps it)."""

    problem: PageProblem
    detail: str

    def __str__(self) -> str:
        return f"{self.problem.value}: {self.detail}" if self.problem.value else self.detail


@dataclass(frozen=True)
class TimedPage:
    """A page read by :func:`timed_extract_and_fingerprint`: what
    :func:`extract_and_fingerprint` gives, and the CPU seconds its extraction
    and its fingerprint took (of the thread that read it)."""

    found: tuple[ExtractedArticle, Fingerprint] | PageError
    extraction_seconds: float = 0.0
    fingerprint_seconds: float = 0.0


def timed_extract_and_fingerprint(*page: Any, **options: Any) -> TimedPage:
    """:func:`extract_and_fingerprint` of a page (:func:`read_article`'s
    arguments), timed: the crawl's CPU split by stage."""
    started = time.thread_time()
    article = read_article(*page, **options)
    read = time.thread_time()
    if isinstance(article, PageError):
        return TimedPage(article, read - started)
    found = fingerprint(article.title, article.body)
    return TimedPage((article, found), read - started, time.thread_time() - read)


def extract_and_fingerprint(
    *page: Any, **options: Any
) -> tuple[ExtractedArticle, Fingerprint] | PageError:
    """The article of a page (:func:`read_article`'s arguments) and its
    fingerprint (the normalized-body hash and MinHash the archive deduplicates
    by), or why the page is not one or cannot be read. Fingerprinting is CPU
    work too: it runs beside extraction, in the workers, not in the crawl's
    own process."""
    article = read_article(*page, **options)
    if isinstance(article, PageError):
        return article
    return article, fingerprint(article.title, article.body)


def read_article(
    body: bytes,
    content_type: str | None,
    url: str,
    family: str | None,
    site_boilerplate: frozenset[str] = frozenset(),
    site_layout: ArticleLayout | None = None,
    continued: Sequence[tuple[bytes, str | None, str]] = (),
    site_frame: frozenset[str] = frozenset(),
    requisites: bool = False,
) -> ExtractedArticle | PageError:
    """The article (read with the site's own selectors where given, without
    the blocks of the site's learned frame and the site's boilerplate lines),
    or why the page is not one or cannot be read. A page whose body is only a
    members-only notice is no article (:attr:`PageProblem.MEMBERS_ONLY`). An
    article paged over several pages has the further pages' bodies, content
    types and URLs ``continued``, in order: their paragraphs follow page 1's (a
    page that holds no article adds none). With ``requisites``, the article
    carries the photos and files page 1 shows (``pipelines.requisite_links``)."""
    try:
        article = extract_article(
            body,
            content_type,
            url,
            family,
            site_boilerplate=site_boilerplate,
            site_layout=site_layout,
            site_frame=site_frame,
        )
    except NotAnArticle as exc:
        # only a page that gave no article is looked at again: a bot check never does
        check = bot_check(body)
        if check is not None:
            return PageError(PageProblem.BOT_CHECK, check)
        reason = str(exc)
        if reason.startswith(MEMBERS_ONLY):
            return PageError(PageProblem.MEMBERS_ONLY, reason.removeprefix(MEMBERS_ONLY))
        return PageError(PageProblem.NOT_ARTICLE, reason)
    except Undecodable as exc:
        return PageError(PageProblem.UNDECODABLE, str(exc))
    for page_body, page_type, page_url in continued:
        try:
            page = extract_article(
                page_body,
                page_type,
                page_url,
                family,
                site_boilerplate=site_boilerplate,
                site_layout=site_layout,
                site_frame=site_frame,
            )
        except (NotAnArticle, Undecodable):
            continue
        article = replace(article, paragraphs=article.paragraphs + page.paragraphs)
    if notice := members_only(article.paragraphs):
        return PageError(PageProblem.MEMBERS_ONLY, f"wall notice: {notice}")
    if requisites:
        page_tree = html_tree(decode_html(body, content_type).text)
        links = requisite_links(page_tree, url, article.paragraphs)
        article = replace(article, requisites=links)
    return article
