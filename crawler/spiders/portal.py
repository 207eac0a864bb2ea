"""The ``portal`` spider: walks a site's list pages newest first and fetches
the articles they link to, yielding raw captures.

Daily runs (``-a site=NAME``) stop paging at the first list page that brings
no article the archive lacks and none published in the last ``RECHECK_DAYS``
(so a story published late, below newer ones, is still found). Backfills
(``-a since=.. -a until=..``) page back until a list page's articles are all
older than ``since``; as list pages give no year (Gnuboard), article dates
come from the extracted articles, reported back through Scrapy's item signals.

A list page's article links come from :mod:`crawler.discovery`: all of them
are fetched, but only those of its main list decide paging and the backfill
window (a sidebar's or a "most read" box's never do).

A daily run of a site with ``feeds`` reads them first, a backfill of a site
with ``sitemaps`` reads them once list page 1 is in
(:mod:`crawler.spiders.feed_reading`, :mod:`crawler.spiders.sitemap_reading`).
Each capture records what found its link first (``feed``, ``sitemap``,
``list``).

Each list page read is announced to the run keeper (``crawler.run_keeper``), with
how many article links it holds (``crawler.signals.list_page_links``, by
which a run whose list pages link to no article ends ``no_articles``) and
the links first seen on it (``list_page_read``, kept with the run); so is
each list page that could not be read (``list_page_failed``). A backfill
killed at any point resumes at the list page it was on, skipping every page
the window's runs already captured; a daily run reads at least as far as the
interrupted daily runs before it had got.

What goes wrong is recorded and the crawl goes on: an article page that
cannot be fetched becomes a failed capture (tried again by the next daily
runs), a 404 a ``not_article`` one (not fetched again); a list page that
fails is counted in the run and paging goes on past it. Links off the site
and absurdly long ones are never requested.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler import signals as portal_signals
from crawler.discovery import LinkTemplate, ListDiscovery
from crawler.items import CaptureItem, SeenLinks
from crawler.job import CrawlJob
from crawler.middlewares import exchange_of
from crawler.run_crawler import run_crawler
from crawler.scope import SiteScope
from crawler.spiders.failures import failure_reason
from crawler.spiders.feed_reading import FeedReading
from crawler.spiders.sitemap_reading import SitemapReading
from pipelines import families
from pipelines.article_page import PageError, PageProblem
from pipelines.pages import Unparseable, html_tree, refusal
from storage.archive import Archive
from storage.models import FoundBy
from storage.types import now_seoul

logger = logging.getLogger(__name__)

# articles of a list page go before the next list page, so that memory holds
# about one list page of pending requests, not the whole site
ARTICLE_PRIORITY = 1
# an HTTP status that says the page is gone for good: not an article, not retried
GONE = {404: "Not Found", 410: "Gone"}


@dataclass
class ListPage:
    """A backfill's bookkeeping for one list page: which articles are still out."""

    number: int
    pending: set[str] = field(default_factory=set)
    dates: list[datetime] = field(default_factory=list)


class PortalSpider(FeedReading, SitemapReading):
    name = "portal"
    job: CrawlJob
    archive: Archive
    scope: SiteScope
    discovery: ListDiscovery
    max_list_pages: int
    max_list_failures: int
    retry_failed_runs: int

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> PortalSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        run = run_crawler(crawler).run
        spider.job, spider.profile, spider.archive = run.job, run.job.profile, run.archive
        settings = crawler.settings
        spider.scope = SiteScope.of(spider.profile, settings.getint("URLLENGTH_LIMIT"))
        spider.max_list_pages = settings.getint("MAX_LIST_PAGES")
        spider.max_list_failures = settings.getint("MAX_LIST_FAILURES")
        spider.retry_failed_runs = settings.getint("RETRY_FAILED_RUNS")
        for signal in (signals.item_scraped, signals.item_error, signals.item_dropped):
            crawler.signals.connect(spider._article_done, signal=signal)
        return spider

    def __init__(self, **kw: Any) -> None:
        # the job, its site's profile and the archive are the run's (from_crawler)
        super().__init__(**kw)
        self._seen: set[str] = set()
        self._followed: set[str] = set()  # article links followed from sidebars and boxes
        self._open_pages: dict[int, ListPage] = {}
        self._list_failures = 0  # list pages in a row that could not be read
        self._retried = False  # whether the pages earlier runs missed were requested
        self._read_at_least = 0  # daily: the list page interrupted daily runs had reached

    async def start(self) -> AsyncIterator[scrapy.Request]:
        # the archive is first read here, once the pipelines' processes are started
        kept = self.archive.templates.get(self.profile.name)
        self.discovery = ListDiscovery(self.profile, LinkTemplate.parse(kept) if kept else None)
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
            if self.discovery.family is None and resume.family is not None:
                self.discovery.family = families.get(resume.family)
            links = list(resume.links)
            self._seen.update(links)
            self.crawler.stats.max_value("portal/list_page", resume.number)
            # the run goes on from this page as read: the empty page past the
            # last is then the end of the window, not a list of no articles
            self.crawler.signals.send_catch_log(
                portal_signals.list_page_links,
                number=resume.number,
                url=self.profile.list_page_url(resume.number),
                links=len(links),
            )
            for request in self._take_links(resume.number, links):
                yield request
            return
        if window is None and self.profile.feeds:
            yield self._read_feeds()
            return
        yield self._list_request(1)

    def _articles_of(self, links: Sequence[str]) -> list[str]:
        """The canonical article URLs among a feed's or a sitemap's ``links``, in
        scope and not seen before in this run, in order, once each."""
        canonical = []
        for url in links:
            article = self.discovery.article_link(url)
            if article is None:
                self.crawler.stats.inc_value("scope/not_article")
                logger.debug("not an article link: %s", url[:200])
            else:
                canonical.append(article)
        fresh = [
            url for url in self._in_scope(list(dict.fromkeys(canonical))) if url not in self._seen
        ]
        self._seen.update(fresh)
        return fresh

    def _retry_requests(self, number: int) -> Iterator[scrapy.Request]:
        """A daily run tries again the pages earlier runs could not fetch (once)."""
        if self._retried or self.job.window is not None:
            return
        self._retried = True
        failed = [
            url
            for url in self.archive.failed_urls(self.profile.name, self.retry_failed_runs)
            if url not in self._seen and self.scope.refusal(url) is None
        ]
        if failed:
            logger.info("trying again %d pages earlier runs could not fetch", len(failed))
        self._seen.update(failed)
        for url in failed:
            yield self._article_request(url, number, found_by=None)

    def _list_request(self, number: int) -> scrapy.Request:
        # dont_filter: the spider requests each page once itself, and Scrapy's
        # duplicate filter would silently drop a redirect back to a page seen before
        return scrapy.Request(
            self.profile.list_page_url(number),
            callback=self.parse_list,
            errback=self.list_failed,
            cb_kwargs={"number": number},
            dont_filter=True,
        )

    def _next_list_request(self, number: int) -> Iterator[scrapy.Request]:
        if number > self.max_list_pages:
            logger.warning("read %d list pages (MAX_LIST_PAGES): done", self.max_list_pages)
            return
        yield self._list_request(number)

    def parse_list(self, response: Response, number: int) -> Iterator[scrapy.Request | SeenLinks]:
        content_type = response.headers.get("Content-Type", b"").decode("latin-1")
        problem = refusal(response.body, content_type) if response.body.strip() else "empty page"
        if problem is None and not isinstance(response, TextResponse):
            problem = f"not a web page ({content_type or 'no Content-Type'})"
        if problem is not None:
            yield from self._list_page_failed(number, problem)
            return
        try:
            tree = html_tree(response.text)
        except Unparseable as exc:
            yield from self._list_page_failed(number, str(exc))
            return
        self._list_failures = 0
        yield from self._retry_requests(number)
        found = self.discovery.read(tree, response.url)
        yield from self._take_feed_links()
        linked = found.every
        links = self._in_scope(list(found.main))
        sidebar = self._in_scope(list(found.extra))
        self.crawler.signals.send_catch_log(
            portal_signals.list_page_links,
            number=number,
            url=response.url,
            links=len(links),
        )
        yield from self._sitemaps_first(
            self._list_links(number, response.url, linked, links, sidebar)
        )

    def _list_links(
        self,
        number: int,
        url: str,
        linked: Mapping[str, Sequence[str]],
        links: list[str],
        sidebar: list[str],
    ) -> Iterator[scrapy.Request | SeenLinks]:
        """Follow the links of list page ``number`` (at ``url``): ``links`` its
        main list's, ``sidebar`` the others, ``linked`` the places of each."""
        extra = [url for url in sidebar if url not in self._seen and url not in self._followed]
        if number == 1 and not links and not extra:
            logger.warning(
                "list page 1 (%s) links to no article: check list_url, cms and "
                "article_pattern of site %s",
                url,
                self.profile.name,
            )
        fresh = [url for url in links if url not in self._seen or url in self._feed_new]
        # main-list links fetched already (from a sidebar, a feed): they count, once
        requested = (self._followed | self._feed_new).intersection(fresh)
        self._feed_new.difference_update(fresh)
        self._seen.update(fresh)
        self._followed.update(extra)
        if not fresh:
            logger.info("list page %d brings no article not seen before: done", number)
            if extra:
                yield from self._take_links(number, [], linked, extra)
            return
        self.crawler.stats.max_value("portal/list_page", number)
        self.crawler.signals.send_catch_log(
            portal_signals.list_page_read,
            number=number,
            url=url,
            family=self.discovery.family_name,
            links=fresh + extra,
        )
        yield from self._take_links(number, fresh, linked, extra, requested)

    def _take_links(
        self,
        number: int,
        links: list[str],
        linked: Mapping[str, Sequence[str]] | None = None,
        extra: Sequence[str] = (),
        requested: set[str] | frozenset[str] = frozenset(),
    ) -> Iterator[scrapy.Request | SeenLinks]:
        """Fetch the articles of a list page the archive lacks; go on to the next
        list page now (daily) or once they are all through the pipelines (backfill).

        ``links`` are the main list's, which decide paging; ``extra`` the
        other article links of the page (sidebars, boxes), fetched and nothing
        more; ``requested`` main-list links already fetched from a sidebar.
        ``linked`` gives, for each link, the URLs it was found under (variants
        of one article): those of archived articles are recorded as sightings."""
        window = self.job.window
        every = [*links, *extra]
        archived, done, gone = self._settled(every)
        wanted = [url for url in links if url not in done and url not in gone]
        if archived and linked:
            yield SeenLinks(self.profile.name, {url: linked[url] for url in archived}, now_seoul())
        for url in [*wanted, *extra]:
            if url not in done and url not in gone and url not in requested:
                yield self._article_request(url, number, linked[url] if linked else ())
        if not links and extra:
            return
        wanted = [url for url in wanted if url not in requested]
        dates = [published for url, published in done.items() if published and url in links]
        if window is None:
            if wanted or requested or number < self._read_at_least or self._recent(dates):
                yield from self._next_list_request(number + 1)
            else:
                logger.info("list page %d holds nothing new nor recent: done", number)
            return
        page = ListPage(number, set(wanted), dates)
        self._open_pages[number] = page
        if not wanted:
            yield from self._after_list_page(page)

    def _settled(
        self, urls: list[str]
    ) -> tuple[dict[str, datetime | None], dict[str, datetime | None], set[str]]:
        """Which of ``urls`` need no fetch: those archived (with their dates);
        those done, archived or captured by a backfill of this window already
        (outside it, not an article); and those known to be no article."""
        window = self.job.window
        archived = self.archive.archived_dates(urls)
        done = dict(archived)
        if window is not None:
            captured = self.archive.runs.window_captures(
                self.profile.name, window.since, window.until, urls
            )
            done = {**captured, **done}
        gone = self.archive.not_articles(url for url in urls if url not in done)
        return archived, done, gone

    def _in_scope(self, links: list[str]) -> list[str]:
        kept = []
        for url in links:
            reason = self.scope.refusal(url)
            if reason is None:
                kept.append(url)
            else:
                self.crawler.stats.inc_value("scope/dropped")
                logger.info("not following %s: %s", url[:200], reason)
        return kept

    def list_failed(self, failure: Failure) -> Iterator[scrapy.Request | SeenLinks]:
        request = failure.request  # type: ignore[attr-defined]
        number = request.cb_kwargs["number"]
        response = failure.value.response if failure.check(HttpError) else None
        if response is not None and response.status in GONE and number > 1:
            logger.info("list page %d: HTTP %d, the end of the list: done", number, response.status)
            return
        reason = f"HTTP {response.status}" if response is not None else failure_reason(failure)
        yield from self._list_page_failed(number, reason)

    def _list_page_failed(self, number: int, reason: str) -> Iterator[scrapy.Request | SeenLinks]:
        """Count the failure in the run and page on past it, unless too many in a row failed."""
        yield from self._take_feed_links()
        self.crawler.signals.send_catch_log(
            portal_signals.list_page_failed, number=number, reason=reason
        )
        self._list_failures += 1
        logger.error("list page %d could not be read: %s", number, reason)
        if self._list_failures >= self.max_list_failures:
            logger.error("%d list pages in a row could not be read: done", self._list_failures)
            return
        if self.job.window is None:
            yield from self._next_list_request(number + 1)
            return
        page = ListPage(number)
        self._open_pages[number] = page
        yield from self._sitemaps_first(self._after_list_page(page))

    def _recent(self, dates: list[datetime]) -> bool:
        """Whether any of ``dates`` falls in the daily re-check window."""
        days = self.settings.getfloat("RECHECK_DAYS")
        cutoff = now_seoul() - timedelta(days=days)
        return days > 0 and any(published >= cutoff for published in dates)

    def _article_request(
        self,
        url: str,
        number: int,
        places: Sequence[str] = (),
        found_by: FoundBy | None = FoundBy.LIST,
    ) -> scrapy.Request:
        return scrapy.Request(
            url,
            callback=self.parse_article,
            errback=self.article_failed,
            cb_kwargs={"number": number},
            meta={"places": tuple(places), "found_by": found_by},
            priority=ARTICLE_PRIORITY,
            dont_filter=True,  # see _list_request
        )

    def parse_article(self, response: Response, number: int) -> Iterator[CaptureItem]:
        request = response.request
        places = request.meta.get("places", ())
        yield self._capture(request, _asked_url(request), number, response, None, places)

    def article_failed(self, failure: Failure) -> Iterator[CaptureItem]:
        request = failure.request  # type: ignore[attr-defined]
        response = failure.value.response if failure.check(HttpError) else None
        if response is None:
            error = PageError(PageProblem.FETCH, failure_reason(failure))
        elif response.status in GONE:
            error = PageError(
                PageProblem.NOT_ARTICLE, f"HTTP {response.status} {GONE[response.status]}"
            )
        else:
            error = PageError(PageProblem.FETCH, f"HTTP {response.status}")
        url = _asked_url(request)
        logger.warning("article %s failed: %s", url, error)
        number, places = request.cb_kwargs["number"], request.meta.get("places", ())
        yield self._capture(request, url, number, response, error, places)

    def _capture(
        self,
        request: scrapy.Request,
        url: str,
        number: int,
        response: Response | None,
        error: PageError | None,
        places: tuple[str, ...] = (),
    ) -> CaptureItem:
        return CaptureItem(
            site=self.profile.name,
            family=self.discovery.article_family,
            url=url,
            final_url=response.url if response is not None else url,
            status=response.status if response is not None else None,
            headers=_headers(response),
            body=response.body if response is not None else b"",
            fetched_at=now_seoul(),
            list_page=number,
            error=error,
            places=places,
            exchange=exchange_of(response),
            site_layout=self.profile.article,
            found_by=request.meta.get("found_by"),
        )

    def _article_done(self, item: Any, **_: Any) -> None:
        """An article went through the pipelines: settle it on its list page (backfill)."""
        if not isinstance(item, CaptureItem):
            return
        if item.status == 200:
            confirmed = self.discovery.confirm(item.article is not None)
            if confirmed is not None:
                self.archive.templates.keep(self.profile.name, str(confirmed))
        page = self._open_pages.get(item.list_page)
        if page is None:
            return
        if item.url not in page.pending:
            return  # a sidebar's article: it does not settle the page
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
        yield from self._next_list_request(page.number + 1)


def _asked_url(request: scrapy.Request) -> str:
    """The URL the spider asked for, before any redirect."""
    return request.meta.get("redirect_urls", [request.url])[0]


def _headers(response: Response | None) -> dict[str, str]:
    if response is None:
        return {}
    return {
        key.decode("latin-1"): b", ".join(values).decode("latin-1")
        for key, values in response.headers.items()
    }
