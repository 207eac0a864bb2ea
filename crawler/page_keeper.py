"""PageKeeper: keeps every response of a run that no article's capture keeps
(its list pages, feeds, sitemaps, list API answers, robots.txt) as a capture
of its own, ``page``, its bytes once by digest (``storage.requisites``).

When the site keeps all its requisites (sites.yaml ``requisites: all``), the
stylesheets and scripts its HTML pages link are requisites of every page:
they are read from the run's kept pages and its first article pages (a site's
pages share them), and each URL is fetched once a run through the downloader (robots.txt obeyed,
``REQUISITE_MAX_BYTES`` the most) and kept the same way. A fetch or a write
that fails is logged and never fails the run; writes go through the run's
writer thread, so the reactor never waits for them.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import Future
from typing import Any
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import HtmlResponse, Request, Response

from crawler.items import NO_LIST_PAGE, CaptureItem
from crawler.middlewares import REQUISITE, exchange_of, joined_headers
from crawler.run_crawler import RunCrawler
from crawler.sites import REQUISITE_CHOICES
from storage.types import now_seoul

logger = logging.getLogger(__name__)

# the spider's callbacks whose responses the item path captures (as articles)
ARTICLE_CALLBACKS = frozenset({"parse_article", "parse_further_page", "parse_revisit"})
# what an HTML page links as its stylesheets and scripts
LINKED_FILES = (
    "//link[contains(concat(' ', normalize-space(@rel), ' '), ' stylesheet ')]/@href"
    " | //script/@src"
)
# the article pages of a run read for them: a site's pages share their stylesheets
# and scripts, so reading every article page again would only cost the reactor
ARTICLE_PAGES_READ = 3


class PageKeeper:
    def __init__(self, crawler: RunCrawler, fetch_linked: bool, max_bytes: int) -> None:
        self.crawler = crawler
        self.fetch_linked = fetch_linked  # the site keeps its stylesheets and scripts
        self.max_bytes = max_bytes
        self.linked: set[str] = set()  # the stylesheets and scripts asked for in this run
        self.article_pages_read = 0  # of the run, for their stylesheets and scripts
        self.fetches: set[asyncio.Task[None]] = set()  # held until done

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PageKeeper:
        if not isinstance(crawler, RunCrawler):  # no run: nowhere to keep them
            raise NotConfigured
        fetch_linked = crawler.run.job.profile.requisites == REQUISITE_CHOICES["all"]
        keeper = cls(crawler, fetch_linked, crawler.settings.getint("REQUISITE_MAX_BYTES"))
        crawler.signals.connect(keeper.response_received, signal=signals.response_received)
        return keeper

    def response_received(self, response: Response, request: Request, **_: Any) -> None:
        if request.meta.get(REQUISITE):  # an article's photo or file, or a linked file
            return
        article = getattr(request.callback, "__name__", None) in ARTICLE_CALLBACKS
        if not article:
            self._keep(response)
        if not self.fetch_linked or not isinstance(response, HtmlResponse):
            return
        if article:
            if self.article_pages_read >= ARTICLE_PAGES_READ:
                return
            self.article_pages_read += 1
        for url in response.xpath(LINKED_FILES).getall():
            self._fetch_linked(urljoin(response.url, url.strip()))

    def _keep(self, response: Response) -> None:
        """Send ``response`` to the run's writer, as a ``page`` capture."""
        request = response.request
        assert request is not None
        item = CaptureItem(
            site=self.crawler.run.job.profile.name,
            family=None,
            url=request.meta.get("redirect_urls", [request.url])[0],
            final_url=response.url,
            status=response.status,
            headers=joined_headers(response),
            body=response.body,
            fetched_at=now_seoul(),
            list_page=NO_LIST_PAGE,
            exchange=exchange_of(response),
        )
        try:
            written = self.crawler.writer.keep_page(item)
        except RuntimeError:  # the writer was closed: the run is over
            logger.warning("not kept, the run's writer is closed: %s", response.url[:200])
            return
        written.add_done_callback(lambda done: _log_failure(done, response.url))

    def _fetch_linked(self, url: str) -> None:
        """Fetch the stylesheet or script at ``url``, unless this run did already."""
        if urlsplit(url).scheme not in ("http", "https") or url in self.linked:
            return
        self.linked.add(url)
        task = asyncio.ensure_future(self._fetch(url))
        self.fetches.add(task)
        task.add_done_callback(self.fetches.discard)

    async def _fetch(self, url: str) -> None:
        request = scrapy.Request(
            url, meta={REQUISITE: True, "download_maxsize": self.max_bytes}, dont_filter=True
        )
        try:
            response = await self.crawler.engine.download_async(request)
        except IgnoreRequest as exc:
            logger.info("stylesheet or script not fetched: %s (%s)", url[:200], exc)
            return
        except Exception as exc:  # a reset, a timeout, over the cap: never the run's failure
            logger.warning("stylesheet or script not fetched: %s (%s)", url[:200], exc)
            return
        self._keep(response)


def _log_failure(written: Future[None], url: str) -> None:
    exc = written.exception()
    if exc is not None:
        logger.error("could not keep %s: %s", url[:200], exc)
