"""ExtractPipeline: turns each fetched article page into an ``ExtractedArticle``
and its fingerprint (``pipelines.fingerprint``), by which the archive matches
it against every article of every site and run when it stores it.

The site's learned boilerplate (``pipelines.site_boilerplate``) in force when
the crawl starts is read from the archive and given to extraction as data.
Extraction and fingerprinting are CPU work; they run in ``EXTRACT_WORKERS``
worker processes (by default the machine's cores, 1 to 4), spawned as pages
come, so a run with nothing new starts none; ``EXTRACT_WORKERS`` 0 runs them
in one thread of the crawl's process instead. On two cores, 2,000 articles
crawled at 2.03-2.14x the plain spider with two workers (445 MB peak) and at
1.83-1.91x in the thread (186 MB) (``benchmarks/throughput.py``). Whatever
extraction raises on a hostile page (or a worker that died on it) makes that
page a failed capture, kept raw, and the crawl goes on. The workers are ``pipelines.processes``'.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, ClassVar

from scrapy.crawler import Crawler
from sqlalchemy.exc import SQLAlchemyError

from crawler.items import CaptureItem, PageError, PageProblem
from crawler.run import run_keeper
from pipelines.page_extraction import extract_and_fingerprint
from pipelines.processes import process_pool
from storage.boilerplate import in_force

logger = logging.getLogger(__name__)
# a site's learned boilerplate lines in force
LinesOf = Callable[[str], frozenset[str]]


def default_workers() -> int:
    return max(1, min(4, (os.cpu_count() or 1)))


class ExtractPipeline:
    # the pool of this process, shared by its crawls (``scrapy daily`` runs several):
    # made when the first opens, shut down when the last closes
    pool: ClassVar[Executor | None] = None
    crawls: ClassVar[int] = 0

    def __init__(self, workers: int, lines_of: LinesOf | None = None) -> None:
        self.workers = workers
        self.lines_of = lines_of  # a site's learned boilerplate in force; None: none
        self.boilerplate: dict[str, frozenset[str]] = {}  # site -> its lines in force

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractPipeline:
        engine = run_keeper(crawler).archive.engine
        return cls(
            crawler.settings.getint("EXTRACT_WORKERS", default_workers()),
            lambda site: in_force(engine, site).lines,
        )

    def site_boilerplate(self, site: str) -> frozenset[str]:
        """The lines of ``site``'s boilerplate in force, read from the archive
        once a crawl (extraction itself never reads the archive)."""
        if site not in self.boilerplate:
            lines: frozenset[str] = frozenset()
            if self.lines_of is not None:
                try:
                    lines = self.lines_of(site)
                except SQLAlchemyError as exc:
                    logger.warning("%s: boilerplate not read, none taken out: %s", site, exc)
            self.boilerplate[site] = lines
        return self.boilerplate[site]

    def open_spider(self) -> None:
        if ExtractPipeline.pool is None:
            ExtractPipeline.pool = self._new_pool()
        ExtractPipeline.crawls += 1

    def _new_pool(self) -> Executor:
        if self.workers > 0:
            return process_pool(self.workers)
        return ThreadPoolExecutor(1, thread_name_prefix="extract")

    def close_spider(self) -> None:
        ExtractPipeline.crawls -= 1
        pool = ExtractPipeline.pool
        if ExtractPipeline.crawls == 0 and pool is not None:
            ExtractPipeline.pool = None
            pool.shutdown(wait=True, cancel_futures=True)

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, CaptureItem) or item.error is not None:
            return item
        loop = asyncio.get_running_loop()
        pool = ExtractPipeline.pool
        try:
            result = await loop.run_in_executor(
                pool,
                extract_and_fingerprint,
                item.body,
                item.headers.get("Content-Type"),
                item.url,
                item.family,
                self.site_boilerplate(item.site),
                item.site_layout,
            )
        except BrokenProcessPool:
            # a worker died (killed, out of memory): the pages it had fail, the rest go on
            if ExtractPipeline.pool is pool:
                ExtractPipeline.pool = self._new_pool()
                pool.shutdown(wait=False)
            result = PageError(PageProblem.EXTRACTION, "the extraction worker died")
        except Exception as exc:
            result = PageError(PageProblem.EXTRACTION, f"{type(exc).__name__}: {exc}")
        if isinstance(result, PageError):
            item.error = result
        else:
            item.article, item.fingerprint = result
        return item
