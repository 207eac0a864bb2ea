"""ArchivePipeline: sends each capture to its run's archive writer
(``crawler.writer``), which stores it, and its article when it is a new one
inside the crawl's window, in one transaction; links to articles already
archived become sightings (last seen now). The saved capture's outcome is
set on the item and counted in the run.

The writer and the counts are the run's, taken from the crawler
(``crawler.run_crawler``). A write that fails raises :class:`WriteFailed`,
on which the run keeper stops the crawl with a clear message, rather than
dropping pages silently.
"""

from __future__ import annotations

from scrapy.crawler import Crawler

from crawler.items import CaptureItem, SeenLinks
from crawler.run_crawler import run_crawler
from crawler.writer import ArchiveWriter
from storage.run_records import RunCounts


class ArchivePipeline:
    def __init__(self, writer: ArchiveWriter, counts: RunCounts) -> None:
        self.writer = writer
        self.counts = counts

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchivePipeline:
        crawl = run_crawler(crawler)
        return cls(crawl.writer, crawl.counts)

    async def process_item(self, item: CaptureItem | SeenLinks) -> CaptureItem | SeenLinks:
        if isinstance(item, SeenLinks):
            await self.writer.record_sightings(item.links, item.seen_at)
            return item
        item.outcome = await self.writer.save_page(item)
        self.counts.count(item.outcome, item.found_by)
        return item
