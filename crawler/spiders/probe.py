"""The ``probe`` spider: what a crawl of a site would find and extract, writing
nothing. It reads list pages 1 and 2 and the first articles of page 1, through
the project's polite settings (robots.txt, delays), and keeps what it saw in a
:class:`crawler.probing.ProbeReport` for ``scrapy probe`` to print.

It looks for the site's feeds and sitemaps too: the feeds at its family's
usual paths and those the home page and list page 1 announce
(``<link rel="alternate" type="application/rss+xml">``), the sitemaps
robots.txt names (else ``/sitemap.xml``), and a "more" button's JSON list
endpoint list page 1's scripts name (or the site's ``list_api``), whose first
page it reads; each is read once.

A bot check in place of a list page (``pipelines.bot_checks``) is reported
as such; a site with ``render: browser`` is probed through Chromium too."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from typing import Any
from urllib.parse import urljoin

import scrapy
from scrapy.crawler import Crawler
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler.discovery import ListDiscovery
from crawler.discovery.announced_routes import (
    ListApi,
    announced_feeds,
    json_links,
    list_api,
    usual_feeds,
)
from crawler.discovery.feed_entries import parse_feed
from crawler.discovery.sitemap_entries import SitemapUnreadable, parse_sitemap, robots_sitemaps
from crawler.probing import ListPageSeen, ProbeReport, SourceSeen, counted
from crawler.rendering import page_meta, use_browser
from crawler.scope import SiteScope
from crawler.sites import RENDER_BROWSER, SiteProfile
from pipelines import families
from pipelines.bot_checks import bot_check
from pipelines.extraction import NotAnArticle, extract_article
from pipelines.pages import Unparseable, html_tree

ARTICLES = 3  # articles read off list page 1
LIST_PAGES = 2


class ProbeSpider(scrapy.Spider):
    name = "probe"
    scope: SiteScope
    # nothing reaches the archive; no progress lines
    custom_settings = {
        "ITEM_PIPELINES": {},
        "EXTENSIONS": {"crawler.progress.ProgressLog": None},
        "LOG_LEVEL": "WARNING",
    }

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> ProbeSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        use_browser(crawler, spider.profile)
        return spider

    def __init__(self, profile: SiteProfile, report: ProbeReport, **kw: Any) -> None:
        super().__init__(**kw)
        self.profile = profile
        self.report = report
        self.discovery = ListDiscovery(profile)
        self._asked: set[str] = set()  # feeds and sitemaps requested

    async def start(self) -> AsyncIterator[scrapy.Request]:
        self.scope = SiteScope.of(self.profile, self.settings.getint("URLLENGTH_LIMIT"))
        yield self._list_request(1)

    def _list_request(self, number: int) -> scrapy.Request:
        return scrapy.Request(
            self.profile.list_page_url(number),
            callback=self.parse_list,
            errback=self.failed,
            cb_kwargs={"number": number},
            meta=page_meta(self.profile),
            dont_filter=True,
        )

    def parse_list(self, response: Response, number: int) -> Iterator[scrapy.Request]:
        if not isinstance(response, TextResponse):
            self.report.problems.append(f"list page {number} is not a web page")
            return
        try:
            tree = html_tree(response.text)
        except Unparseable as exc:
            self.report.problems.append(f"list page {number}: {exc}")
            return
        check = bot_check(tree)
        if check is not None:
            self.report.blocked(number, check, self.profile.render == RENDER_BROWSER)
            return
        found = self.discovery.read(tree, response.url)
        main = [url for url in found.main if self.scope.refusal(url) is None]
        extra = [url for url in found.extra if self.scope.refusal(url) is None]
        self.report.list_pages.append(ListPageSeen(number, response.url, main, extra))
        if number == 1:
            yield from self._sources(tree, response.url)
            self.report.how = self.discovery.how
            self.report.family = self.discovery.family_name
            self.report.evidence = self.discovery.evidence
            self.report.pattern_check = self.discovery.pattern_check
            self.report.site_title = " ".join(tree.xpath("string(//title)").split())
            if number < LIST_PAGES:
                yield self._list_request(number + 1)
            for url in [*main, *extra][:ARTICLES]:
                yield scrapy.Request(
                    url,
                    callback=self.parse_article,
                    errback=self.failed,
                    meta=page_meta(self.profile),
                )

    # --- feeds and sitemaps -------------------------------------------------------

    def _sources(self, tree: Any, page_url: str) -> Iterator[scrapy.Request]:
        """Ask for the feeds and sitemaps a crawl of the site could read."""
        family = self.discovery.family or families.get("generic")
        yield from self._feed_requests(usual_feeds(family, self.profile.list_url))
        yield from self._announced(tree, page_url)
        named = self.profile.list_api
        api = ListApi(named) if named else list_api(tree, page_url)
        if api is not None and self.scope.refusal(api.page_url(1)) is None:
            yield scrapy.Request(
                api.page_url(1), callback=self.parse_list_api, errback=self.source_failed
            )
        yield scrapy.Request(
            urljoin(page_url, "/"), callback=self.parse_home, errback=self.source_failed
        )
        yield scrapy.Request(
            urljoin(page_url, "/robots.txt"),
            callback=self.parse_robots,
            errback=self.source_failed,
            dont_filter=True,
        )

    def _announced(self, tree: Any, page_url: str) -> Iterator[scrapy.Request]:
        yield from self._feed_requests(announced_feeds(tree, page_url))

    def _feed_requests(self, urls: list[str]) -> Iterator[scrapy.Request]:
        for url in urls:
            if url not in self._asked and self.scope.refusal(url) is None:
                self._asked.add(url)
                yield scrapy.Request(url, callback=self.parse_feed, errback=self.source_failed)

    def parse_home(self, response: Response) -> Iterator[scrapy.Request]:
        if isinstance(response, TextResponse):
            try:
                yield from self._announced(html_tree(response.text), response.url)
            except Unparseable:
                return

    def parse_feed(self, response: Response) -> None:
        content_type = response.headers.get("Content-Type", b"").decode("latin-1")
        feed = parse_feed(response.body, response.url, content_type)
        if feed.refusal is not None:
            self.report.sources.append(
                SourceSeen("feed", response.url, f"no feed: it says {feed.refusal!r}")
            )
            return
        links = self._site_articles([entry.url for entry in feed.entries])
        dates = [entry.published for entry in feed.entries if entry.published is not None]
        entries = counted(len(feed.entries), "entry", "entries")
        found = f"{entries}, {links} of them the site's articles{_span(dates)}"
        self.report.sources.append(SourceSeen("feed", response.url, found, links))

    def parse_list_api(self, response: Response) -> None:
        url = response.url
        try:
            data = json.loads(response.body)
        except ValueError:
            self.report.sources.append(SourceSeen("list endpoint", url, "no JSON"))
            return
        found = json_links(data, url, self.profile.article_url)
        links = self._site_articles(found)
        said = f"page 1: {counted(len(found), 'item link')}, {links} of them the site's articles"
        self.report.sources.append(SourceSeen("list endpoint", url, said, links))

    def parse_robots(self, response: Response) -> Iterator[scrapy.Request]:
        named = robots_sitemaps(response.body, response.url)
        for url in named or [urljoin(response.url, "/sitemap.xml")]:
            if url not in self._asked and self.scope.refusal(url) is None:
                self._asked.add(url)
                yield scrapy.Request(url, callback=self.parse_sitemap, errback=self.source_failed)

    def parse_sitemap(self, response: Response) -> None:
        try:
            page = parse_sitemap(
                response.body, response.url, self.settings.getint("DOWNLOAD_MAXSIZE")
            )
        except SitemapUnreadable as exc:
            self.report.sources.append(SourceSeen("sitemap", response.url, str(exc)))
            return
        if page is None:
            self.report.sources.append(SourceSeen("sitemap", response.url, "no sitemap"))
            return
        dates = [entry.date for entry in page.entries if entry.date is not None]
        if page.is_index:
            sitemaps = counted(len(page.entries), "sitemap")
            found = f"an index of {sitemaps}{_span(dates, 'last changed')}"
            links = len(page.entries)
        else:
            links = self._site_articles([entry.url for entry in page.entries])
            urls = counted(len(page.entries), "URL")
            found = f"{urls}, {links} of them the site's articles{_span(dates)}"
        self.report.sources.append(SourceSeen("sitemap", response.url, found, links))

    def source_failed(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        response = failure.value.response if failure.check(HttpError) else None
        reason = f"HTTP {response.status}" if response is not None else failure.getErrorMessage()
        kinds = {
            self.parse_feed: "feed",
            self.parse_sitemap: "sitemap",
            self.parse_list_api: "list endpoint",
        }
        if request.callback in kinds:
            kind = kinds[request.callback]
            self.report.sources.append(SourceSeen(kind, request.url, reason))

    def _site_articles(self, urls: list[str]) -> int:
        """How many of ``urls`` are the site's article links (a shell list
        page's template taken from them, as a crawl takes it)."""
        self.discovery.learn_from_route(urls)
        canonical = {self.discovery.article_link(url) for url in urls} - {None}
        return sum(self.scope.refusal(url) is None for url in canonical if url is not None)

    def parse_article(self, response: Response) -> None:
        url = response.request.url if response.request else response.url
        content_type = response.headers.get("Content-Type", b"").decode("latin-1") or None
        try:
            article = extract_article(
                response.body,
                content_type,
                url,
                self.discovery.article_family,
                site_layout=self.profile.article,
            )
        except (NotAnArticle, ValueError) as exc:
            self.report.add_article(url, None, str(exc), None)
            return
        try:
            layout_evidence = families.evidence(html_tree(response.text), url)
        except Unparseable:
            layout_evidence = {}
        self.report.add_article(url, article, None, layout_evidence)

    def failed(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        response = failure.value.response if failure.check(HttpError) else None
        reason = f"HTTP {response.status}" if response is not None else failure.getErrorMessage()
        if request.callback == self.parse_list:
            number = request.cb_kwargs["number"]
            check = bot_check(response.body) if response is not None else None
            if check is not None:
                self.report.blocked(number, check, self.profile.render == RENDER_BROWSER)
            else:
                self.report.problems.append(f"list page {number}: {reason}")
        else:
            self.report.add_article(request.url, None, reason, None)


def _span(dates: list[datetime], what: str = "dated") -> str:
    """``, dated 2024-01-02 to 2024-03-29`` (nothing when there are no dates)."""
    if not dates:
        return ", undated"
    return f", {what} {min(dates):%Y-%m-%d} to {max(dates):%Y-%m-%d}"
