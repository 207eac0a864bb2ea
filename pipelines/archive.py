"""ArchivePipeline: stores each capture, and its article when it is a new one
inside the crawl's window, in one transaction; keeps the crawl run's record.
Links to articles already archived become sightings (last seen now).

The run is the one the ``crawl`` command opened (``CRAWL_RUN_ID``), or one
opened here. While the crawl goes, the run's counts and a heartbeat are stored
every ``HEARTBEAT_INTERVAL`` seconds, and each list page the spider reads is
recorded, so an interrupted run can be resumed.

Writes go through one writer thread, so the reactor never waits on the
database and SQLite sees a single writer. A write that fails stops the crawl
with a clear message rather than dropping pages silently: the message is
logged, kept in the crawl's stats (``archive/write_failed``) for the crawl
command to print, and the run record is closed when the database still
allows it.
"""

from __future__ import annotations

import asyncio
import copy
import logging
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import TypeVar

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.utils.defer import deferred_from_coro
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from twisted.internet.task import LoopingCall

from crawler import signals as portal_signals
from crawler.items import CaptureItem, SeenLinks
from crawler.job import CrawlJob
from storage.archive import Archive, RunCounts
from storage.models import Article, Capture
from storage.runs import HEARTBEAT_INTERVAL

logger = logging.getLogger(__name__)
T = TypeVar("T")


class ArchivePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.counts = RunCounts()
        self.writer = ThreadPoolExecutor(1, thread_name_prefix="archive")
        self.archive: Archive | None = None
        self.run_id: int | None = None
        self.site_id: int | None = None
        self.write_failed: str | None = None
        self.heartbeat = LoopingCall(self._heartbeat)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(self.list_page_read, signal=portal_signals.list_page_read)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchivePipeline:
        return cls(crawler)

    @property
    def job(self) -> CrawlJob:
        return self.crawler.spider.job  # type: ignore[union-attr]

    def open_spider(self) -> None:
        self.archive = Archive.open(self.crawler.settings.get("DATABASE_URL"))
        profile, window = self.job.profile, self.job.window
        self.site_id = self.archive.site_id(profile.name, profile.cms, profile.list_url)
        self.run_id = self.crawler.settings.getint("CRAWL_RUN_ID") or self.archive.start_run(
            self.site_id,
            self.job.mode,
            window.since if window else None,
            window.until if window else None,
        )
        self.heartbeat.start(HEARTBEAT_INTERVAL, now=False)

    def _heartbeat(self) -> None:
        """Store the run's counts so far, and that it is alive."""
        assert self.archive is not None
        self._write(
            "cannot record the run's progress",
            partial(self.archive.runs.heartbeat, self.run_id, copy.copy(self.counts)),
            then=self._still_running,
        )

    def _still_running(self, running: bool) -> None:
        if not running:
            self._stop(
                f"run {self.run_id} was ended by another process that found it silent for too long"
            )

    def list_page_read(self, number: int, url: str, family: str, links: list[str]) -> None:
        """Record a list page the spider read, after the page writes already queued."""
        assert self.archive is not None
        self._write(
            "cannot record a list page",
            partial(self.archive.runs.record_list_page, self.run_id, number, url, family, links),
        )

    def _write(
        self, what: str, write: Callable[[], T], then: Callable[[T], None] | None = None
    ) -> None:
        """Queue a run-record write behind the page writes; a failure stops the crawl."""
        future = asyncio.get_running_loop().run_in_executor(self.writer, write)

        def done(future: asyncio.Future[T]) -> None:
            error = future.exception()
            if isinstance(error, SQLAlchemyError):
                self._stop(f"{what}: {str(error.orig or error).splitlines()[0]}")
            elif error is not None:
                self._stop(f"{what}: {error!r}")
            elif then is not None:
                then(future.result())

        future.add_done_callback(done)

    async def process_item(self, item: CaptureItem | SeenLinks) -> CaptureItem | SeenLinks:
        loop = asyncio.get_running_loop()
        try:
            if isinstance(item, SeenLinks):
                assert self.archive is not None and self.site_id is not None
                record, site_id = self.archive.record_sightings, self.site_id
                await loop.run_in_executor(self.writer, record, site_id, item.links, item.seen_at)
                return item
            item.outcome = await loop.run_in_executor(self.writer, self._save_again_if_cut, item)
        except SQLAlchemyError as exc:
            self._stop(f"cannot write to the archive: {str(exc.orig or exc).splitlines()[0]}")
            raise
        self.counts.count(item.outcome)
        self.crawler.stats.inc_value(f"archive/outcome/{item.outcome}")
        return item

    def _save_again_if_cut(self, item: CaptureItem) -> str:
        """:meth:`_save`, once more when the connection to the database was lost
        (the transaction was rolled back with it: nothing is written twice)."""
        try:
            return self._save(item)
        except DBAPIError as exc:
            if not exc.connection_invalidated:
                raise
            logger.warning("lost the connection to the archive (%s): writing again", exc.orig)
            return self._save(item)

    def _save(self, item: CaptureItem) -> str:
        """In the writer thread: build the rows and store them in one transaction."""
        assert self.archive is not None
        article = item.article
        outcome = "article"
        if item.error is not None:
            outcome = "not_article" if item.error.startswith("not an article") else "failed"
            article = None
        elif (
            article is not None
            and self.job.window is not None
            and not (article.published is not None and self.job.window.contains(article.published))
        ):
            outcome, article = "outside_window", None
        capture = Capture(
            site_id=self.site_id,
            run_id=self.run_id,
            url=item.url,
            final_url=item.final_url,
            status=item.status,
            headers=item.headers,
            body_zlib=zlib.compress(item.body),
            fetched_at=item.fetched_at,
            outcome=outcome,
            error=item.error,
            published=item.article.published if item.article is not None else None,
        )
        row = None
        fingerprint = item.fingerprint
        if article is not None:
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
            )
        return self.archive.save_page(capture, row, fingerprint, item.places)

    def _stop(self, reason: str) -> None:
        if self.write_failed is None:
            self.write_failed = reason
            logger.error("%s: stopping the crawl", reason)
            self.crawler.stats.set_value("archive/write_failed", reason)  # type: ignore[union-attr]
            engine = self.crawler.engine
            deferred_from_coro(engine.close_spider_async(reason="archive_write_failed"))

    def close_spider(self) -> None:
        if self.heartbeat.running:
            self.heartbeat.stop()
        self.writer.shutdown(wait=True)

    def spider_closed(self, reason: str) -> None:
        if self.archive is None or self.run_id is None:
            return
        status = "finished" if reason == "finished" else reason
        self.counts.list_failed = self.crawler.stats.get_value("list_pages/failed", 0)  # type: ignore[union-attr]
        try:
            self.archive.finish_run(self.run_id, status, self.counts)
        except SQLAlchemyError as exc:
            logger.error(
                "could not record the end of run %d: %s",
                self.run_id,
                str(exc.orig or exc).splitlines()[0],
            )
        finally:
            self.archive.close()
        logger.info(
            "run %d %s: %d pages, %d new, %d duplicate, %d failed, %d list pages failed",
            self.run_id,
            status,
            self.counts.pages,
            self.counts.new,
            self.counts.duplicate,
            self.counts.failed,
            self.counts.list_failed,
        )
