"""Revisits of archived articles as the archive keeps them: which articles a
site's daily run should fetch again (due the longest first, with the
validators of their latest capture for a conditional request), and what each
revisit found, in one transaction with its capture.

A revisit that reads an article different from its latest version makes a
new version: the article row then carries the new text (its fingerprints
replaced and its near-duplicate standing checked again, its search index
rewritten by the triggers, as re-extraction does) and ``article_versions``
keeps every version, the first included. A revisit that finds the article
gone dates it (``gone_at``, the first time); one that finds it again says it
is back. Nothing is ever deleted.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Engine, func, insert, select, update

from storage.end_lines import replace_end_lines
from storage.models import Article, ArticleRevisit, ArticleVersion, Capture, RevisitResult, Site
from storage.near_duplicates import Fingerprint
from storage.rewritten_bodies import hold_rewritten_stories, rewrite_fingerprints
from storage.rows import insert_row

# the revisit results that read the article's page (its capture holds the article)
_READ = (RevisitResult.UNCHANGED, RevisitResult.CHANGED, RevisitResult.BACK)


@dataclass(frozen=True)
class DueRevisit:
    """An archived article due for a revisit, with what a conditional request needs."""

    article_id: int
    url: str
    due: datetime
    published: datetime | None
    archived_at: datetime
    etag: str | None  # the ETag of its latest capture; None: none was sent
    last_modified: str | None  # its Last-Modified, as sent


@dataclass(frozen=True)
class StoredVersion:
    """An article's latest version as the archive holds it."""

    title: str
    author: str | None
    body: str
    modified: datetime | None
    version: int
    gone_at: datetime | None
    published: datetime | None
    archived_at: datetime


@dataclass(frozen=True)
class PageVersion:
    """The article a revisit read: its fields and its fingerprint."""

    title: str
    author: str | None
    body: str
    modified: datetime | None
    fingerprint: Fingerprint | None
    end_lines: frozenset[int] = frozenset()  # of its body (pipelines.boilerplate.end_lines)


@dataclass(frozen=True)
class Revisited:
    """What a revisit found: the page's article (None: it read none), or why it is gone."""

    article_id: int
    page: PageVersion | None = None
    not_modified: bool = False  # answered 304 Not Modified
    gone: str | None = None  # why the article is gone ("404", "deleted-post alert", ...)


# whether the page's article differs from the stored latest version
Differs = Callable[[StoredVersion, PageVersion], bool]
# when the article is next due, given its latest version and the revisit's time
NextDue = Callable[[StoredVersion, datetime], datetime | None]


def due_revisits(
    engine: Engine, site: str, now: datetime, budget: int
) -> tuple[int, list[DueRevisit]]:
    """How many of ``site``'s articles are due for a revisit at ``now``, and the
    ``budget`` of them due the longest (oldest due first)."""
    due = (
        select(Article.id, Article.url, Article.revisit_due, Article.published, Article.archived_at)
        .join(Site, Article.site_id == Site.id)
        .where(Site.name == site, Article.revisit_due <= now)
    )
    with engine.connect() as connection:
        total = connection.execute(select(func.count()).select_from(due.subquery())).scalar_one()
        rows = connection.execute(
            due.order_by(Article.revisit_due, Article.id).limit(max(budget, 0))
        ).all()
        validators = _validators(connection, [row.id for row in rows])
    return total, [
        DueRevisit(
            row.id, row.url, row.revisit_due, row.published, row.archived_at, *validators[row.id]
        )
        for row in rows
    ]


def _validators(
    connection: Connection, article_ids: Sequence[int]
) -> dict[int, tuple[str | None, str | None]]:
    """The ETag and Last-Modified of each article's latest capture that read it."""
    if not article_ids:
        return {}
    latest: dict[int, int] = {
        article_id: capture_id
        for article_id, capture_id in connection.execute(
            select(Article.id, Article.capture_id).where(Article.id.in_(article_ids))
        )
    }
    revisited = connection.execute(
        select(ArticleRevisit.article_id, func.max(ArticleRevisit.capture_id))
        .where(
            ArticleRevisit.article_id.in_(article_ids),
            ArticleRevisit.result.in_([result.value for result in _READ]),
        )
        .group_by(ArticleRevisit.article_id)
    )
    for article_id, capture_id in revisited:
        if capture_id is not None:
            latest[article_id] = max(latest[article_id], capture_id)
    captures = {
        capture.id: capture
        for capture in connection.execute(
            select(Capture.id, Capture.response_headers, Capture.headers).where(
                Capture.id.in_(list(latest.values()))
            )
        )
    }
    return {
        article_id: (
            _header(captures[capture_id], "etag"),
            _header(captures[capture_id], "last-modified"),
        )
        for article_id, capture_id in latest.items()
    }


def _header(capture: object, name: str) -> str | None:
    """Response header ``name`` of a capture row (as received, else as decoded)."""
    pairs = getattr(capture, "response_headers", None) or list(
        (getattr(capture, "headers", None) or {}).items()
    )
    return next((value for key, value in pairs if key.lower() == name), None)


def latest_version(connection: Connection, article_id: int) -> StoredVersion:
    """The article's latest version as stored."""
    row = connection.execute(
        select(
            Article.title,
            Article.author,
            Article.body,
            Article.modified,
            Article.version,
            Article.gone_at,
            Article.published,
            Article.archived_at,
        ).where(Article.id == article_id)
    ).one()
    return StoredVersion(*row)


def save_revisit(
    engine: Engine,
    capture: Capture,
    run_id: int,
    at: datetime,
    found: Revisited,
    differs: Differs,
    next_due: NextDue,
) -> RevisitResult:
    """Store a revisit's ``capture`` and what it found at ``at``, in one
    transaction: a new version when the page's article ``differs`` from the
    latest, the takedown's date when it is gone, and when the article is next
    due (``next_due``). The revisit's result."""
    with engine.begin() as connection:
        printed = found.page.fingerprint if found.page is not None else None
        if printed is not None:  # its new version may be written: its story waits
            hold_rewritten_stories(connection, {found.article_id: printed})
        capture.id = insert_row(connection, capture)
        stored = latest_version(connection, found.article_id)
        changes: dict[str, object] = {"revisit_due": next_due(stored, at)}
        if found.gone is not None:
            result = RevisitResult.GONE
            if stored.gone_at is None:
                changes["gone_at"] = at
        elif found.not_modified:
            result = RevisitResult.BACK if stored.gone_at else RevisitResult.NOT_MODIFIED
            changes["gone_at"] = None
        elif found.page is None:
            result = RevisitResult.FAILED
        else:
            result = RevisitResult.BACK if stored.gone_at else RevisitResult.UNCHANGED
            changes["gone_at"] = None
            if differs(stored, found.page):
                if result is RevisitResult.UNCHANGED:
                    result = RevisitResult.CHANGED
                changes.update(
                    _new_version(connection, found.article_id, stored, found.page, capture.id, at)
                )
        connection.execute(update(Article).where(Article.id == found.article_id).values(changes))
        connection.execute(
            insert(ArticleRevisit),
            {
                "article_id": found.article_id,
                "run_id": run_id,
                "capture_id": capture.id,
                "at": at,
                "result": result.value,
                "detail": found.gone,
            },
        )
    return result


def _new_version(
    connection: Connection,
    article_id: int,
    stored: StoredVersion,
    page: PageVersion,
    capture_id: int,
    at: datetime,
) -> dict[str, object]:
    """Write version ``stored.version + 1`` (and version 1 at the first change);
    the article row's new fields, its near-duplicate keys and end lines replaced."""
    if stored.version == 1:
        first_capture = connection.execute(
            select(Article.capture_id).where(Article.id == article_id)
        ).scalar_one()
        connection.execute(
            insert(ArticleVersion),
            {
                "article_id": article_id,
                "version": 1,
                "capture_id": first_capture,
                "title": stored.title,
                "author": stored.author,
                "body": stored.body,
                "modified": stored.modified,
                "seen_at": stored.archived_at,
            },
        )
    version = stored.version + 1
    connection.execute(
        insert(ArticleVersion),
        {
            "article_id": article_id,
            "version": version,
            "capture_id": capture_id,
            "title": page.title,
            "author": page.author,
            "body": page.body,
            "modified": page.modified,
            "seen_at": at,
        },
    )
    fields: dict[str, object] = {
        "title": page.title,
        "author": page.author,
        "body": page.body,
        "modified": page.modified,
        "version": version,
        "capture_id": capture_id,
    }
    if page.fingerprint is not None:
        rewrite_fingerprints(connection, {article_id: page.fingerprint})
    replace_end_lines(connection, {article_id: page.end_lines})
    return fields


def revisit_now(engine: Engine, site: str, dated: dict[str, datetime], now: datetime) -> int:
    """Make due at ``now`` those of ``site``'s articles (by URL) whose date in
    ``dated`` (a feed's or a sitemap's) is later than their latest capture;
    how many."""
    if not dated:
        return 0
    with engine.begin() as connection:
        rows = connection.execute(
            select(Article.id, Article.url, Article.capture_id)
            .join(Site, Article.site_id == Site.id)
            .where(Site.name == site, Article.url.in_(list(dated)))
        ).all()
        made = 0
        for row in rows:
            last = connection.execute(
                select(func.max(Capture.fetched_at)).where(Capture.url == row.url)
            ).scalar()
            if last is None or dated[row.url] > last:
                connection.execute(
                    update(Article).where(Article.id == row.id).values(revisit_due=now)
                )
                made += 1
        return made
