"""ExtractPipeline on hostile input: whatever goes wrong on one page (a worker
process killed under it) fails that page only; the pages after it are
extracted by a fresh worker; the workers start only when pages queue up
for the crawl's extraction thread."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal

from crawler.archiving.extract_pipeline import ExtractPipeline
from crawler.archiving.frame_learning import extract_stored
from crawler.extraction_service import ExtractionService
from crawler.items import CaptureItem
from crawler.worker_processes import NICENESS, process_pool, stop_server
from pipelines.article_page import PageError, PageProblem
from sample_portal import SamplePortal
from storage.reextraction import StoredPage
from storage.types import now_seoul


def items(count: int) -> list[CaptureItem]:
    portal = SamplePortal(articles_per_site=count, per_page=5, sites=["newscms"])
    found = []
    for article in portal.articles("newscms")[:count]:
        _status, headers, body = portal.render(article.path)
        url = "http://127.0.0.1" + article.path
        found.append(
            CaptureItem("newscms", "newscms", url, url, 200, headers, body, now_seoul(), 1)
        )
    return found


def test_a_worker_that_dies_fails_its_page_and_the_next_pages_go_on() -> None:
    first, second, third = items(3)
    extraction = ExtractionService(workers=1, workers_from=0)  # the worker from the first page
    pipeline = ExtractPipeline(extraction)
    try:

        async def run() -> None:
            await pipeline.process_item(first)
            assert extraction.starter is not None
            extraction.starter.join()  # the worker is up
            for worker in multiprocessing.active_children():
                os.kill(worker.pid, signal.SIGKILL)  # type: ignore[arg-type]
            await pipeline.process_item(second)
            await pipeline.process_item(third)

        asyncio.run(run())
    finally:
        extraction.close()
    assert first.article is not None and first.error is None
    assert second.article is None and second.error == PageError(
        PageProblem.EXTRACTION, "the extraction worker died"
    )
    assert third.article is not None and third.error is None


def test_pages_read_again_start_no_workers() -> None:
    """The burst of pages read again once a run's frame is learned (a polite
    crawl's first pages) is no queue of pages: it starts no workers."""
    pages = items(6)
    extraction = ExtractionService(workers=1, workers_from=3)
    try:

        async def run() -> None:
            again = [extraction.extract(page, frozenset(), again=True) for page in pages]
            read = await asyncio.gather(*again)
            assert all(not isinstance(timed.found, PageError) for timed in read)
            assert extraction.starter is None and not multiprocessing.active_children()

        asyncio.run(run())
    finally:
        extraction.close()


def test_the_workers_start_only_when_pages_queue_up() -> None:
    pages = items(6)
    extraction = ExtractionService(workers=1, workers_from=3)
    pipeline = ExtractPipeline(extraction)
    try:

        async def run() -> None:
            for page in pages[:2]:  # one after the other: never two waiting
                await pipeline.process_item(page)
            assert extraction.pool is None and not multiprocessing.active_children()
            await asyncio.gather(*(pipeline.process_item(page) for page in pages[2:]))
            assert extraction.starter is not None
            extraction.starter.join()
            assert extraction.pool is not None

        asyncio.run(run())
    finally:
        extraction.close()
    assert extraction.pool is None
    assert all(page.article is not None and page.error is None for page in pages)


def test_archived_pages_are_extracted_again_when_a_worker_died_under_them() -> None:
    """The run's end extracts its first pages again in the crawl's workers: a
    worker killed before (out of memory) loses none of them."""
    pages = [
        StoredPage(
            n, page.url, "newscms", page.family, "text/html", page.body, "", None, None, "", ""
        )
        for n, page in enumerate(items(3))
    ]
    pool = process_pool(1)
    try:
        pool.submit(os.getpid).result()  # the worker is up
        for worker in multiprocessing.active_children():
            os.kill(worker.pid, signal.SIGKILL)  # type: ignore[arg-type]
        found = extract_stored(
            pages, pool, lambda _: frozenset(), lambda _: None, lambda _: frozenset()
        )
    finally:
        pool.shutdown(wait=True)
        stop_server()
    assert [type(result) for result in found] == [tuple] * 3


def test_the_workers_give_way_to_the_crawls_process() -> None:
    """The workers run ``NICENESS`` below the crawl's process, which feeds them."""
    pool = process_pool(1)
    try:
        assert pool.submit(os.nice, 0).result() == min(19, os.nice(0) + NICENESS)
    finally:
        pool.shutdown()
        stop_server()
