"""ArchivePipeline: sends each capture to its run's archive writer
(``crawler.writer``), which stores it, and its article when it is a new one
inside the crawl's window, in one transaction; links to articles already
archived become sightings (last seen now); a revisit of an archived article
is stored with what it found (``ArchiveWriter.save_revisit``). The saved capture's outcome is
set on the item and counted in the run; a bot check met in place of an
article is told to the run. A long run learns its site's boilerplate as it
goes (``crawler.archiving.run_boilerplate``): an article waits for it, and
loses its lines, before it is stored.

The writer and the counts are the run's, taken from the crawler
(``crawler.run_crawler``). A write that fails raises :class:`WriteFailed`,
on which the run keeper stops the crawl with a clear message, rather than
dropping pages silently.
"""

from __future__ import annotations

from scrapy.crawler import Crawler
from scrapy.signalmanager import SignalManager

from crawler import signals as portal_signals
from crawler.archiving.run_boilerplate import LEARN_AFTER, RunBoilerplate
from crawler.items import CaptureItem, SeenLinks
from crawler.run_crawler import run_crawler
from crawler.writer import ArchiveWriter
from pipelines.article_page import PageProblem
from storage.run_records import RunCounts


class ArchivePipeline:
    def __init__(
        self,
        writer: ArchiveWriter,
        counts: RunCounts,
        signals: SignalManager,
        boilerplate: RunBoilerplate | None = None,
    ) -> None:
        self.writer = writer
        self.counts = counts
        self.signals = signals
        self.boilerplate = boilerplate

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchivePipeline:
        crawl = run_crawler(crawler)
        after = crawler.settings.getint("BOILERPLATE_LEARN_AFTER", LEARN_AFTER)
        boilerplate = RunBoilerplate(crawl.writer, crawl.boilerplate, after)
        return cls(crawl.writer, crawl.counts, crawler.signals, boilerplate)

    async def process_item(self, item: CaptureItem | SeenLinks) -> CaptureItem | SeenLinks:
        if isinstance(item, SeenLinks):
            await self.writer.record_sightings(item.links, item.seen_at)
            return item
        if self.boilerplate is not None:
            await self.boilerplate.ready(item)
        if item.revisit is not None:
            self.counts.count_revisit(await self.writer.save_revisit(item))
            return item
        item.outcome = await self.writer.save_page(item)
        self.counts.count(item.outcome, item.found_by)
        if self.boilerplate is not None:
            await self.boilerplate.stored(item)
        if item.error is not None and item.error.problem is PageProblem.BOT_CHECK:
            self.signals.send_catch_log(
                portal_signals.bot_check_met, url=item.url, check=item.error.detail
            )
        return item
