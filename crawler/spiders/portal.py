"""The ``portal`` spider: walks a site's list pages newest first and fetches
the articles they link to, yielding raw captures.

Daily runs (``-a site=NAME``) stop paging at the first list page that brings
no article the archive lacks and none published in the last ``RECHECK_DAYS``
(so a story published late, below newer ones, is still found). Backfills
(``-a since=.. -a until=..``) page back until a list page's articles are all
older than ``since``; as list pages give no year (Gnuboard), article dates
come from the extracted articles, reported back through Scrapy's item signals.

Each list page read is announced (``crawler.signals.list_page_read``) and kept
with the run. A backfill killed at any point resumes at the list page it was
on, skipping every page the window's runs already captured; a daily run reads
at least as far as the interrupted daily runs before it had got.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import scrapy
from lxml.html import HtmlElement, document_fromstring
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler import families
from crawler import signals as portal_signals
from crawler.families import PortalFamily
from crawler.items import CaptureItem
from crawler.job import CrawlJob, crawl_job
from storage.archive import Archive
from storage.types import now_seoul

logger = logging.getLogger(__name__)

# articles of a list page go before the next list page, so that memory holds
# about one list page of pending requests, not the whole site
ARTICLE_PRIORITY = 1


@dataclass
class ListPage:
    """A backfill's bookkeeping for one list page: which articles are still out."""

    number: int
    pending: set[str] = field(default_factory=set)
    dates: list[datetime] = field(default_factory=list)


class PortalSpider(scrapy.Spider):
    name = "portal"
    job: CrawlJob
    archive: Archive

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> PortalSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.archive = Archive.open(crawler.settings.get("DATABASE_URL"))
        for signal in (signals.item_scraped, signals.item_error, signals.item_dropped):
            crawler.signals.connect(spider._article_done, signal=signal)
        crawler.signals.connect(spider._close_archive, signal=signals.spider_closed)
        return spider

    def __init__(
        self, site: str | None = None, since: str | None = None, until: str | None = None, **kw: Any
    ) -> None:
        super().__init__(**kw)
        self.job = crawl_job(site, since, until)
        self.profile = self.job.profile
        self.allowed_domains = sorted(self.profile.hosts)
        self.family: PortalFamily | None = (
            families.get(self.profile.cms) if self.profile.cms else None
        )
        self._seen: set[str] = set()
        self._open_pages: dict[int, ListPage] = {}
        self._read_at_least = 0  # daily: the list page interrupted daily runs had reached

    async def start(self) -> AsyncIterator[scrapy.Request]:
        window = self.job.window
        logger.info(
            "crawling %s (%s%s)",
            self.profile.name,
            self.job.mode,
            f" {window.since}..{window.until}" if window else "",
        )
        resume = self.archive.runs.resume_point(
            self.profile.name,
            self.job.mode,
            window.since if window else None,
            window.until if window else None,
        )
        if window is None:
            self._read_at_least = resume.furthest
            if resume.furthest:
                logger.info(
                    "an interrupted daily run reached list page %d: reading at least that far",
                    resume.furthest,
                )
        elif resume.number is not None:
            logger.info(
                "resuming the interrupted backfill at list page %d (%d links)",
                resume.number,
                len(resume.links),
            )
            if self.family is None and resume.family is not None:
                self.family = families.get(resume.family)
            links = list(resume.links)
            self._seen.update(links)
            self.crawler.stats.max_value("portal/list_page", resume.number)
            for request in self._take_links(resume.number, links):
                yield request
            return
        yield self._list_request(1)

    def _list_request(self, number: int) -> scrapy.Request:
        return scrapy.Request(
            self.profile.list_page_url(number),
            callback=self.parse_list,
            cb_kwargs={"number": number},
        )

    def parse_list(self, response: Response, number: int) -> Iterator[scrapy.Request]:
        tree = _tree(response)
        if self.family is None:
            self.family = families.detect(tree)
            logger.info("%s: detected portal family %s", self.profile.name, self.family.name)
        links = self.family.article_links(tree, response.url, self.profile.article_pattern)
        fresh = [url for url in links if url not in self._seen]
        self._seen.update(fresh)
        if not fresh:
            logger.info("list page %d brings no article not seen before: done", number)
            return
        self.crawler.stats.max_value("portal/list_page", number)
        self.crawler.signals.send_catch_log(
            portal_signals.list_page_read,
            number=number,
            url=response.url,
            family=self.family.name,
            links=fresh,
        )
        yield from self._take_links(number, fresh)

    def _take_links(self, number: int, links: list[str]) -> Iterator[scrapy.Request]:
        """Fetch the articles of a list page the archive lacks; go on to the next
        list page now (daily) or once they are all through the pipelines (backfill)."""
        window = self.job.window
        done = self.archive.archived_dates(links)
        if window is not None:
            # pages a backfill of this window already captured (outside it, not an article)
            captured = self.archive.runs.window_captures(
                self.profile.name, window.since, window.until, links
            )
            done = {**captured, **done}
        wanted = [url for url in links if url not in done]
        for url in wanted:
            yield self._article_request(url, number)
        dates = [published for published in done.values() if published is not None]
        if window is None:
            if wanted or number < self._read_at_least or self._recent(dates):
                yield self._list_request(number + 1)
            else:
                logger.info("list page %d holds nothing new nor recent: done", number)
            return
        page = ListPage(number, set(wanted), dates)
        self._open_pages[number] = page
        if not wanted:
            yield from self._after_list_page(page)

    def _recent(self, dates: list[datetime]) -> bool:
        """Whether any of ``dates`` falls in the daily re-check window."""
        days = self.settings.getfloat("RECHECK_DAYS")
        cutoff = now_seoul() - timedelta(days=days)
        return days > 0 and any(published >= cutoff for published in dates)

    def _article_request(self, url: str, number: int) -> scrapy.Request:
        return scrapy.Request(
            url,
            callback=self.parse_article,
            errback=self.article_failed,
            cb_kwargs={"number": number},
            priority=ARTICLE_PRIORITY,
        )

    def parse_article(self, response: Response, number: int) -> Iterator[CaptureItem]:
        yield self._capture(response.request.url, number, response, error=None)

    def article_failed(self, failure: Failure) -> Iterator[CaptureItem]:
        request = failure.request  # type: ignore[attr-defined]
        response = failure.value.response if failure.check(HttpError) else None
        error = f"HTTP {response.status}" if response is not None else _reason(failure)
        logger.warning("article %s failed: %s", request.url, error)
        yield self._capture(request.url, request.cb_kwargs["number"], response, error=error)

    def _capture(
        self, url: str, number: int, response: Response | None, error: str | None
    ) -> CaptureItem:
        assert self.family is not None
        return CaptureItem(
            site=self.profile.name,
            family=self.family.name,
            url=url,
            final_url=response.url if response is not None else url,
            status=response.status if response is not None else None,
            headers=_headers(response),
            body=response.body if response is not None else b"",
            fetched_at=now_seoul(),
            list_page=number,
            error=error,
        )

    def _article_done(self, item: Any, **_: Any) -> None:
        """An article went through the pipelines: settle it on its list page (backfill)."""
        if not isinstance(item, CaptureItem):
            return
        page = self._open_pages.get(item.list_page)
        if page is None:
            return
        page.pending.discard(item.url)
        if item.article is not None and item.article.published is not None:
            page.dates.append(item.article.published)
        if not page.pending:
            for request in self._after_list_page(page):
                self.crawler.engine.crawl(request)

    def _after_list_page(self, page: ListPage) -> Iterator[scrapy.Request]:
        """A backfill's list page is settled: go on unless all its articles are too old."""
        del self._open_pages[page.number]
        assert self.job.window is not None
        since = self.job.window.since
        if page.dates and all(published.date() < since for published in page.dates):
            logger.info("list page %d: every article is older than %s: done", page.number, since)
            return
        yield self._list_request(page.number + 1)

    def _close_archive(self) -> None:
        self.archive.close()


def _tree(response: Response) -> HtmlElement:
    return document_fromstring(response.text or "<html></html>")


def _headers(response: Response | None) -> dict[str, str]:
    if response is None:
        return {}
    return {
        key.decode("latin-1"): b", ".join(values).decode("latin-1")
        for key, values in response.headers.items()
    }


def _reason(failure: Failure) -> str:
    return f"{type(failure.value).__name__}: {failure.getErrorMessage()}"
