"""The extraction service of a crawl process: one per process, shared by its
crawls (``scrapy daily`` runs several), made and closed by the crawl
lifecycle (``crawler.crawl_lifecycle``).

Extraction and fingerprinting, reading an attachment's text and learning a
site's frame from a run's first pages are CPU work. They run in one thread
of the process until ``WORKERS_FROM`` pages wait for it, then in
``EXTRACT_WORKERS`` worker processes (by default the machine's cores, 1 to
4; ``crawler.worker_processes``), which import only the page room;
``EXTRACT_WORKERS`` 0 keeps the thread. The workers are started by a thread
of their own, the thread extracting the pages until they are up: the reactor
never waits for them. A polite crawl, whose pages come one by one, never
starts them. A worker that dies (killed, out of memory) fails the pages it
had, and new workers take the next ones.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from crawler.items import CaptureItem
from crawler.worker_processes import process_pool, started_pool, stop_server
from pipelines.article_page import PageError, PageProblem, TimedPage, timed_extract_and_fingerprint
from pipelines.attachment_text import AttachmentReading, attachment_kind, read_attachment
from pipelines.site_frame import learn_from_pages

logger = logging.getLogger(__name__)
RawPage = tuple[bytes, str | None]  # a page's body and content type
Done = TypeVar("Done")  # what a function run in the thread or the workers gives
# the worker processes start once this many pages wait for the thread
WORKERS_FROM = 8


def default_workers() -> int:
    """Worker processes when ``EXTRACT_WORKERS`` is not set: the machine's cores, 1 to 4."""
    return max(1, min(4, (os.cpu_count() or 1)))


class ExtractionService:
    """The thread that extracts until pages queue up, then the worker processes."""

    def __init__(self, workers: int, workers_from: int = WORKERS_FROM) -> None:
        self.workers = workers
        self.workers_from = workers_from
        self.thread = ThreadPoolExecutor(1, thread_name_prefix="extract")
        self.pool: Executor | None = None  # set by the starter once the workers are up
        self.starter: threading.Thread | None = None
        self.waiting = 0  # pages sent to the thread, not back yet

    def _executor(self) -> Executor:
        """The worker processes once they are up; before, the thread (once
        ``workers_from`` pages wait for it, the workers are started)."""
        if self.starter is None and self.workers > 0 and self.waiting >= self.workers_from:
            self.starter = threading.Thread(target=self._start_workers, name="start-workers")
            self.starter.start()
        return self.pool if self.pool is not None else self.thread

    def _start_workers(self) -> None:
        try:
            self.pool = started_pool(self.workers)
        except Exception as exc:  # no process could be forked: the thread goes on
            logger.warning("extraction workers did not start (%s): extracting in one thread", exc)

    async def extract(
        self,
        item: CaptureItem,
        boilerplate: frozenset[str],
        frame: frozenset[str] = frozenset(),
        again: bool = False,
    ) -> TimedPage:
        """The captured page's article and fingerprint, without the blocks of
        the site's ``frame`` and its ``boilerplate`` lines, or why it has none
        (whatever extraction raised on a hostile page, or the worker died on it),
        with the CPU seconds each took. A page read ``again`` (its run's frame
        learned since it was read) is not counted as waiting: the burst of
        the pages the frame was learned from starts no workers."""
        try:
            return await self._run(
                timed_extract_and_fingerprint,
                item.body,
                item.headers.get("Content-Type"),
                item.url,
                item.family,
                boilerplate,
                item.site_layout,
                tuple(
                    (page.body, page.headers.get("Content-Type"), page.url)
                    for page in item.continued
                ),
                frame,
                bool(item.requisite_kinds),
                counted=not again,
            )
        except BrokenProcessPool:
            return TimedPage(PageError(PageProblem.EXTRACTION, "the extraction worker died"))
        except Exception as exc:
            return TimedPage(PageError(PageProblem.EXTRACTION, f"{type(exc).__name__}: {exc}"))

    async def read_attachment(
        self, data: bytes, name: str | None, content_type: str | None
    ) -> AttachmentReading:
        """An attachment's kind and text, or why it has none, read where pages
        are extracted, with the page's input cap (``pipelines.attachment_text``)."""
        try:
            return await self._run(read_attachment, data, name, content_type)
        except BrokenProcessPool:
            return AttachmentReading(attachment_kind(data[:4096], name), None, "its reader died")

    async def learn_frame(self, pages: list[RawPage]) -> tuple[frozenset[str], int]:
        """A site's frame learned from its article pages (body, content type)
        where pages are extracted, and how many it learned from
        (``pipelines.site_frame.learn_from_pages``); raises what learning raised."""
        return await self._run(learn_from_pages, pages)

    async def _run(
        self, function: Callable[..., Done], *arguments: Any, counted: bool = True
    ) -> Done:
        """``function(*arguments)`` in the thread or the workers (see
        :meth:`_executor`; when ``counted``, a call in the thread counts as a
        page waiting for it); a worker's death (``BrokenProcessPool``)
        replaces the workers before it is raised."""
        executor = self._executor()
        waits = counted and executor is self.thread
        self.waiting += waits
        try:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(executor, function, *arguments)
        except BrokenProcessPool:
            if self.pool is executor:
                self.pool = process_pool(self.workers)
                executor.shutdown(wait=False)
            raise
        finally:
            self.waiting -= waits

    def close(self) -> None:
        """Stop the thread and the workers, dropping pages not started."""
        if self.starter is not None:
            self.starter.join()
        for executor in (self.thread, self.pool):
            if executor is not None:
                executor.shutdown(wait=True, cancel_futures=True)
        if self.pool is not None:
            stop_server()
        self.pool = None
