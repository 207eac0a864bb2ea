"""The run keeper: the Scrapy extension that keeps a crawl's run from its
start to its end.

It takes the run from its crawler (``crawler.run_crawler``), keeps the
heartbeat, records the list pages the spider reads (through the run's
archive writer, behind the pages sent before them), stops the crawl when the
archive refuses a write, and when the spider closes finishes the run with
its status (and a one-line reason when the run was not healthy: see
:meth:`RunKeeper.ending`). The crawl lifecycle (``crawler.crawl_lifecycle``)
asks it how the run ended (:meth:`RunKeeper.end_of`).
"""

from __future__ import annotations

import asyncio
import copy
import logging
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import TypeVar

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.utils.defer import deferred_from_coro
from sqlalchemy.exc import SQLAlchemyError
from twisted.internet.task import LoopingCall
from twisted.python.failure import Failure

from crawler import signals as portal_signals
from crawler.exit_codes import (
    EXIT_BLOCKED,
    EXIT_FAILED,
    EXIT_LIST_UNREADABLE,
    EXIT_NO_ARTICLES,
    EXIT_PARTIAL,
    EXIT_UNDATED,
    EXIT_UNREACHABLE,
)
from crawler.items import CaptureItem
from crawler.job import CrawlJob
from crawler.partial import partial_end
from crawler.run_crawler import RunCrawler, run_crawler
from crawler.sites import RENDER_BROWSER
from crawler.writer import WriteFailed
from storage.archive import Archive
from storage.database import one_line
from storage.run_records import HEARTBEAT_INTERVAL, RunStatus

logger = logging.getLogger(__name__)
T = TypeVar("T")
# the crawl's stats of the CPU seconds its writer thread took: matching
# near-duplicates (``Archive.save_page``), and the rest of its writes
NEAR_DUPLICATES_CPU = "cpu_seconds/near_duplicates"
WRITE_CPU = "cpu_seconds/write"

# the exit code of a run that ended with one of these statuses
EXIT_CODES = {
    RunStatus.NO_ARTICLES: EXIT_NO_ARTICLES,
    RunStatus.LIST_UNREADABLE: EXIT_LIST_UNREADABLE,
    RunStatus.UNREACHABLE: EXIT_UNREACHABLE,
    RunStatus.BLOCKED: EXIT_BLOCKED,
    RunStatus.UNDATED: EXIT_UNDATED,
    RunStatus.LIST_ENDED_EARLY: EXIT_PARTIAL,
    RunStatus.SHORT_OF_ROUTES: EXIT_PARTIAL,
}


@dataclass(frozen=True)
class RunEnd:
    """How a run ended: its status, the exit code it gives the crawl, and the
    one-line reason when it was not healthy."""

    status: str
    exit_code: int
    reason: str | None = None


@dataclass
class ListPages:
    """What the spider said of the run's list pages."""

    read: int = 0  # list pages read
    links: int = 0  # article links found on them
    first: str | None = None  # "list page N (URL)", the first read
    failure: str | None = None  # "list page N: why", the first that could not be read
    bot_check: str | None = None  # "URL is what kind", the first bot check met


@dataclass
class ArticleDates:
    """How many of the run's extracted articles had a readable date, and how many not."""

    dated: int = 0
    undated: int = 0


class RunKeeper:
    def __init__(self, crawler: RunCrawler) -> None:
        self.crawler = crawler
        self.run = crawler.run
        self.counts = crawler.counts
        self.writer = crawler.writer
        self.list_pages = ListPages()
        self.dates = ArticleDates()
        self.write_failed: str | None = None
        self.end: RunEnd | None = None
        self.heartbeat = LoopingCall(self._heartbeat)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunKeeper:
        keeper = cls(run_crawler(crawler))
        for handler, signal in (
            (keeper.spider_opened, signals.spider_opened),
            (keeper.spider_closed, signals.spider_closed),
            (keeper.item_error, signals.item_error),
            (keeper.item_scraped, signals.item_scraped),
            (keeper.list_page_links, portal_signals.list_page_links),
            (keeper.list_page_read, portal_signals.list_page_read),
            (keeper.list_page_failed, portal_signals.list_page_failed),
            (keeper.bot_check_met, portal_signals.bot_check_met),
        ):
            crawler.signals.connect(handler, signal=signal)
        return keeper

    @property
    def job(self) -> CrawlJob:
        return self.run.job

    @property
    def archive(self) -> Archive:
        return self.run.archive

    def spider_opened(self) -> None:
        self.heartbeat.start(HEARTBEAT_INTERVAL, now=False)

    def item_error(self, failure: Failure) -> None:
        """An item pipeline failed on an item: when the archive refused its
        write, stop the crawl."""
        if failure.check(WriteFailed):
            self.stop(f"cannot write to the archive: {failure.value}")

    def _heartbeat(self) -> None:
        """Store the run's counts so far, and that it is alive."""
        self._write(
            "cannot record the run's progress",
            self.writer.heartbeat(copy.copy(self.counts)),
            then=self._still_running,
        )

    def _still_running(self, running: bool) -> None:
        if not running:
            self.stop(
                f"run {self.run.id} was ended by another process that found it silent for too long"
            )

    def item_scraped(self, item: object) -> None:
        """Count an extracted article as dated or undated."""
        if isinstance(item, CaptureItem) and item.article is not None:
            if item.article.published is None:
                self.dates.undated += 1
            else:
                self.dates.dated += 1

    def list_page_links(self, number: int, url: str, links: int) -> None:
        """A list page was read, holding ``links`` article links."""
        pages = self.list_pages
        pages.read += 1
        pages.links += links
        if pages.first is None:
            pages.first = f"list page {number} ({url})"

    def list_page_read(
        self,
        number: int,
        url: str,
        family: str,
        links: list[str],
        form: dict[str, str] | None = None,
    ) -> None:
        """Record a list page the spider read, after the page writes already sent."""
        written = self.writer.record_list_page(number, url, family, links, form)
        self._write("cannot record a list page", written)

    def list_page_failed(self, number: int, reason: str) -> None:
        """Count a list page that could not be read (kept by the heartbeat too,
        so a run killed mid-way still shows it)."""
        self.counts.list_failed += 1
        if self.list_pages.failure is None:
            self.list_pages.failure = f"list page {number}: {reason}"

    def bot_check_met(self, url: str, check: str) -> None:
        """A bot check answered in place of a page."""
        if self.list_pages.bot_check is None:
            self.list_pages.bot_check = f"{url} is {check}"

    def _write(
        self, what: str, written: Future[T], then: Callable[[T], None] | None = None
    ) -> None:
        """Follow a run-record write sent behind the page writes; a failure stops the crawl."""

        def done(future: asyncio.Future[T]) -> None:
            error = future.exception()
            if error is not None:
                self.stop(f"{what}: {write_failure(error)}")
            elif then is not None:
                then(future.result())

        asyncio.wrap_future(written).add_done_callback(done)

    def stop(self, reason: str) -> None:
        """The archive stopped taking the run's writes: close the crawl, saying why."""
        if self.write_failed is None:
            self.write_failed = reason
            logger.error("%s: stopping the crawl", reason)
            engine = self.crawler.engine
            deferred_from_coro(engine.close_spider_async(reason="archive_write_failed"))

    def spider_closed(self, reason: str) -> None:
        """The pipelines are closed: let the writer finish, then finish the run."""
        if self.heartbeat.running:
            self.heartbeat.stop()
        self.writer.close()
        stats = self.crawler.stats
        if stats is not None:
            near_duplicates = self.writer.near_duplicate_seconds
            stats.set_value(NEAR_DUPLICATES_CPU, near_duplicates)
            stats.set_value(WRITE_CPU, self.writer.cpu_seconds - near_duplicates)
        counts = self.counts
        try:
            self.end = self.ending(reason)
            self.archive.runs.finish(self.run.id, self.end.status, counts, self.end.reason)
        except SQLAlchemyError as exc:
            logger.error("could not record the end of run %d: %s", self.run.id, one_line(exc))
        if self.end is None:
            return
        logger.info(
            "run %d %s: %d pages, %d new, %d duplicate, %d failed, %d list pages failed",
            self.run.id,
            self.end.status,
            counts.pages,
            counts.new,
            counts.duplicate,
            counts.failed,
            counts.list_failed,
        )
        if self.end.reason is not None:
            logger.error("%s", self.end.reason)

    def ending(self, reason: str) -> RunEnd:
        """How the run ends, Scrapy having closed it for ``reason``.

        A run Scrapy closed early (Ctrl-C, a write the archive refused) keeps
        Scrapy's reason and exits 1. One that finished is ``blocked`` when a
        bot check answered in place of a list page or an article and it
        archived no new article; ``unreachable`` when
        no list page could be read and no request got any answer,
        ``list_unreadable`` when no list page could be read though the site
        answered, ``no_articles`` when its list pages' main lists linked to no
        article and it captured no page (naming the site's last good run,
        whose layout may since have changed), ``undated`` when it is a
        backfill whose articles all lacked a readable date (kept undated: it
        could not tell which fall in its window); ``list_ended_early`` and
        ``short_of_routes`` when it archived less than it should
        (:func:`crawler.partial.partial_end`); else ``finished`` (exit 1 if
        the spider met an error).
        """
        if self.write_failed is not None:
            said = f"{self.write_failed}: the crawl stopped; run it again when fixed"
            return RunEnd(reason, EXIT_FAILED, said)
        if reason != RunStatus.FINISHED:
            return RunEnd(reason, EXIT_FAILED)
        site, pages = self.job.profile.name, self.list_pages
        assert self.crawler.stats is not None
        stats = self.crawler.stats
        if pages.bot_check is not None and not self.counts.new:
            return self._unhealthy(RunStatus.BLOCKED, self._blocked())
        if not pages.read and self.counts.list_failed:
            failed = f"{self.counts.list_failed} list pages failed, the first {pages.failure}"
            if not stats.get_value("downloader/response_count"):
                status, said = RunStatus.UNREACHABLE, "no request got an answer"
            else:
                status, said = RunStatus.LIST_UNREADABLE, "no list page could be read"
            return self._unhealthy(status, f"site {site}: {said} ({failed})")
        partial = partial_end(stats, self.crawler.settings.getfloat("ROUTES_MIN_SHARE"))
        if partial is not None and partial[0] == RunStatus.LIST_ENDED_EARLY:
            return self._unhealthy(*partial)
        routes = stats.get_value("routes/links", 0)  # links found by feeds, sitemaps, APIs
        if pages.read and not pages.links and not self.counts.pages and not routes:
            return self._unhealthy(RunStatus.NO_ARTICLES, self._no_articles())
        window, dates = self.job.window, self.dates
        if window is not None and dates.undated and not dates.dated:
            said = (
                f"site {site}: none of the {dates.undated} articles read had a readable date, "
                f"so the backfill {window.since}..{window.until} could not tell which are in "
                "its window (they were kept undated)"
            )
            return self._unhealthy(RunStatus.UNDATED, said)
        if partial is not None:
            return self._unhealthy(*partial)
        errors = stats.get_value("spider_exceptions/count", 0)
        return RunEnd(RunStatus.FINISHED, EXIT_FAILED if errors else 0)

    @staticmethod
    def _unhealthy(status: RunStatus, reason: str) -> RunEnd:
        return RunEnd(status, EXIT_CODES[status], reason)

    def _blocked(self) -> str:
        site = self.job.profile.name
        if self.job.profile.render == RENDER_BROWSER:
            going_on = "its pages were rendered in the browser and still blocked"
        else:
            going_on = f"set 'render: {RENDER_BROWSER}' for it in sites.yaml"
        return f"site {site}: blocked by a bot check: {self.list_pages.bot_check}; {going_on}"

    def _no_articles(self) -> str:
        site = self.job.profile.name
        said = f"site {site}: {self.list_pages.first} links to no article"
        check = "check list_url, cms and article_pattern in sites.yaml"
        good = self.archive.runs.last_good(site)
        if good is None:
            return f"{said}: {check}"
        return (
            f"{said}, though run {good.id} ({good.started_at:%Y-%m-%d}) archived "
            f"{good.pages} pages: the site's layout may have changed; {check}"
        )

    @classmethod
    def of(cls, crawler: Crawler) -> RunKeeper | None:
        """``crawler``'s run keeper; None when the crawl failed before its
        extensions were made."""
        try:
            return crawler.get_extension(cls)
        except RuntimeError:
            return None

    @classmethod
    def end_of(cls, crawler: Crawler) -> RunEnd:
        """How ``crawler``'s run ended; failed when it never got to end."""
        keeper = cls.of(crawler)
        if keeper is None or keeper.end is None:
            return RunEnd(RunStatus.FAILED, EXIT_FAILED)
        return keeper.end


def write_failure(error: BaseException) -> str:
    """Why a write failed, on one line."""
    if isinstance(error, WriteFailed):
        return str(error)
    return repr(error)
