"""ArchivePipeline: sends each capture to the crawl's archive writer
(``crawler.writer``), which stores it, and its article when it is a new one
inside the crawl's window, in one transaction; links to articles already
archived become sightings (last seen now). The saved capture's outcome is
set on the item and counted in the run; a bot check met in place of an
article is told to the run.

The writer and the run belong to the run keeper (``crawler.run``). A write
that fails stops the crawl through it, with a clear message, rather than
dropping pages silently.
"""

from __future__ import annotations

from scrapy.crawler import Crawler

from crawler import writer
from crawler.items import CaptureItem, SeenLinks
from crawler.run import RunKeeper, run_keeper, write_failure
from pipelines.article_page import PageProblem


class ArchivePipeline:
    def __init__(self, run: RunKeeper) -> None:
        self.run = run

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchivePipeline:
        return cls(run_keeper(crawler))

    async def process_item(self, item: CaptureItem | SeenLinks) -> CaptureItem | SeenLinks:
        try:
            if isinstance(item, SeenLinks):
                await self.run.call(writer.record_sightings, item.links, item.seen_at)
                return item
            item.outcome = await self.run.call(writer.save_page, item)
        except writer.WriteFailed as exc:
            self.run.stop(f"cannot write to the archive: {write_failure(exc)}")
            raise
        self.run.count(item.outcome, item.found_by)
        if item.error is not None and item.error.problem is PageProblem.BOT_CHECK:
            self.run.bot_check_met(item.url, item.error.detail)
        return item
