"""Archives filled in bulk, for measuring and testing at scale: articles with
their captures, sightings and near-duplicate band keys inserted a batch at a
time (one multi-row statement per table), with no matching against what the
archive holds: the caller gives each article its fingerprint and its first
copy, if any (``Archive.save_page`` is the way one crawled page is stored);
and failed pages, as a crawl leaves them to be tried again."""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Engine, insert

from storage.band_index import count_stories, story_day
from storage.models import Article, Capture, MinhashBand, Outcome, Sighting
from storage.near_duplicates import Fingerprint


@dataclass(frozen=True)
class BulkArticle:
    """An article as a crawl would have archived it, and its page as fetched."""

    site_id: int
    run_id: int | None
    url: str
    title: str
    body: str
    published: datetime
    fetched_at: datetime
    page: bytes  # the response body
    fingerprint: Fingerprint
    duplicate_of_id: int | None = None  # its story's first copy


def load_articles(engine: Engine, articles: Sequence[BulkArticle]) -> list[int]:
    """Store ``articles`` in one transaction; their ids, in order."""
    if not articles:
        return []
    with engine.begin() as connection:
        capture_ids = _inserted(
            connection,
            Capture,
            [
                {
                    "site_id": one.site_id,
                    "run_id": one.run_id,
                    "url": one.url,
                    "final_url": one.url,
                    "status": 200,
                    "headers": {"Content-Type": "text/html; charset=utf-8"},
                    "body_zlib": zlib.compress(one.page),
                    "fetched_at": one.fetched_at,
                    "outcome": Outcome.ARTICLE,
                    "published": one.published,
                }
                for one in articles
            ],
        )
        ids = _inserted(
            connection,
            Article,
            [
                {
                    "site_id": one.site_id,
                    "url": one.url,
                    "title": one.title,
                    "published": one.published,
                    "body": one.body,
                    "content_hash": one.fingerprint.content_hash,
                    "minhash": one.fingerprint.signature,
                    "compared_text": one.fingerprint.compared_text,
                    "extractor_version": "bulk",
                    "capture_id": capture_id,
                    "duplicate_of_id": one.duplicate_of_id,
                    "archived_at": one.fetched_at,
                }
                for one, capture_id in zip(articles, capture_ids, strict=True)
            ],
        )
        connection.execute(
            insert(Sighting),
            [
                {
                    "article_id": article_id,
                    "site_id": one.site_id,
                    "url": one.url,
                    "published": one.published,
                    "first_seen": one.fetched_at,
                    "last_seen": one.fetched_at,
                }
                for one, article_id in zip(articles, ids, strict=True)
            ],
        )
        bands = sorted(  # the index's pages touched in key order
            {
                (key, article_id, story_day(one.published, one.fetched_at))
                for one, article_id in zip(articles, ids, strict=True)
                for key in one.fingerprint.band_keys
            }
        )
        if bands:
            connection.execute(
                insert(MinhashBand),
                [{"key": key, "article_id": id_, "day": day} for key, id_, day in bands],
            )
        stories = Counter(  # the keys of each story, counted once per first copy
            key
            for one in articles
            if one.duplicate_of_id is None
            for key in set(one.fingerprint.band_keys)
        )
        count_stories(connection, stories, 1)
    return ids


def _inserted(
    connection: Connection, model: type[Capture | Article], rows: list[dict]
) -> list[int]:
    """Insert ``rows`` into ``model``'s table; their new ids, in order."""
    table = model.__table__
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    return list(connection.execute(statement, rows).scalars())


@dataclass(frozen=True)
class BulkFailure:
    """A page a crawl fetched in vain (it is tried again by later runs)."""

    site_id: int
    run_id: int | None
    url: str
    fetched_at: datetime
    error: str


def load_failures(engine: Engine, failures: Sequence[BulkFailure]) -> None:
    """Store ``failures`` as failed captures, in one transaction."""
    if not failures:
        return
    with engine.begin() as connection:
        connection.execute(
            insert(Capture),
            [
                {
                    "site_id": one.site_id,
                    "run_id": one.run_id,
                    "url": one.url,
                    "final_url": one.url,
                    "status": None,
                    "headers": {},
                    "body_zlib": b"",
                    "fetched_at": one.fetched_at,
                    "outcome": Outcome.FAILED,
                    "error": one.error,
                }
                for one in failures
            ],
        )
