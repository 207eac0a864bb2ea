"""ExtractPipeline: turns each fetched article page into an ``ExtractedArticle``
and its fingerprint (``pipelines.fingerprint``), by which the archive matches
it against every article of every site and run when it stores it.

The site's learned frame (``crawler.archiving.frame_learning``) and boilerplate
(``crawler.archiving.boilerplate_learning``) in force when the crawl starts
are read from the archive and given to extraction as data. The extraction
itself is the process's extraction service (``crawler.extraction_service``),
which the pipeline takes from its crawler. Whatever goes wrong on a hostile
page makes that page a failed capture, kept raw, and the crawl goes on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from scrapy.crawler import Crawler
from sqlalchemy.exc import SQLAlchemyError

from crawler.extraction_service import ExtractionService
from crawler.items import CaptureItem
from crawler.run_crawler import run_crawler
from pipelines.article_page import PageError
from storage import site_frames
from storage.site_boilerplate import in_force

logger = logging.getLogger(__name__)
# a site's learned boilerplate lines, or frame blocks, in force
LinesOf = Callable[[str], frozenset[str]]


class ExtractPipeline:
    def __init__(
        self,
        extraction: ExtractionService,
        lines_of: LinesOf | None = None,
        blocks_of: LinesOf | None = None,
    ) -> None:
        self.extraction = extraction
        self.lines_of = lines_of  # a site's learned boilerplate in force; None: none
        self.blocks_of = blocks_of  # a site's learned frame in force; None: none
        self.boilerplate: dict[str, frozenset[str]] = {}  # site -> its lines in force
        self.frames: dict[str, frozenset[str]] = {}  # site -> its frame's blocks in force

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractPipeline:
        crawl = run_crawler(crawler)
        engine = crawl.run.archive.engine
        return cls(
            crawl.extraction,
            lambda site: in_force(engine, site).lines,
            lambda site: site_frames.in_force(engine, site).blocks,
        )

    def site_boilerplate(self, site: str) -> frozenset[str]:
        """The lines of ``site``'s boilerplate in force, read from the archive
        once a crawl (extraction itself never reads the archive)."""
        return _read_once(self.boilerplate, site, self.lines_of, "boilerplate")

    def site_frame(self, site: str) -> frozenset[str]:
        """The blocks of ``site``'s frame in force, read from the archive once a crawl."""
        return _read_once(self.frames, site, self.blocks_of, "frame")

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, CaptureItem) or item.error is not None or item.status == 304:
            return item  # a revisit answered 304 Not Modified costs no extraction
        result = await self.extraction.extract(
            item, self.site_boilerplate(item.site), self.site_frame(item.site)
        )
        if isinstance(result, PageError):
            item.error = result
        else:
            item.article, item.fingerprint = result
        return item


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
