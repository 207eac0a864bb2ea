"""ProgressLog: a line every ``PROGRESS_INTERVAL`` seconds on how a run goes
(pages archived, new articles, duplicates, failures, rate, list page), so a
long backfill can be watched in its log. It reads the run's counts from its
crawler (``crawler.run_crawler``) and the list page from the crawl's stats; 0
turns it off."""

from __future__ import annotations

import logging
import time

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet.task import LoopingCall

from crawler.run_crawler import RunCrawler

logger = logging.getLogger(__name__)


class ProgressLog:
    def __init__(self, crawler: RunCrawler, interval: float) -> None:
        self.crawler = crawler
        self.interval = interval
        self.task = LoopingCall(self.log)
        self.last_pages = 0
        self.last_time = 0.0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProgressLog:
        interval = crawler.settings.getfloat("PROGRESS_INTERVAL")
        if interval <= 0 or not isinstance(crawler, RunCrawler):  # no run: nothing to show
            raise NotConfigured
        extension = cls(crawler, interval)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self) -> None:
        self.last_time = time.monotonic()
        self.task.start(self.interval, now=False)

    def spider_closed(self) -> None:
        if self.task.running:
            self.task.stop()

    def log(self) -> None:
        job, counts = self.crawler.run.job, self.crawler.counts
        pages = counts.pages
        now = time.monotonic()
        rate = (pages - self.last_pages) / max(now - self.last_time, 1e-9)
        self.last_pages, self.last_time = pages, now
        window = job.window
        logger.info(
            "progress %s %s%s: %d pages (%.1f/s), %d new, %d duplicate, %d failed, list page %d",
            job.profile.name,
            job.mode,
            f" {window.since}..{window.until}" if window else "",
            pages,
            rate,
            counts.new,
            counts.duplicate,
            counts.failed,
            self.crawler.stats.get_value("portal/list_page", 0),  # type: ignore[union-attr]
        )
