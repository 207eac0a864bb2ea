"""RequisitesPipeline: fetches the photos and files of each new article, the
links extraction found on its page (``pipelines.requisite_links``), of the
kinds its site's ``requisites:`` keeps, so that the archive pipeline stores
them with the article in one transaction.

Caps bound what one article costs: ``REQUISITE_MAX_BYTES`` a file,
``REQUISITE_MAX_ARTICLE_BYTES`` all of an article's (a file past them is
recorded, not kept). A URL fetched for an earlier article of the run, or
being fetched for another, is not fetched again: its outcome is reused, the
bytes of the latest ones held in memory up to ``REQUISITE_RUN_CACHE_BYTES``
(a shared emblem, a reporter's photo). One an earlier run stored is asked for conditionally
(``crawler.requisites``).
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from dataclasses import dataclass, replace
from typing import Any

from scrapy.crawler import Crawler
from sqlalchemy import Engine

from crawler.items import CaptureItem, FetchedRequisite
from crawler.job import Window
from crawler.requisites import RequisiteFetcher, unkept
from crawler.run_crawler import run_crawler
from pipelines.requisite_links import RequisiteLink
from storage.models import RequisiteStatus
from storage.requisites import KnownRequisite, known_requisites
from storage.types import now_seoul


@dataclass(frozen=True)
class RequisiteCaps:
    """The most bytes kept of one file, of one article's files, and held for reuse."""

    per_file: int
    per_article: int
    run_cache: int


class RequisitesPipeline:
    def __init__(
        self,
        fetcher: RequisiteFetcher,
        archive: Engine,
        caps: RequisiteCaps,
        window: Window | None = None,
    ) -> None:
        self.fetcher = fetcher
        self.archive = archive
        self.caps = caps
        self.window = window  # a backfill's: an article outside it is not kept, nor its files
        self.fetched: OrderedDict[str, FetchedRequisite] = OrderedDict()  # by URL, latest last
        # the fetches under way, by URL: an article that meets one waits for it
        self.fetching: dict[str, asyncio.Future[FetchedRequisite]] = {}
        self.cached_bytes = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RequisitesPipeline:
        crawl = run_crawler(crawler)
        settings = crawler.settings
        caps = RequisiteCaps(
            settings.getint("REQUISITE_MAX_BYTES"),
            settings.getint("REQUISITE_MAX_ARTICLE_BYTES"),
            settings.getint("REQUISITE_RUN_CACHE_BYTES"),
        )
        fetcher = RequisiteFetcher(crawler, crawl.extraction.read_attachment)
        return cls(fetcher, crawl.run.archive.engine, caps, crawl.run.job.window)

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, CaptureItem) or item.article is None or item.error is not None:
            return item
        published = item.article.published
        if self.window is not None and published and not self.window.contains(published):
            return item
        links = [link for link in item.article.requisites if link.kind in item.requisite_kinds]
        if not links:
            return item
        known = known_requisites(self.archive, [link.url for link in links])
        left = self.caps.per_article
        fetched = []
        for link in links:
            requisite = await self._requisite(link, item.site, left, known)
            if requisite.status is RequisiteStatus.STORED and requisite.size is not None:
                left -= requisite.size
            fetched.append(requisite)
        item.requisites = tuple(fetched)
        stats = self.fetcher.crawler.stats
        assert stats is not None
        for requisite in fetched:
            stats.inc_value(f"requisites/{requisite.status}")
        return item

    async def _requisite(
        self, link: RequisiteLink, site: str, left: int, known: dict[str, KnownRequisite]
    ) -> FetchedRequisite:
        """``link``'s outcome: the run's earlier one, else a fetch within ``left`` bytes."""
        earlier = self.fetched.get(link.url)
        if earlier is None and link.url in self.fetching:  # another article's fetch of it
            earlier = await asyncio.shield(self.fetching[link.url])
            earlier = None if earlier.status is RequisiteStatus.TOO_LARGE else earlier
        if earlier is not None:
            if link.url in self.fetched:
                self.fetched.move_to_end(link.url)
            return replace(earlier, caption=link.caption)
        if left <= 0:
            reason = f"the article's files passed its cap of {self.caps.per_article} bytes"
            return unkept(link, RequisiteStatus.TOO_LARGE, reason, now_seoul())
        fetching = asyncio.get_running_loop().create_future()
        self.fetching[link.url] = fetching
        try:
            requisite = await self.fetcher.fetch(
                link, site, known.get(link.url), min(self.caps.per_file, left)
            )
        finally:
            del self.fetching[link.url]
        fetching.set_result(requisite)
        if requisite.status is not RequisiteStatus.TOO_LARGE:  # another article may have room
            self._hold(requisite)
        return requisite

    def _hold(self, requisite: FetchedRequisite) -> None:
        """Keep ``requisite``'s outcome for the run's later articles, with the
        bytes it brought (their article may yet prove a copy, whose requisites
        are not stored): while the latest held fit the cache, the oldest let go.
        One whose bytes do not fit is fetched again when met again."""
        size = len(requisite.body or b"")
        if size > self.caps.run_cache:
            return
        self.fetched[requisite.url] = requisite
        self.cached_bytes += size
        while self.cached_bytes > self.caps.run_cache:
            _, oldest = self.fetched.popitem(last=False)
            self.cached_bytes -= len(oldest.body or b"")
