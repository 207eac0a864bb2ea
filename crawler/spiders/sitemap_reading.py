"""Reading a site's sitemaps in a backfill of the ``portal`` spider.

A backfill of a site with ``sitemaps`` reads list page 1 (which settles how
article links look), then the sitemaps (``auto``: robots.txt's ``Sitemap:``
lines, else ``/sitemap.xml``; child sitemaps of an index last changed before
the window are skipped): when the site's articles they list reach back to
the window's start, it fetches those they date inside the window (or cannot
date) and pages no further; else it pages the list as without them. The
article page's own date decides, either way, whether an article is inside
the window.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any
from urllib.parse import urljoin

import scrapy
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler.discovery import ListDiscovery
from crawler.discovery.sitemaps import (
    SitemapEntry,
    SitemapUnreadable,
    in_window,
    parse_sitemap,
    robots_sitemaps,
)
from crawler.items import NO_LIST_PAGE, SeenLinks
from crawler.job import CrawlJob
from crawler.scope import SiteScope
from crawler.sites import SITEMAPS_AUTO, SiteProfile
from crawler.spiders.failures import failure_reason
from storage.models import FoundBy

logger = logging.getLogger(__name__)

# how deep sitemap indexes are followed (an index of indexes of sitemaps)
SITEMAP_DEPTH = 3


@dataclass
class SitemapProgress:
    """A backfill's sitemaps while they are read: what is still out, what they
    list, and whether they reach back to the window's start."""

    pending: int = 0  # sitemap requests not answered yet
    requested: set[str] = field(default_factory=set)
    entries: list[SitemapEntry] = field(default_factory=list)
    reaches_back: bool = False  # something they list was last changed before the window


class SitemapReading(scrapy.Spider):
    """The ``portal`` spider's sitemaps: read once list page 1 is in, while
    the list paging waits; they take the window from it where they reach back."""

    job: CrawlJob
    profile: SiteProfile
    scope: SiteScope
    discovery: ListDiscovery
    # the spider's own: the article links of a sitemap, which of them need no
    # fetch, an article's request
    _articles_of: Callable[[Sequence[str]], list[str]]
    _settled: Callable[
        [list[str]], tuple[dict[str, datetime | None], dict[str, datetime | None], set[str]]
    ]
    _article_request: Callable[..., scrapy.Request]

    def __init__(self, **kw: Any) -> None:
        super().__init__(**kw)
        self._sitemaps: SitemapProgress | None = None  # backfill: while sitemaps are read
        self._held: Iterator[scrapy.Request | SeenLinks] | None = None  # list page 1's rest

    def _sitemaps_first(
        self, rest: Iterator[scrapy.Request | SeenLinks]
    ) -> Iterator[scrapy.Request | SeenLinks]:
        """Go on paging the list with ``rest``; but first, in a backfill of a
        site with sitemaps, read them: ``rest`` is taken up only if they do not
        cover the window."""
        if self.job.window is not None and self.profile.sitemaps and self._sitemaps is None:
            self._held = rest
            yield from self._read_sitemaps()
            return
        yield from rest

    def _read_sitemaps(self) -> Iterator[scrapy.Request]:
        """Start reading the site's sitemaps: robots.txt's first, for ``auto``."""
        self._sitemaps = SitemapProgress()
        if self.profile.sitemaps == (SITEMAPS_AUTO,):
            self._sitemaps.pending = 1
            yield scrapy.Request(
                urljoin(self.profile.list_url, "/robots.txt"),
                callback=self.parse_robots,
                errback=self.robots_failed,
                dont_filter=True,
            )
            return
        yield from self._sitemap_requests(self.profile.sitemaps, 1)

    def parse_robots(self, response: Response) -> Iterator[scrapy.Request | SeenLinks]:
        named = robots_sitemaps(response.body, response.url)
        if named:
            logger.info("robots.txt names %d sitemaps", len(named))
        yield from self._sitemap_requests(named or [urljoin(response.url, "/sitemap.xml")], 1)
        yield from self._sitemap_answered()

    def robots_failed(self, failure: Failure) -> Iterator[scrapy.Request | SeenLinks]:
        url = urljoin(self.profile.list_url, "/sitemap.xml")
        yield from self._sitemap_requests([url], 1)
        yield from self._sitemap_answered()

    def _sitemap_requests(self, urls: Sequence[str], depth: int) -> Iterator[scrapy.Request]:
        reading = self._sitemaps
        assert reading is not None
        for url in urls:
            if url in reading.requested or self.scope.refusal(url) is not None:
                continue
            reading.requested.add(url)
            reading.pending += 1
            yield scrapy.Request(
                url,
                callback=self.parse_sitemap,
                errback=self.sitemap_failed,
                cb_kwargs={"depth": depth},
                dont_filter=True,
            )

    def parse_sitemap(self, response: Response, depth: int) -> Iterator[scrapy.Request | SeenLinks]:
        reading = self._sitemaps
        window = self.job.window
        assert reading is not None and window is not None
        try:
            page = parse_sitemap(
                response.body, response.url, self.settings.getint("DOWNLOAD_MAXSIZE")
            )
        except SitemapUnreadable as exc:
            self.crawler.stats.inc_value("sitemaps/failed")
            logger.warning("sitemap %s could not be read: %s", response.url, exc)
            page = None
        if page is None:
            logger.info("no sitemap at %s", response.url)
        elif page.is_index:
            wanted = [e for e in page.entries if in_window(e, window.since, window.until)]
            reading.reaches_back |= len(wanted) < len(page.entries)
            logger.info(
                "sitemap index %s: %d of its %d sitemaps may hold the window",
                response.url,
                len(wanted),
                len(page.entries),
            )
            if depth < SITEMAP_DEPTH:
                yield from self._sitemap_requests([entry.url for entry in wanted], depth + 1)
        else:
            # the site's articles only: other pages (sections, tags, another site's
            # articles on a shared host) neither cover the window nor are fetched
            for entry in page.entries:
                article = self.discovery.article_link(entry.url)
                if article is not None and self.scope.refusal(article) is None:
                    reading.entries.append(replace(entry, url=article))
        yield from self._sitemap_answered()

    def sitemap_failed(self, failure: Failure) -> Iterator[scrapy.Request | SeenLinks]:
        request = failure.request  # type: ignore[attr-defined]
        response = failure.value.response if failure.check(HttpError) else None
        reason = f"HTTP {response.status}" if response is not None else failure_reason(failure)
        self.crawler.stats.inc_value("sitemaps/failed")
        logger.warning("sitemap %s could not be read: %s", request.url, reason)
        yield from self._sitemap_answered()

    def _sitemap_answered(self) -> Iterator[scrapy.Request | SeenLinks]:
        """One sitemap request is answered: once all are, take the window from them."""
        reading, window = self._sitemaps, self.job.window
        assert reading is not None and window is not None
        reading.pending -= 1
        if reading.pending:
            return
        held, self._held = self._held, None
        assert held is not None
        dated = [entry.date for entry in reading.entries if entry.date is not None]
        oldest = min(dated) if dated else None
        if not (reading.reaches_back or (oldest is not None and oldest.date() <= window.since)):
            logger.info(
                "the sitemaps do not reach back to %s (%s): paging the list",
                window.since,
                f"oldest {oldest:%Y-%m-%d}" if oldest else "no dates",
            )
            yield from held
            return
        inside = [
            entry.url for entry in reading.entries if in_window(entry, window.since, window.until)
        ]
        found = self._articles_of(inside)
        logger.info(
            "the sitemaps list %d articles, %d that may be in the window: "
            "taking them, no list paging",
            len(reading.entries),
            len(found),
        )
        held.close()
        _, done, gone = self._settled(found)
        for url in found:
            if url not in done and url not in gone:
                yield self._article_request(url, NO_LIST_PAGE, found_by=FoundBy.SITEMAP)
