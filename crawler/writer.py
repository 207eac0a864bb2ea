"""The archive writer: the one thread of a crawl that writes to the archive.

An :class:`ArchiveWriter` is made for each run (``crawler.run_crawler``); the
ArchivePipeline and the run keeper send it every write of the crawl, pages
and run records alike. They are stored one after another, in the order they
were sent, so a list page is recorded behind the pages sent before it (a
resumed run never skips a page that was not written); and SQLite sees a
single writer from each run. A page's capture and article are written
together. A page waits up to :data:`GATHER_SECONDS` for the pages sent
after it, while they keep coming, and the pages queued then (up to the first
other write: every write keeps its place) are written in one transaction
(``Archive.save_pages``, at most :data:`PAGES_PER_TRANSACTION`): a commit
writes each database page the
transaction changed (the search and band-key indexes' pages most of all)
once, however many articles changed it. When the database refuses such a
transaction, its pages are written again one by one, so that only the page
at fault fails.

Several runs' writers (one ``scrapy daily`` process, or several processes)
share an SQLite archive's one lock: a transaction that finds it taken waits
and is tried again, whole (``storage.busy``). A write the database refuses
raises :class:`WriteFailed`, whose message is the database's reason on one
line.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from crawler.items import CaptureItem, outcome_of
from crawler.job import Window
from crawler.revisit_plan import RevisitPlan
from crawler.sites import SiteProfile
from crawler.takedowns import takedown
from pipelines.boilerplate import end_lines
from pipelines.versions import VersionFields, differs
from storage.archive import Archive, PageRows
from storage.busy import waiting
from storage.database import ArchiveUnavailable, create_archive_engine, one_line
from storage.exchange import received_columns
from storage.models import Article, Capture, Outcome, RequisiteStatus, RevisitResult
from storage.requisites import RECORDED, RequisiteRecord, keep_page
from storage.revisits import PageVersion, Revisited, StoredVersion, save_revisit
from storage.run_records import RunCounts

logger = logging.getLogger(__name__)
T = TypeVar("T")

# the most queued pages written in one transaction: a transaction holds an
# SQLite archive's lock, which other runs' writers wait for, while it writes
PAGES_PER_TRANSACTION = 32
# how long the first page queued waits at most for more to share its
# transaction, while they keep coming (one at least every LULL_SECONDS; the
# README gives the figures); a crawl killed meanwhile fetches them again
GATHER_SECONDS = 0.1
LULL_SECONDS = 0.02


class WriteFailed(Exception):
    """The archive refused a write; the message is its reason, on one line."""


class ArchiveWriter:
    """The writes of one run (its site, id and window: ``None`` for a daily
    run, every article is in), in one thread of their own, to an archive
    handle of their own. The handle is opened by the first write (the crawl
    has migrated the archive), so that a failure to open it is a
    :class:`WriteFailed` like any other."""

    def __init__(
        self,
        database_url: str,
        site_id: int,
        run_id: int,
        window: Window | None,
        profile: SiteProfile,
        plan: RevisitPlan,
    ):
        self.database_url = database_url
        self.site_id = site_id
        self.run_id = run_id
        self.window = window
        self.profile = profile
        self.plan = plan  # when new articles are first due for a revisit
        self._thread = ThreadPoolExecutor(1, "archive-writer")
        self._archive: Archive | None = None  # used in the writer thread only
        self.cpu_seconds = 0.0  # the writer thread's CPU, writing (final once closed)
        self._near_duplicate_seconds = 0.0  # of archives the thread closed
        # the writes sent and not yet taken by the writer thread, in order: a
        # page (its item) or any other write (a function of the archive), with
        # its sender's future and when it was sent; one job a write takes them
        self._queued: deque[_Queued] = deque()
        self._queue_grew = threading.Condition()

    async def save_page(self, item: CaptureItem) -> Outcome:
        """Store a fetched page (and its article, when new); its capture's outcome."""
        return await asyncio.wrap_future(self._send(item))

    async def save_revisit(self, item: CaptureItem) -> RevisitResult:
        """Store a revisit's page and what it found (``storage.revisits``); its result."""
        return await asyncio.wrap_future(
            self.submit(lambda archive: self._transaction(lambda: self._revisit(archive, item)))
        )

    async def record_sightings(self, links: Mapping[str, Sequence[str]], seen_at: datetime) -> int:
        """Record that the run's site linked archived articles (``Archive.record_sightings``)."""
        return await asyncio.wrap_future(
            self.submit(
                lambda archive: waiting(
                    lambda: archive.record_sightings(self.site_id, links, seen_at)
                )
            )
        )

    def keep_page(self, item: CaptureItem) -> Future[None]:
        """Store a fetched page that holds no article (a list page, a feed,
        robots.txt, a stylesheet): its capture ``page``, its bytes once by digest."""
        return self.submit(
            lambda archive: self._transaction(
                lambda: keep_page(
                    archive.engine, self._capture(item, Outcome.PAGE, None), item.body
                )
            )
        )

    def heartbeat(self, counts: RunCounts) -> Future[bool]:
        """Store the run's counts so far and that it is alive; False when it was ended."""
        return self.submit(lambda archive: archive.runs.heartbeat(self.run_id, counts))

    def record_list_page(
        self,
        number: int,
        url: str,
        family: str,
        links: list[str],
        form: dict[str, str] | None = None,
    ) -> Future[None]:
        """Remember that the run read list page ``number``, the links first seen
        on it and the form post that shows the next one, if any."""
        return self.submit(
            lambda archive: archive.runs.record_list_page(
                self.run_id, number, url, family, links, form
            )
        )

    def close(self) -> None:
        """After the crawl's last write: close the writer's connections and its thread."""
        self._thread.submit(self._dispose)
        self._thread.shutdown(wait=True)

    @property
    def near_duplicate_seconds(self) -> float:
        """The part of :attr:`cpu_seconds` spent matching near-duplicates."""
        current = self._archive.near_duplicate_seconds if self._archive is not None else 0.0
        return self._near_duplicate_seconds + current

    def submit(self, write: Callable[[Archive], T]) -> Future[T]:
        """Run ``write(archive)`` in the writer thread, after the writes sent before it."""
        return self._send(write)

    def _send(self, write: CaptureItem | Callable[[Archive], Any]) -> Future[Any]:
        """Queue ``write`` (a page, or a function of the archive) behind the
        writes sent before it; the future of what it gives."""
        done: Future[Any] = Future()
        with self._queue_grew:
            self._queued.append(_Queued(write, done, time.monotonic()))
            self._queue_grew.notify()
        self._thread.submit(self._take)
        return done

    def _writing(self, write: Callable[[Archive], T]) -> T:
        """``write(archive)``, in the writer thread; a database error is :class:`WriteFailed`."""
        started = time.thread_time()
        try:
            if self._archive is None:
                self._archive = Archive(create_archive_engine(self.database_url))
            return write(self._archive)
        except (SQLAlchemyError, ArchiveUnavailable) as exc:
            raise WriteFailed(one_line(exc)) from exc
        finally:
            self.cpu_seconds += time.thread_time() - started

    def _dispose(self) -> None:
        if self._archive is not None:
            self._near_duplicate_seconds += self._archive.near_duplicate_seconds
            self._archive.engine.dispose()
            self._archive = None

    def _take(self) -> None:
        """In the writer thread: run the next write sent; when it is a page,
        with the pages sent after it, before any other write, within
        :data:`GATHER_SECONDS` while they kept coming, up to
        :data:`PAGES_PER_TRANSACTION` of them. Each sender hears what its
        write gave, or what stopped it."""
        with self._queue_grew:
            if not self._queued:
                return  # taken with the page before it
            if not isinstance(self._queued[0].write, CaptureItem):
                taken = [self._queued.popleft()]
            else:
                taken = self._pages_queued()
        write = taken[0].write
        try:
            if isinstance(write, CaptureItem):
                self._writing(lambda archive: self._save_taken(archive, taken))
            else:
                taken[0].done.set_result(self._writing(write))
        except Exception as exc:  # a database error, the archive not opened, a fault of ours
            for queued in taken:
                if not queued.done.done():
                    queued.done.set_exception(exc)

    def _pages_queued(self) -> list[_Queued]:
        """The pages at the queue's head, once no more come (holding
        ``_queue_grew``); taken off the queue."""
        deadline = self._queued[0].sent + GATHER_SECONDS
        seen = 0
        while True:
            pages = self._leading_pages()
            another_write = pages < len(self._queued)  # the run of pages cannot grow
            left = deadline - time.monotonic()
            if pages == seen or another_write or pages >= PAGES_PER_TRANSACTION or left <= 0:
                return [self._queued.popleft() for _ in range(pages)]
            seen = pages  # more came in the last lull: others may come
            self._queue_grew.wait(min(left, LULL_SECONDS))

    def _leading_pages(self) -> int:
        """How many pages lead the queue, before any other write (up to
        :data:`PAGES_PER_TRANSACTION`)."""
        leading = 0
        for queued in itertools.islice(self._queued, PAGES_PER_TRANSACTION):
            if not isinstance(queued.write, CaptureItem):
                return leading
            leading += 1
        return leading

    def _save_taken(self, archive: Archive, taken: list[_Queued]) -> None:
        """``taken``'s pages in one transaction; should it fail, each page
        alone, so that only the page at fault fails."""
        items = [queued.write for queued in taken if isinstance(queued.write, CaptureItem)]
        try:
            outcomes = self._save_items(archive, items)
        except Exception:
            if len(taken) == 1:
                raise
            for item, queued in zip(items, taken, strict=True):
                try:
                    queued.done.set_result(self._save_items(archive, [item])[0])
                except (SQLAlchemyError, ArchiveUnavailable) as exc:
                    queued.done.set_exception(WriteFailed(one_line(exc)))
                except Exception as exc:  # a fault of ours, on this page
                    queued.done.set_exception(exc)
            return
        for queued, outcome in zip(taken, outcomes, strict=True):
            queued.done.set_result(outcome)

    def _save_items(self, archive: Archive, items: list[CaptureItem]) -> list[Outcome]:
        """``items``' pages in one transaction (see ``_transaction``); each
        item's capture outcome."""
        outcomes = self._transaction(
            lambda: archive.save_pages([page for item in items for page in self._pages(item)])
        )
        # each item's own page comes first, then its further pages
        firsts = itertools.accumulate([1 + len(item.continued) for item in items[:-1]], initial=0)
        return [outcomes[at] for at in firsts]

    def _pages(self, item: CaptureItem) -> list[PageRows]:
        """The new rows of ``item``: its page, then each of its further pages
        (a paged article's, kept as received)."""
        published = item.article.published if item.article is not None else None
        further = [
            PageRows(self._capture(page, Outcome.CONTINUATION, published))
            for page in item.continued
        ]
        return [self._rows(item), *further]

    def _revisit(self, archive: Archive, item: CaptureItem) -> RevisitResult:
        """``item``'s revisit stored: its capture kept as received, the article's
        new version when it reads otherwise, or the date it was found gone."""
        assert item.revisit is not None
        gone = takedown(item, self.profile)
        article = item.article if gone is None else None
        page = None
        if article is not None:
            page = PageVersion(
                article.title,
                article.author,
                article.body,
                article.modified,
                item.fingerprint,
                end_lines(article.paragraphs),
            )
        found = Revisited(item.revisit, page, item.status == 304, gone)
        if gone is not None:
            outcome = Outcome.NOT_ARTICLE
        elif page is None and item.status != 304:
            outcome = Outcome.FAILED
        else:
            outcome = Outcome.DUPLICATE  # the page of an article archived already
        capture = self._capture(item, outcome, None)
        return save_revisit(
            archive.engine, capture, self.run_id, self.plan.clock(), found, _differs, self._next_due
        )

    def _next_due(self, stored: StoredVersion, at: datetime) -> datetime | None:
        return self.plan.next_due(stored.published, stored.archived_at, at)

    @staticmethod
    def _transaction(save: Callable[[], T]) -> T:
        """``save()``, one transaction made of new rows each time it is tried: again
        while another writer holds the archive's lock (``storage.busy``), and once
        more when the connection to the database was lost (the transaction was
        rolled back with it): nothing is written twice."""
        try:
            return waiting(save)
        except DBAPIError as exc:
            if not exc.connection_invalidated:
                raise
            logger.warning("lost the connection to the archive (%s): writing again", exc.orig)
            return waiting(save)

    def _rows(self, item: CaptureItem) -> PageRows:
        """The new rows of ``item``'s page: its capture and article (None when it
        is no article, or outside the run's window), with its fingerprint, places
        and requisites."""
        article = item.article
        outcome = Outcome.ARTICLE
        if item.error is not None:
            outcome, article = outcome_of(item.error), None
        elif (
            article is not None
            and self.window is not None
            and article.published is not None
            and not self.window.contains(article.published)
        ):
            # an undated article is not outside the window: it is kept, and a
            # backfill that reads no date at all ends ``undated``
            outcome, article = Outcome.OUTSIDE_WINDOW, None
        published = item.article.published if item.article is not None else None
        capture = self._capture(item, outcome, published)
        row = None
        fingerprint = item.fingerprint
        if article is not None:
            archived_at = self.plan.clock()
            row = Article(
                site_id=self.site_id,
                url=item.url,
                title=article.title,
                author=article.author,
                published=article.published,
                body=article.body,
                content_hash=fingerprint.content_hash if fingerprint else article.content_hash,
                minhash=fingerprint.signature if fingerprint else None,
                extractor_version=article.extractor_version,
                modified=article.modified,
                archived_at=archived_at,
                revisit_due=self.plan.next_due(article.published, archived_at, archived_at),
            )
        return PageRows(capture, row, fingerprint, item.places, self._requisites(item, published))

    def _requisites(self, item: CaptureItem, published: datetime | None) -> list[RequisiteRecord]:
        """The new rows of the photos and files of ``item``'s article: their
        captures dated as the article, their bytes kept by digest when new."""
        records = []
        for fetched in item.requisites:
            capture = None
            if fetched.fetch is not None:
                capture = self._capture(fetched.fetch, Outcome.REQUISITE, published)
                if fetched.status is RequisiteStatus.STORED and capture.payload is None:
                    capture.body_zlib, capture.sha256 = b"", fetched.sha256
            shared = {name: getattr(fetched, name) for name in (*RECORDED, "body")}
            records.append(RequisiteRecord(capture=capture, **shared))
        return records

    def _capture(self, item: CaptureItem, outcome: Outcome, published: datetime | None) -> Capture:
        return Capture(
            site_id=self.site_id,
            run_id=self.run_id,
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


def _differs(stored: StoredVersion, page: PageVersion) -> bool:
    """Whether the page's article is another version of the stored one (``pipelines.versions``)."""
    return differs(
        VersionFields(stored.title, stored.body, stored.author, stored.modified),
        VersionFields(page.title, page.body, page.author, page.modified),
    )


@dataclass(frozen=True)
class _Queued:
    """A write sent to the writer thread: a page's item, or a function of the
    archive; the future its sender waits on; when it was sent (``time.monotonic()``)."""

    write: CaptureItem | Callable[[Archive], Any]
    done: Future[Any]
    sent: float
