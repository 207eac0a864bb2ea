"""The ``portal`` spider: reads a site's URL sources (:mod:`crawler.sources`:
list pages newest first, a daily run's feeds and failed pages, a backfill's
sitemaps, the routes found on the site's pages) as far as the job's paging
policy says, and fetches the articles they link to, yielding raw captures.

Daily runs (``-a site=NAME``) and backfills (``-a since=.. -a until=..``)
differ in their paging policy only (:mod:`crawler.sources.paging`); a
backfill's article dates come from the extracted articles, reported back
through Scrapy's item signals. Each capture records what found its link
first (``feed``, ``sitemap``, ``list``). A backfill killed at any point
resumes at the list page it was on, skipping every page the window's runs
already captured.

What goes wrong is recorded and the crawl goes on: an article page that
cannot be fetched becomes a failed capture (tried again by the next daily
runs), a 404 a ``not_article`` one (not fetched again). Links off the site
and absurdly long ones are never requested.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator, Sequence
from typing import Any

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from crawler.discovery import LinkTemplate, ListDiscovery
from crawler.items import NO_LIST_PAGE, CaptureItem
from crawler.job import CrawlJob
from crawler.middlewares import exchange_of, joined_headers
from crawler.rendering import page_meta, use_browser
from crawler.revisit_plan import RevisitPlan
from crawler.run_crawler import run_crawler
from crawler.scope import SiteScope
from crawler.sources.archive_view import DueRevisit
from crawler.sources.form_pages import FormListPages
from crawler.sources.list_pages import ListPages
from crawler.sources.lookups import ArchiveLookups
from crawler.sources.reading import Reading
from crawler.sources.request_failures import GONE, failed_response, failure_reason
from crawler.sources.revisits import Revisits, conditional_headers
from crawler.sources.routes import companions_for, paging_for, paging_limits
from pipelines.article_page import PageError, PageProblem
from pipelines.article_pages import further_pages_in
from pipelines.bot_checks import bot_check
from storage.archive import Archive
from storage.types import now_seoul

logger = logging.getLogger(__name__)

# articles of a list page go before the next list page, so that memory holds
# about one list page of pending requests, not the whole site
ARTICLE_PRIORITY = 1
# the most further pages of one paged article fetched (a pager that never ends is a trap)
MAX_ARTICLE_PAGES = 30


class PortalSpider(scrapy.Spider):
    name = "portal"
    job: CrawlJob
    archive: Archive
    scope: SiteScope
    discovery: ListDiscovery
    lookups: ArchiveLookups
    list_pages: ListPages

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> PortalSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        run = run_crawler(crawler).run
        spider.job, spider.profile, spider.archive = run.job, run.job.profile, run.archive
        settings = crawler.settings
        spider.scope = SiteScope.of(spider.profile, settings.getint("URLLENGTH_LIMIT"))
        use_browser(crawler, spider.profile)
        for signal in (signals.item_scraped, signals.item_error, signals.item_dropped):
            crawler.signals.connect(spider._article_done, signal=signal)
        return spider

    def __init__(self, **kw: Any) -> None:
        # the job, its site's profile and the archive are the run's (from_crawler)
        super().__init__(**kw)

    async def start(self) -> AsyncIterator[scrapy.Request]:
        # the archive is first read here, once the pipelines' processes are started
        self.lookups = ArchiveLookups(self.archive)
        kept = self.lookups.link_template(self.profile.name)
        self.discovery = ListDiscovery(self.profile, LinkTemplate.parse(kept) if kept else None)
        policy = paging_for(self.job, self.lookups, paging_limits(self.settings), now_seoul)
        logger.info("crawling %s (%s)", self.profile.name, policy)
        reading = Reading(
            self.crawler, self.profile, self.scope, self.discovery, policy, self.request_article
        )
        self.list_pages = FormListPages(reading, companions_for(reading, self._revisits(reading)))
        point = policy.resume()
        if point is not None:
            for request in self.list_pages.resume(point):
                yield request
            return
        yield self.list_pages.first_request()

    def _revisits(self, reading: Reading) -> Revisits | None:
        """The revisits of a daily run of a site that has them; None: none."""
        plan = RevisitPlan.of(self.job, self.settings)
        if not plan.ages:
            return None
        counts = run_crawler(self.crawler).counts

        def counted(due: int) -> None:
            counts.revisits_due = due

        budget = self.settings.getint("REVISIT_BUDGET")
        return Revisits(reading, self.lookups, plan, budget, self.request_revisit, counted)

    def request_revisit(self, revisit: DueRevisit) -> scrapy.Request:
        """The conditional request of a revisit of an archived article: a 304, a
        404 and a 410 come to :meth:`parse_revisit` like any answer."""
        return scrapy.Request(
            revisit.url,
            callback=self.parse_revisit,
            errback=self.revisit_failed,
            headers=conditional_headers(revisit),
            cb_kwargs={"article_id": revisit.article_id},
            meta={"handle_httpstatus_list": [304, *GONE], **page_meta(self.profile)},
            priority=ARTICLE_PRIORITY,
            dont_filter=True,
        )

    def parse_revisit(self, response: Response, article_id: int) -> Iterator[CaptureItem]:
        request = response.request
        error = None
        if response.status in GONE:
            detail = f"HTTP {response.status} {GONE[response.status]}"
            error = PageError(PageProblem.NOT_ARTICLE, detail)
        item = self._capture(request, _asked_url(request), NO_LIST_PAGE, response, error)
        item.revisit = article_id
        yield item

    def revisit_failed(self, failure: Failure) -> Iterator[CaptureItem]:
        request = failure.request  # type: ignore[attr-defined]
        response = failed_response(failure)
        reason = failure_reason(failure) if response is None else f"HTTP {response.status}"
        logger.warning("revisit of %s failed: %s", request.url, reason)
        error = PageError(PageProblem.FETCH, reason)
        item = self._capture(request, _asked_url(request), NO_LIST_PAGE, response, error)
        item.revisit = request.cb_kwargs["article_id"]
        yield item

    def request_article(
        self, url: str, number: int, places: Sequence[str], found_by: str | None
    ) -> scrapy.Request:
        """The request of the article at ``url``, linked from list page ``number``
        by ``places`` and found first by ``found_by`` (None: tried again)."""
        return scrapy.Request(
            url,
            callback=self.parse_article,
            errback=self.article_failed,
            cb_kwargs={"number": number},
            meta={"places": tuple(places), "found_by": found_by, **page_meta(self.profile)},
            priority=ARTICLE_PRIORITY,
            dont_filter=True,  # see crawler.sources.source.UrlSource.request
        )

    def parse_article(
        self, response: Response, number: int
    ) -> Iterator[CaptureItem | scrapy.Request]:
        request = response.request
        places = request.meta.get("places", ())
        first = self._capture(request, _asked_url(request), number, response, None, places)
        first.requisite_kinds = self.profile.requisites  # fetched once it is read
        yield from self._further_pages(first, response, {})

    def _further_pages(
        self, first: CaptureItem, response: Response | None, pending: dict[int, str]
    ) -> Iterator[CaptureItem | scrapy.Request]:
        """Fetch the further pages of an article paged over several, one by
        one in order (each page's pager may name more); then yield it whole."""
        taken = {first.url, *(page.url for page in first.continued), *pending.values()}
        for page, url in _pages_linked(response, first.url).items():
            if url not in taken and len(first.continued) + len(pending) < MAX_ARTICLE_PAGES:
                pending.setdefault(page, url)
        if not pending:
            yield first
            return
        url = pending.pop(min(pending))
        yield scrapy.Request(
            url,
            callback=self.parse_further_page,
            errback=self.further_page_failed,
            cb_kwargs={"first": first, "pending": pending},
            priority=ARTICLE_PRIORITY + 1,  # finish an article before starting others
            dont_filter=True,
        )

    def parse_further_page(
        self, response: Response, first: CaptureItem, pending: dict[int, str]
    ) -> Iterator[CaptureItem | scrapy.Request]:
        page = self._capture(response.request, response.url, first.list_page, response, None)
        first.continued += (page,)
        yield from self._further_pages(first, response, pending)

    def further_page_failed(self, failure: Failure) -> Iterator[CaptureItem | scrapy.Request]:
        request = failure.request  # type: ignore[attr-defined]
        first: CaptureItem = request.cb_kwargs["first"]
        error = PageError(PageProblem.FETCH, failure_reason(failure))
        logger.warning(
            "page %s of article %s failed (%s): the article is kept without it",
            request.url,
            first.url,
            error,
        )
        page = self._capture(request, request.url, first.list_page, failed_response(failure), error)
        first.continued += (page,)
        yield from self._further_pages(first, None, request.cb_kwargs["pending"])

    def article_failed(self, failure: Failure) -> Iterator[CaptureItem]:
        request = failure.request  # type: ignore[attr-defined]
        response = failed_response(failure)
        if response is None:
            error = PageError(PageProblem.FETCH, failure_reason(failure))
        elif response.status in GONE:
            error = PageError(
                PageProblem.NOT_ARTICLE, f"HTTP {response.status} {GONE[response.status]}"
            )
        elif (check := bot_check(response.body)) is not None:
            error = PageError(PageProblem.BOT_CHECK, f"HTTP {response.status}: {check}")
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
            headers=joined_headers(response),
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
        """An article went through the pipelines: confirm the link template, and
        page on if its list page is settled (backfill)."""
        if not isinstance(item, CaptureItem) or item.revisit is not None:
            return
        if item.article is not None and item.url in self.list_pages.reading.routed:
            self.crawler.stats.inc_value("routes/articles")
        if item.status == 200:
            confirmed = self.discovery.confirm(item.article is not None)
            if confirmed is not None:
                self.lookups.keep_link_template(self.profile.name, str(confirmed))
        for request in self.list_pages.article_done(item):
            self.crawler.engine.crawl(request)


def _pages_linked(response: Response | None, article_url: str) -> dict[int, str]:
    """The further pages of the article at ``article_url`` that ``response`` links to."""
    if not isinstance(response, TextResponse) or response.status != 200:
        return {}
    return further_pages_in(response.text, response.url, article_url)


def _asked_url(request: scrapy.Request) -> str:
    """The URL the spider asked for, before any redirect."""
    return request.meta.get("redirect_urls", [request.url])[0]
