"""What ``scrapy reextract`` reads and writes: archived articles with the raw
capture each was made from, in batches, and the articles re-made from them,
with their new fingerprints (their near-duplicate standing checked again:
``storage.rewritten_bodies``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from itertools import takewhile

from sqlalchemy import Engine, bindparam, func, select, update
from sqlalchemy.orm import Session

from storage.end_lines import replace_end_lines
from storage.models import Article, Capture, Outcome, Sighting, Site
from storage.near_duplicates import Fingerprint, earlier
from storage.rewritten_bodies import hold_rewritten_stories, rewrite_fingerprints

BATCH = 200
MAX_FURTHER_PAGES = 30  # a paged article's further pages read back, at most (as a crawl fetches)


@dataclass(frozen=True)
class StoredPage:
    """An archived article and the raw page it was extracted from."""

    article_id: int
    url: str
    site: str
    cms: str | None  # the site's configured family; None: detect it from the page
    content_type: str | None
    body: bytes
    title: str
    author: str | None
    published: datetime | None
    text: str  # the stored body
    extractor_version: str
    # a paged article's further pages, in order: body, content type, URL
    continued: tuple[tuple[bytes, str | None, str], ...] = ()


@dataclass(frozen=True)
class Reextracted:
    """New fields for an archived article."""

    article_id: int
    title: str
    author: str | None
    published: datetime | None
    body: str
    fingerprint: Fingerprint  # of the new body
    extractor_version: str
    end_lines: frozenset[int]  # of the new body (pipelines.boilerplate.end_lines)


def stored_pages(
    engine: Engine,
    site: str | None,
    older_than: str | None,
    batch: int = BATCH,
    run_id: int | None = None,
    wanted: Callable[[str], bool] | None = None,
) -> Iterator[list[StoredPage]]:
    """The archived articles (of ``site``, made by another extractor version
    than ``older_than`` unless it is None, captured by run ``run_id`` when
    given, whose URL is ``wanted`` when given: the others' captures are not
    read, only their ids and URLs) with their captures, up to ``batch`` at a
    time in id order, so an archive of any size is read in bounded memory."""
    query = (
        select(Article, Site.name, Site.cms, Capture)
        .join(Site, Article.site_id == Site.id)
        .join(Capture, Article.capture_id == Capture.id)
        .order_by(Article.id)
    )
    if site is not None:
        query = query.where(Site.name == site)
    if older_than is not None:
        query = query.where(Article.extractor_version != older_than)
    if run_id is not None:
        query = query.where(Capture.run_id == run_id)
    last = 0
    while True:
        with Session(engine) as session:
            # the batch's ids and URLs first: only the wanted ones' captures are read
            batch_ids = query.where(Article.id > last).limit(batch)
            listed = session.execute(batch_ids.with_only_columns(Article.id, Article.url)).all()
            if not listed:
                return
            last = listed[-1].id
            ids = [row.id for row in listed if wanted is None or wanted(row.url)]
            rows = session.execute(query.where(Article.id.in_(ids))).all() if ids else []
            pages = [
                _page(article, site, cms, capture, further_pages(session, capture))
                for article, site, cms, capture in rows
            ]
        if pages:
            yield pages


def content_type(capture: Capture) -> str | None:
    """The ``Content-Type`` the capture's response was served with."""
    headers = capture.headers or {}
    return next((v for k, v in headers.items() if k.lower() == "content-type"), None)


def further_pages(session: Session, capture: Capture) -> list[Capture]:
    """The further pages of the paged article captured as ``capture``: its run's
    writer stores them right after page 1, as ``CONTINUATION`` captures, so they
    are the run's captures that follow it until one that is not a continuation."""
    if capture.run_id is None:
        return []
    following = session.scalars(
        select(Capture)
        .where(Capture.run_id == capture.run_id, Capture.id > capture.id)
        .order_by(Capture.id)
        .limit(MAX_FURTHER_PAGES + 1)
    )
    return list(takewhile(lambda page: page.outcome == Outcome.CONTINUATION, following))


def _page(
    article: Article, site: str, cms: str | None, capture: Capture, further: list[Capture]
) -> StoredPage:
    return StoredPage(
        article.id,
        article.url,
        site,
        cms,
        content_type(capture),
        capture.body,
        article.title,
        article.author,
        article.published,
        article.body,
        article.extractor_version,
        tuple((page.body, content_type(page), page.url) for page in further),
    )


def save_reextracted(engine: Engine, articles: list[Reextracted]) -> None:
    """Write re-extracted articles, one transaction for the lot: their fields,
    and their fingerprints (their near-duplicate standing checked again) and
    end lines in place of the old body's."""
    if not articles:
        return
    fingerprints = {article.article_id: article.fingerprint for article in articles}
    with engine.begin() as connection:
        hold_rewritten_stories(connection, fingerprints)
        for article in articles:
            # the earliest publication still wins: a copy elsewhere published
            # before this page's own date keeps the article's date back
            copied = connection.execute(_EARLIEST_COPY, {"id": article.article_id}).scalar()
            published = copied if earlier(copied, article.published) else article.published
            connection.execute(
                update(Article)
                .where(Article.id == article.article_id)
                .values(
                    title=article.title,
                    author=article.author,
                    published=published,
                    body=article.body,
                    extractor_version=article.extractor_version,
                )
            )
        rewrite_fingerprints(connection, fingerprints)
        replace_end_lines(
            connection, {article.article_id: article.end_lines for article in articles}
        )


# when the article was first published at another place (an exact copy's sighting)
_EARLIEST_COPY = select(func.min(Sighting.published)).where(
    Sighting.article_id == bindparam("id"),
    Sighting.url != select(Article.url).where(Article.id == bindparam("id")).scalar_subquery(),
)
