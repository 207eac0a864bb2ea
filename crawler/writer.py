"""The archive writer: the one thread of a crawl that writes to the archive.

The run keeper (``crawler.run``) starts it (a one-thread pool whose
initializer is :func:`start_writer`); the ArchivePipeline and the keeper send
it every write of the crawl, pages and run records alike. They are stored
one after another, in the order they were sent; each page is one
transaction (capture and article together, ``Archive.save_page``), and
SQLite sees a single writer.

A write the database refuses raises :class:`WriteFailed`, whose message is
the database's reason on one line.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from crawler.items import CaptureItem, outcome_of
from crawler.job import Window
from storage.archive import Archive
from storage.database import ArchiveUnavailable, create_archive_engine, one_line
from storage.exchange import received_columns
from storage.models import Article, Capture, Outcome
from storage.runs import RunCounts

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunTarget:
    """Where and for what the writer writes: the archive, and the run's site,
    id and window (``None``: a daily run, every article is in)."""

    database_url: str
    site_id: int
    run_id: int
    window: Window | None


class WriteFailed(Exception):
    """The archive refused a write; the message is its reason, on one line."""


class PageWriter:
    """Stores a run's pages in its archive."""

    def __init__(self, archive: Archive, target: RunTarget) -> None:
        self.archive = archive
        self.target = target

    def save(self, item: CaptureItem) -> Outcome:
        """Store ``item`` in one transaction; the capture's outcome. When the
        connection to the database was lost the transaction was rolled back
        with it, so the page is written once more: nothing is written twice."""
        try:
            return self._save(item)
        except DBAPIError as exc:
            if not exc.connection_invalidated:
                raise
            logger.warning("lost the connection to the archive (%s): writing again", exc.orig)
            return self._save(item)

    def _save(self, item: CaptureItem) -> Outcome:
        window = self.target.window
        article = item.article
        outcome = Outcome.ARTICLE
        if item.error is not None:
            outcome, article = outcome_of(item.error), None
        elif (
            article is not None
            and window is not None
            and article.published is not None
            and not window.contains(article.published)
        ):
            # an undated article is not outside the window: it is kept, and a
            # backfill that reads no date at all ends ``undated``
            outcome, article = Outcome.OUTSIDE_WINDOW, None
        published = item.article.published if item.article is not None else None
        capture = self._capture(item, outcome, published)
        row = None
        fingerprint = item.fingerprint
        if article is not None:
            row = Article(
                site_id=self.target.site_id,
                url=item.url,
                title=article.title,
                author=article.author,
                published=article.published,
                body=article.body,
                content_hash=fingerprint.content_hash if fingerprint else article.content_hash,
                minhash=fingerprint.signature if fingerprint else None,
                extractor_version=article.extractor_version,
            )
        saved = self.archive.save_page(capture, row, fingerprint, item.places)
        for page in item.continued:  # a paged article's further pages, each kept as received
            self.archive.save_page(self._capture(page, Outcome.CONTINUATION, published), None)
        return saved

    def _capture(self, item: CaptureItem, outcome: Outcome, published: datetime | None) -> Capture:
        return Capture(
            site_id=self.target.site_id,
            run_id=self.target.run_id,
            url=item.url,
            final_url=item.final_url,
            status=item.status,
            headers=item.headers,
            fetched_at=item.fetched_at,
            outcome=outcome,
            error=None if item.error is None else str(item.error),
            published=published,
            found_by=item.found_by,
            **received_columns(item.exchange, item.body),
        )


class _ThreadWriter(threading.local):
    """What one writer thread writes for, and its writer once opened: each
    crawl of a process (``scrapy demo`` runs several) has a thread of its own."""

    target: RunTarget | None = None
    writer: PageWriter | None = None


_this_thread = _ThreadWriter()


def start_writer(target: RunTarget) -> None:
    """In the writer thread, once: remember what to write for. The archive is
    opened at the first write (the crawl has migrated it), so that a failure
    to open it is a :class:`WriteFailed` like any other."""
    _this_thread.target = target


@contextmanager
def _writing() -> Iterator[PageWriter]:
    """This thread's writer; a database error becomes :class:`WriteFailed`."""
    try:
        if _this_thread.writer is None:
            target = _this_thread.target
            if target is None:
                raise WriteFailed("the archive writer was not started")
            archive = Archive(create_archive_engine(target.database_url))
            _this_thread.writer = PageWriter(archive, target)
        yield _this_thread.writer
    except (SQLAlchemyError, ArchiveUnavailable) as exc:
        raise WriteFailed(one_line(exc)) from exc


def stop_writer() -> None:
    """The crawl's last write: close the writer's connections to the archive."""
    if _this_thread.writer is not None:
        _this_thread.writer.archive.engine.dispose()
        _this_thread.writer = None


def save_page(item: CaptureItem) -> Outcome:
    """Store a fetched page (and its article, when new); its capture's outcome."""
    with _writing() as writer:
        return writer.save(item)


def record_sightings(links: Mapping[str, Sequence[str]], seen_at: datetime) -> int:
    """Record that the run's site linked archived articles (``Archive.record_sightings``)."""
    with _writing() as writer:
        return writer.archive.record_sightings(writer.target.site_id, links, seen_at)


def heartbeat(counts: RunCounts) -> bool:
    """Store the run's counts so far and that it is alive; False when it was ended."""
    with _writing() as writer:
        return writer.archive.runs.heartbeat(writer.target.run_id, counts)


def record_list_page(
    number: int, url: str, family: str, links: list[str], form: dict[str, str] | None
) -> None:
    """Remember that the run read list page ``number``, the links first seen on
    it and the form post that shows the next one, if any."""
    with _writing() as writer:
        runs = writer.archive.runs
        runs.record_list_page(writer.target.run_id, number, url, family, links, form)
