"""ExtractPipeline: turns each fetched article page into an ``ExtractedArticle``
and its fingerprint (``pipelines.fingerprint``), by which the archive matches
it against every article of every site and run when it stores it.

The site's learned frame (``crawler.archiving.frame_learning``) and boilerplate
(``crawler.archiving.boilerplate_learning``) in force when the crawl starts
are read from the archive and given to extraction as data; a frame still
being learned is learned from the run's first pages and given to the rest
(``run_frame.RunFrame``; the run's end records it, ``frames_taught``; the
pages it is learned from are read again with it at once),
each article page's URL noted in the run's ``read_with`` with the blocks it
was extracted without. The extraction
itself is the process's extraction service (``crawler.extraction_service``),
which the pipeline takes from its crawler. Whatever goes wrong on a hostile
page makes that page a failed capture, kept raw, and the crawl goes on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector
from sqlalchemy.exc import SQLAlchemyError

from crawler.archiving.run_frame import RunFrame
from crawler.extraction_service import ExtractionService
from crawler.items import CaptureItem
from crawler.run_crawler import run_crawler
from pipelines.article_page import PageError, TimedPage
from storage import site_frames
from storage.site_boilerplate import in_force
from storage.site_frames import Frame

logger = logging.getLogger(__name__)
# a site's learned boilerplate lines, or frame blocks, in force
LinesOf = Callable[[str], frozenset[str]]
FrameOf = Callable[[str], Frame]  # a site's learned frame in force
# the crawl's stats of the CPU seconds its pages' extraction and fingerprints took
EXTRACTION_CPU = "cpu_seconds/extraction"
FINGERPRINT_CPU = "cpu_seconds/fingerprint"


class ExtractPipeline:
    def __init__(
        self,
        extraction: ExtractionService,
        lines_of: LinesOf | None = None,
        frame_of: FrameOf | None = None,
        read_with: dict[str, frozenset[str]] | None = None,
        stats: StatsCollector | None = None,
        taught: dict[str, Frame] | None = None,
        boilerplate: dict[str, frozenset[str]] | None = None,
    ) -> None:
        self.extraction = extraction
        self.stats = stats  # takes the CPU seconds of extraction and fingerprints
        self.lines_of = lines_of  # a site's learned boilerplate in force; None: none
        self.frame_of = frame_of  # a site's learned frame in force; None: none
        # site -> its lines in force (grown as the run learns: run_boilerplate)
        self.boilerplate = boilerplate if boilerplate is not None else {}
        self.frames: dict[str, RunFrame] = {}  # site -> the frame its pages are read with
        # article page URL -> the frame blocks it was extracted without
        self.read_with = read_with if read_with is not None else {}
        # site -> the frame the run's first pages taught it, recorded at the run's end
        self.taught = taught if taught is not None else {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractPipeline:
        crawl = run_crawler(crawler)
        engine = crawl.run.archive.engine
        return cls(
            crawl.extraction,
            lambda site: in_force(engine, site).lines,
            lambda site: site_frames.in_force(engine, site),
            crawl.read_with,
            crawler.stats,
            crawl.frames_taught,
            crawl.boilerplate,
        )

    def site_boilerplate(self, site: str) -> frozenset[str]:
        """The lines of ``site``'s boilerplate in force, read from the archive
        once a crawl (extraction itself never reads the archive), or as the
        run learned them since (``crawler.archiving.run_boilerplate``)."""
        return _read_once(self.boilerplate, site, self.lines_of, "boilerplate")

    def site_frame(self, site: str) -> RunFrame:
        """The frame ``site``'s pages are read with: the one in force, read from
        the archive once a crawl, unless the run learns it."""
        if site not in self.frames:
            found = Frame(0, frozenset())
            if self.frame_of is not None:
                try:
                    found = self.frame_of(site)
                except SQLAlchemyError as exc:
                    logger.warning("%s: frame not read, none taken out: %s", site, exc)
            self.frames[site] = RunFrame(found)
        return self.frames[site]

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, CaptureItem) or item.error is not None or item.status == 304:
            return item  # a revisit answered 304 Not Modified costs no extraction
        frame = self.site_frame(item.site)
        blocks, learning = await frame.blocks_to_read()
        page = None  # the article page the run's frame learns from
        try:
            found = await self._read(item, blocks)
            if isinstance(found, PageError):
                item.error = found
            else:
                page = (item.body, item.headers.get("Content-Type"))
        finally:
            if learning:
                await frame.read(page, self.extraction.learn_frame)
                if frame.taught is not None:
                    self.taught[item.site] = frame.taught
        # a page the frame learns from, read without it, is read again with it
        # (the first reading kept if the second fails: the run's end tries again)
        if page is not None and learning and await frame.settled() and frame.blocks != blocks:
            await self._read(item, frame.blocks, again=True)
        return item

    async def _read(
        self, item: CaptureItem, blocks: frozenset[str], again: bool = False
    ) -> TimedPage | PageError:
        """Extract ``item``'s article (``again``: once more) without the frame
        ``blocks`` and its site's boilerplate; an article found is the item's,
        noted as read without them."""
        lines = self.site_boilerplate(item.site)
        timed = await self.extraction.extract(item, lines, blocks, again)
        if self.stats is not None:
            self.stats.inc_value(EXTRACTION_CPU, timed.extraction_seconds)
            self.stats.inc_value(FINGERPRINT_CPU, timed.fingerprint_seconds)
        if isinstance(timed.found, PageError):
            return timed.found
        item.article, item.fingerprint = timed.found
        item.extracted_without = lines
        self.read_with[item.url] = blocks
        return timed


def _read_once(
    known: dict[str, frozenset[str]], site: str, read: LinesOf | None, what: str
) -> frozenset[str]:
    """``site``'s entry of ``known``, read by ``read`` the first time (none
    when the archive cannot say: nothing is taken out)."""
    if site not in known:
        found: frozenset[str] = frozenset()
        if read is not None:
            try:
                found = read(site)
            except SQLAlchemyError as exc:
                logger.warning("%s: %s not read, none taken out: %s", site, what, exc)
        known[site] = found
    return known[site]
