"""ArchivePipeline: stores each capture, and its article when it is a new one
inside the crawl's window, in one transaction; keeps the crawl run's record.
Links to articles already archived become sightings (last seen now).

The run is the one the ``crawl`` command opened (``CRAWL_RUN_ID``), or one
opened here. While the crawl goes, the run's counts and a heartbeat are stored
every ``HEARTBEAT_INTERVAL`` seconds, and each list page the spider reads is
recorded, so an interrupted run can be resumed.

Writes go through one writer process (``pipelines.writer``), in order, so the
reactor never waits on the database. A write that fails stops the crawl
with a clear message rather than dropping pages silently: the message is
logged, kept in the crawl's stats (``archive/write_failed``) for the crawl
command to print, and the run record is closed when the database still
allows it.
"""

from __future__ import annotations

import asyncio
import copy
import logging
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.utils.defer import deferred_from_coro
from sqlalchemy.exc import SQLAlchemyError
from twisted.internet.task import LoopingCall

from crawler import signals as portal_signals
from crawler.items import CaptureItem, SeenLinks
from crawler.job import CrawlJob
from pipelines import writer
from pipelines.processes import process_pool
from storage.archive import Archive, RunCounts
from storage.database import one_line
from storage.runs import HEARTBEAT_INTERVAL

logger = logging.getLogger(__name__)
T = TypeVar("T")


class ArchivePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.counts = RunCounts()
        self.writer: ProcessPoolExecutor | None = None
        self.archive: Archive | None = None
        self.run_id: int | None = None
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
        site_id = self.archive.site_id(profile.name, profile.cms, profile.list_url)
        self.run_id = self.crawler.settings.getint("CRAWL_RUN_ID") or self.archive.start_run(
            site_id,
            self.job.mode,
            window.since if window else None,
            window.until if window else None,
        )
        database_url = self.archive.engine.url.render_as_string(hide_password=False)
        target = writer.RunTarget(database_url, site_id, self.run_id, window)
        self.writer = process_pool(1, writer.start_writer, (target,))
        self.heartbeat.start(HEARTBEAT_INTERVAL, now=False)

    async def _call(self, write: Callable[..., T], *args: Any) -> T:
        """Run ``write(*args)`` in the writer process, after the writes sent before it."""
        return await asyncio.get_running_loop().run_in_executor(self.writer, write, *args)

    def _heartbeat(self) -> None:
        """Store the run's counts so far, and that it is alive."""
        self._write(
            "cannot record the run's progress",
            writer.heartbeat,
            self._counts_now(),
            then=self._still_running,
        )

    def _counts_now(self) -> RunCounts:
        """The run's counts so far: pages by outcome, and list pages that failed
        (kept by the heartbeat too, so a run killed mid-way still shows them)."""
        counts = copy.copy(self.counts)
        counts.list_failed = self.crawler.stats.get_value("list_pages/failed", 0)  # type: ignore[union-attr]
        return counts

    def _still_running(self, running: bool) -> None:
        if not running:
            self._stop(
                f"run {self.run_id} was ended by another process that found it silent for too long"
            )

    def list_page_read(self, number: int, url: str, family: str, links: list[str]) -> None:
        """Record a list page the spider read, after the page writes already sent."""
        record = writer.record_list_page
        self._write("cannot record a list page", record, number, url, family, links)

    def _write(
        self,
        what: str,
        write: Callable[..., T],
        *args: Any,
        then: Callable[[T], None] | None = None,
    ) -> None:
        """Send a run-record write behind the page writes; a failure stops the crawl."""
        future = asyncio.get_running_loop().run_in_executor(self.writer, write, *args)

        def done(future: asyncio.Future[T]) -> None:
            error = future.exception()
            if error is not None:
                self._stop(f"{what}: {_reason(error)}")
            elif then is not None:
                then(future.result())

        future.add_done_callback(done)

    async def process_item(self, item: CaptureItem | SeenLinks) -> CaptureItem | SeenLinks:
        try:
            if isinstance(item, SeenLinks):
                await self._call(writer.record_sightings, item.links, item.seen_at)
                return item
            item.outcome = await self._call(writer.save_page, item)
        except (writer.WriteFailed, BrokenProcessPool) as exc:
            self._stop(f"cannot write to the archive: {_reason(exc)}")
            raise
        self.counts.count(item.outcome)
        self.crawler.stats.inc_value(f"archive/outcome/{item.outcome}")
        return item

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
        if self.writer is not None:
            self.writer.shutdown(wait=True)

    def spider_closed(self, reason: str) -> None:
        if self.archive is None or self.run_id is None:
            return
        status = "finished" if reason == "finished" else reason
        counts = self._counts_now()
        try:
            self.archive.finish_run(self.run_id, status, counts)
        except SQLAlchemyError as exc:
            logger.error(
                "could not record the end of run %d: %s",
                self.run_id,
                one_line(exc),
            )
        finally:
            self.archive.close()
        logger.info(
            "run %d %s: %d pages, %d new, %d duplicate, %d failed, %d list pages failed",
            self.run_id,
            status,
            counts.pages,
            counts.new,
            counts.duplicate,
            counts.failed,
            counts.list_failed,
        )


def _reason(error: BaseException) -> str:
    """Why a write failed, on one line."""
    if isinstance(error, writer.WriteFailed):
        return str(error)
    if isinstance(error, BrokenProcessPool):
        return "the archive writer process died"
    return repr(error)
