"""A site's sitemaps, read by a backfill once list page 1 is in.

List page 1 settles how article links look; then the sitemaps are read
(``auto``: robots.txt's ``Sitemap:`` lines, else ``/sitemap.xml``; child
sitemaps of an index last changed before the window are skipped) while list
paging waits. When the site's articles they list reach back to the window's
start, the backfill fetches those they date inside the window (or cannot
date) and pages no further; else it fetches them and pages the list too
(their articles still count as new on it). The
article page's own date decides, either way, whether an article is inside
the window."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from urllib.parse import urljoin

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.discovery.sitemap_entries import (
    SitemapEntry,
    SitemapUnreadable,
    in_window,
    parse_sitemap,
    robots_sitemaps,
)
from crawler.sites import SITEMAPS_AUTO
from crawler.sources.paging import BackfillPaging
from crawler.sources.reading import Reading
from crawler.sources.request_failures import request_failure
from crawler.sources.source import Requests, UrlSource
from storage.models import FoundBy

logger = logging.getLogger(__name__)

# how deep sitemap indexes are followed (an index of indexes of sitemaps)
SITEMAP_DEPTH = 3


@dataclass
class SitemapProgress:
    """The sitemaps while they are read: what is still out, what they list,
    and whether they reach back to the window's start."""

    pending: int = 0  # sitemap requests not answered yet
    requested: set[str] = field(default_factory=set)
    entries: list[SitemapEntry] = field(default_factory=list)
    reaches_back: bool = False  # something they list was last changed before the window


class Sitemaps(UrlSource):
    """The site's sitemaps: they take the window from the list where they reach back."""

    found_by = FoundBy.SITEMAP

    def __init__(self, reading: Reading, policy: BackfillPaging) -> None:
        super().__init__(reading)
        self.policy = policy
        self._progress: SitemapProgress | None = None  # once they are read
        self._held: Requests | None = None  # the list paging, while they are read

    def paging_on(self, rest: Requests) -> Requests:
        """Read the sitemaps first (once): ``rest`` is taken up only if they do
        not cover the window."""
        if self._progress is not None:
            return rest
        self._progress, self._held = SitemapProgress(), rest
        return self._read(self._progress)

    def _read(self, progress: SitemapProgress) -> Iterator[scrapy.Request]:
        """Start reading the site's sitemaps: robots.txt's first, for ``auto``."""
        profile = self.reading.profile
        if profile.sitemaps == (SITEMAPS_AUTO,):
            progress.pending = 1
            robots = urljoin(profile.list_url, "/robots.txt")
            yield self.request(robots, self.parse_robots, self.robots_failed)
            return
        yield from self._sitemap_requests(profile.sitemaps, 1)

    def parse_robots(self, response: Response) -> Requests:
        named = robots_sitemaps(response.body, response.url)
        if named:
            logger.info("robots.txt names %d sitemaps", len(named))
        yield from self._sitemap_requests(named or [urljoin(response.url, "/sitemap.xml")], 1)
        yield from self._answered()

    def robots_failed(self, failure: Failure) -> Requests:
        url = urljoin(self.reading.profile.list_url, "/sitemap.xml")
        yield from self._sitemap_requests([url], 1)
        yield from self._answered()

    def _sitemap_requests(self, urls: Sequence[str], depth: int) -> Iterator[scrapy.Request]:
        progress = self._progress
        assert progress is not None
        for url in urls:
            if url in progress.requested or self.reading.scope.refusal(url) is not None:
                continue
            progress.requested.add(url)
            progress.pending += 1
            yield self.request(url, self.parse_sitemap, self.sitemap_failed, depth=depth)

    def parse_sitemap(self, response: Response, depth: int) -> Requests:
        progress, since, until = self._progress, self.policy.since, self.policy.until
        assert progress is not None
        try:
            maxsize = self.reading.crawler.settings.getint("DOWNLOAD_MAXSIZE")
            page = parse_sitemap(response.body, response.url, maxsize)
        except SitemapUnreadable as exc:
            self.reading.crawler.stats.inc_value("sitemaps/failed")
            logger.warning("sitemap %s could not be read: %s", response.url, exc)
            page = None
        if page is None:
            logger.info("no sitemap at %s", response.url)
        elif page.is_index:
            wanted = [entry for entry in page.entries if in_window(entry, since, until)]
            progress.reaches_back |= len(wanted) < len(page.entries)
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
                article = self.reading.discovery.article_link(entry.url)
                if article is not None and self.reading.scope.refusal(article) is None:
                    progress.entries.append(replace(entry, url=article))
        yield from self._answered()

    def sitemap_failed(self, failure: Failure) -> Requests:
        request = failure.request  # type: ignore[attr-defined]
        self.reading.crawler.stats.inc_value("sitemaps/failed")
        logger.warning("sitemap %s could not be read: %s", request.url, request_failure(failure))
        yield from self._answered()

    def _answered(self) -> Requests:
        """One sitemap request is answered: once all are, take the window from them."""
        progress = self._progress
        assert progress is not None
        progress.pending -= 1
        if progress.pending:
            return
        held, self._held = self._held, None
        assert held is not None
        since, until = self.policy.since, self.policy.until
        inside = [entry.url for entry in progress.entries if in_window(entry, since, until)]
        found = self.reading.articles_of(inside)
        self.reading.crawler.stats.inc_value("routes/links", len(found))
        wanted = self.policy.settled(found).unsettled(found)
        dated = [entry.date for entry in progress.entries if entry.date is not None]
        if not self.policy.sitemaps_cover(progress.reaches_back, dated):
            # taken all the same, and still new to the list pages that are paged
            self.reading.ledger.aside.update(found)
            yield from self.fetch_routed(wanted)
            yield from held
            return
        logger.info(
            "the sitemaps list %d articles, %d that may be in the window: "
            "taking them, no list paging",
            len(progress.entries),
            len(found),
        )
        held.close()  # type: ignore[attr-defined]
        yield from self.fetch_routed(wanted)
