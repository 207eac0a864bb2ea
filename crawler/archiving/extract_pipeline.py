"""ExtractPipeline: turns each fetched article page into an ``ExtractedArticle``
and its fingerprint (``pipelines.fingerprint``), by which the archive matches
it against every article of every site and run when it stores it.

The site's learned boilerplate (``crawler.archiving.boilerplate_learning``) in force when
the crawl starts is read from the archive and given to extraction as data.
Extraction and fingerprinting are CPU work. They run in one thread of the
crawl's process until ``WORKERS_FROM`` pages wait for it, then in
``EXTRACT_WORKERS`` worker processes (by default the machine's cores, 1 to 4;
``crawler.archiving.worker_processes``); ``EXTRACT_WORKERS`` 0 keeps the thread. A polite
crawl, whose pages come one by one, never starts them: a first crawl of 30
articles cost 1.8-1.9 s of CPU against 2.5-3.3 s with the workers started at
once. Delays off, they start at once: on two cores, 2,000 articles of one site
crawled at 2.03-2.14x the plain spider with two workers (445 MB peak) and at
1.83-1.91x in the thread (186 MB) (``benchmarks/throughput.py``). The thread
and the workers are shared by the crawls of a process (``scrapy daily``, whose
default is the thread). Whatever extraction raises on a hostile page (or a
worker that died on it) makes that page a failed capture, kept raw, and the
crawl goes on.
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

from crawler.archiving.worker_processes import process_pool
from crawler.items import CaptureItem
from crawler.run import run_keeper
from pipelines.article_page import PageError, PageProblem, extract_and_fingerprint
from storage.boilerplate import in_force

logger = logging.getLogger(__name__)
# the worker processes start once this many pages wait for the thread
WORKERS_FROM = 8
# a site's learned boilerplate lines in force
LinesOf = Callable[[str], frozenset[str]]


def default_workers() -> int:
    return max(1, min(4, (os.cpu_count() or 1)))


class ExtractPipeline:
    # shared by the crawls of this process (``scrapy daily`` runs several): the
    # thread extracting until pages queue up, then the worker processes
    thread: ClassVar[Executor | None] = None
    pool: ClassVar[Executor | None] = None
    crawls: ClassVar[int] = 0
    waiting: ClassVar[int] = 0  # pages sent to the thread, not back yet

    def __init__(
        self, workers: int, lines_of: LinesOf | None = None, workers_from: int = WORKERS_FROM
    ) -> None:
        self.workers = workers
        self.workers_from = workers_from
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
        if ExtractPipeline.thread is None:
            ExtractPipeline.thread = ThreadPoolExecutor(1, thread_name_prefix="extract")
        ExtractPipeline.crawls += 1

    def close_spider(self) -> None:
        ExtractPipeline.crawls -= 1
        if ExtractPipeline.crawls:
            return
        for executor in (ExtractPipeline.thread, ExtractPipeline.pool):
            if executor is not None:
                executor.shutdown(wait=True, cancel_futures=True)
        ExtractPipeline.thread = ExtractPipeline.pool = None

    def _executor(self) -> Executor:
        """The worker processes once started; before, the thread, unless
        ``WORKERS_FROM`` pages are waiting for it: then the workers start."""
        busy = ExtractPipeline.waiting >= self.workers_from
        if ExtractPipeline.pool is None and self.workers > 0 and busy:
            ExtractPipeline.pool = process_pool(self.workers)
        if ExtractPipeline.pool is not None:
            return ExtractPipeline.pool
        assert ExtractPipeline.thread is not None
        return ExtractPipeline.thread

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, CaptureItem) or item.error is not None:
            return item
        loop = asyncio.get_running_loop()
        executor = self._executor()
        in_thread = executor is ExtractPipeline.thread
        ExtractPipeline.waiting += in_thread
        try:
            result = await loop.run_in_executor(
                executor,
                extract_and_fingerprint,
                item.body,
                item.headers.get("Content-Type"),
                item.url,
                item.family,
                self.site_boilerplate(item.site),
                item.site_layout,
                tuple(
                    (page.body, page.headers.get("Content-Type"), page.url)
                    for page in item.continued
                ),
            )
        except BrokenProcessPool:
            # a worker died (killed, out of memory): the pages it had fail, the rest go on
            if ExtractPipeline.pool is executor:
                ExtractPipeline.pool = process_pool(self.workers)
                executor.shutdown(wait=False)
            result = PageError(PageProblem.EXTRACTION, "the extraction worker died")
        except Exception as exc:
            result = PageError(PageProblem.EXTRACTION, f"{type(exc).__name__}: {exc}")
        finally:
            ExtractPipeline.waiting -= in_thread
        if isinstance(result, PageError):
            item.error = result
        else:
            item.article, item.fingerprint = result
        return item
