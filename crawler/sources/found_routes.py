"""The routes a crawl finds for itself, where its list pages do not lead to
every article: nothing to configure, and nothing to pay on sites whose list
pages do.

On list page 1 it looks for a "more" button's JSON endpoint its scripts name
(or the site's ``list_api``), and pages it (:class:`ListApiPages`). When list
paging ends early (page 2 repeats page 1; page 1 is an empty shell; page 1
links only to a "most read" box), it reads the feeds list page 1 and the home
page announce and the family's usual feed paths, and the sitemaps robots.txt
names (else ``/sitemap.xml``), newest first: a sitemap index's children newest
first, until one lists an article the archive holds. A backfill's sitemaps
are the :class:`~crawler.sources.sitemaps.Sitemaps` source's.

What it does is kept in the crawl's stats for the run keeper: the cause of
an early end (``list/ended_early``), the article links its routes brought
that the list pages had not (``routes/links``), those they asked to fetch
(``routes/announced``) and the requests they made (``routes/requests``)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from urllib.parse import urljoin

import scrapy
from lxml.html import HtmlElement
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from crawler.discovery.announced_routes import ListApi, announced_feeds, list_api, usual_feeds
from crawler.discovery.feed_entries import parse_feed
from crawler.discovery.sitemap_entries import (
    SitemapEntry,
    SitemapUnreadable,
    parse_sitemap,
    robots_sitemaps,
)
from crawler.sources.list_api import ListApiPages
from crawler.sources.paging import DailyPaging
from crawler.sources.reading import Reading
from crawler.sources.request_failures import request_failure
from crawler.sources.source import Request, Requests, UrlSource
from pipelines import families
from pipelines.pages import Unparseable, html_tree
from storage.models import FoundBy

logger = logging.getLogger(__name__)


class FoundRoutes(UrlSource):
    """The routes found on list page 1, the home page and robots.txt."""

    found_by = FoundBy.FEED

    def __init__(self, reading: Reading) -> None:
        super().__init__(reading)
        self.announced: list[str] = []  # the feeds list page 1 announces
        self.api_pages: ListApiPages | None = None
        self.fell_back = False
        self._asked: set[str] = set()
        self._children: list[SitemapEntry] = []  # an index's sitemaps still to read, newest first

    def list_page_seen(self, number: int, tree: HtmlElement, url: str) -> Requests:
        """List page 1 is in: note the feeds it announces; page the JSON
        endpoint its scripts name."""
        if number != 1 or self.announced or self.api_pages is not None:
            return
        self.announced = announced_feeds(tree, url)
        named = self.reading.profile.list_api
        api = ListApi(named) if named else list_api(tree, url)
        if api is not None:
            self.api_pages = ListApiPages(self.reading, api)
            yield from self.api_pages.first()

    def list_ended_early(self, number: int, cause: str) -> Requests:
        """List paging ended early for ``cause``: read the other routes (once)."""
        if self.fell_back:
            return
        self.fell_back = True
        stats = self.reading.crawler.stats
        stats.set_value("list/ended_early", cause)
        if self.api_pages is not None:
            logger.warning("%s: the list endpoint %s goes on", cause, self.api_pages.api.url)
            return
        logger.warning("%s: reading the site's feeds and sitemaps", cause)
        profile = self.reading.profile
        if profile.find_feeds:
            family = self.reading.discovery.family or families.get("generic")
            usual = usual_feeds(family, profile.list_url)
            yield from self._feed_requests([*self.announced, *usual])
            yield self._ask(urljoin(profile.list_url, "/"), self.parse_home)
        if profile.find_sitemaps and isinstance(self.reading.policy, DailyPaging):
            yield self._ask(urljoin(profile.list_url, "/robots.txt"), self.parse_robots)

    def _ask(self, url: str, callback: Callable[..., Requests]) -> scrapy.Request:
        self._asked.add(url)
        return self.request(url, callback, self.failed)

    def _feed_requests(self, urls: Sequence[str]) -> Requests:
        for url in urls:
            if url not in self._asked and self.reading.scope.refusal(url) is None:
                yield self._ask(url, self.parse_feed)

    def parse_home(self, response: Response) -> Requests:
        self._answered()
        if isinstance(response, TextResponse):
            try:
                tree = html_tree(response.text)
            except Unparseable:
                return
            yield from self._feed_requests(announced_feeds(tree, response.url))

    def parse_feed(self, response: Response) -> Requests:
        self._answered()
        content_type = response.headers.get("Content-Type", b"").decode("latin-1")
        feed = parse_feed(response.body, response.url, content_type)
        if feed.refusal is None:
            logger.info("feed %s lists %d entries", response.url, len(feed.entries))
            yield from self._take([entry.url for entry in feed.entries], FoundBy.FEED)[0]

    def parse_robots(self, response: Response) -> Requests:
        self._answered()
        named = robots_sitemaps(response.body, response.url)
        for url in named or [urljoin(response.url, "/sitemap.xml")]:
            if url not in self._asked and self.reading.scope.refusal(url) is None:
                yield self._ask(url, self.parse_sitemap)

    def parse_sitemap(self, response: Response) -> Requests:
        self._answered()
        try:
            maxsize = self.reading.crawler.settings.getint("DOWNLOAD_MAXSIZE")
            page = parse_sitemap(response.body, response.url, maxsize)
        except SitemapUnreadable as exc:
            logger.warning("sitemap %s could not be read: %s", response.url, exc)
            return
        if page is None:
            return
        if page.is_index:
            self._children = sorted(page.entries, key=_newest_first)
            yield from self._next_child()
            return
        entries = sorted(page.entries, key=_newest_first)
        requests, reaches_archive = self._take([e.url for e in entries], FoundBy.SITEMAP)
        yield from requests
        if not reaches_archive:
            yield from self._next_child()

    def _next_child(self) -> Requests:
        """Read an index's next newest sitemap not read yet."""
        while self._children:
            url = self._children.pop(0).url
            if url not in self._asked and self.reading.scope.refusal(url) is None:
                yield self._ask(url, self.parse_sitemap)
                return

    def _take(self, urls: Sequence[str], found_by: str) -> tuple[list[Request], bool]:
        """The requests of the articles of ``urls`` the archive lacks, and
        whether it holds any of them."""
        found = self.reading.articles_of(urls)
        settled = self.reading.policy.settled(found)
        self.reading.crawler.stats.inc_value("routes/links", len(found))
        return list(self.fetch_routed(settled.unsettled(found), found_by)), bool(settled.done)

    def _answered(self) -> None:
        self.reading.crawler.stats.inc_value("routes/requests")

    def failed(self, failure: Failure) -> Requests:
        self._answered()
        request = failure.request  # type: ignore[attr-defined]
        logger.info("route %s could not be read: %s", request.url, request_failure(failure))
        if request.callback == self.parse_sitemap:
            yield from self._next_child()


def _newest_first(entry: SitemapEntry) -> tuple[bool, float]:
    return (entry.date is None, -entry.date.timestamp() if entry.date else 0.0)
