"""ExtractPipeline: turns each fetched article page into an ``ExtractedArticle``
and its fingerprint (``pipelines.fingerprint``), by which the archive matches
it against every article of every site and run when it stores it.

Extraction and fingerprinting are CPU work; it runs in a pool of worker processes
(``EXTRACT_WORKERS``, 0 to run it in a thread) so that Scrapy's reactor keeps
fetching while pages are parsed. Whatever extraction raises on a hostile
page (or a worker that died on it) makes that page a failed capture, kept
raw, and the crawl goes on. The workers are ``pipelines.processes``'.
"""

from __future__ import annotations

import asyncio
import os
from concurrent.futures import Executor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from scrapy.crawler import Crawler

from crawler.families import ArticleLayout
from crawler.items import CaptureItem
from pipelines.decoding import Undecodable
from pipelines.extraction import ExtractedArticle, NotAnArticle, extract_article
from pipelines.fingerprint import Fingerprint, fingerprint
from pipelines.processes import process_pool


def extract_or_reason(
    body: bytes,
    content_type: str | None,
    url: str,
    family: str | None,
    site_layout: ArticleLayout | None = None,
) -> ExtractedArticle | str:
    """Run in a worker: the article, or why the page is not one (``not an
    article: ...``) or cannot be read (``undecodable: ...``)."""
    try:
        return extract_article(body, content_type, url, family, site_layout=site_layout)
    except NotAnArticle as exc:
        return f"not an article: {exc}"
    except Undecodable as exc:
        return f"undecodable: {exc}"


def extract_and_fingerprint(
    body: bytes,
    content_type: str | None,
    url: str,
    family: str | None,
    site_layout: ArticleLayout | None = None,
) -> tuple[ExtractedArticle, Fingerprint] | str:
    """Run in a worker: the article and its fingerprint (the normalized-body
    hash and MinHash the archive deduplicates by), or why there is none.
    Fingerprinting is CPU work too: here it runs beside extraction, in the
    workers, not in the crawl's own process."""
    result = extract_or_reason(body, content_type, url, family, site_layout)
    if isinstance(result, str):
        return result
    return result, fingerprint(result.title, result.body)


def default_workers() -> int:
    return max(1, min(4, (os.cpu_count() or 1)))


class ExtractPipeline:
    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.pool: Executor | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractPipeline:
        return cls(crawler.settings.getint("EXTRACT_WORKERS", default_workers()))

    def open_spider(self) -> None:
        self.pool = self._new_pool()

    def _new_pool(self) -> Executor:
        if self.workers > 0:
            return process_pool(self.workers)
        return ThreadPoolExecutor(1, thread_name_prefix="extract")

    def close_spider(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, CaptureItem) or item.error is not None:
            return item
        loop = asyncio.get_running_loop()
        pool = self.pool
        try:
            result = await loop.run_in_executor(
                pool,
                extract_and_fingerprint,
                item.body,
                item.headers.get("Content-Type"),
                item.url,
                item.family,
                item.site_layout,
            )
        except BrokenProcessPool:
            # a worker died (killed, out of memory): the pages it had fail, the rest go on
            if self.pool is pool:
                self.pool = self._new_pool()
                pool.shutdown(wait=False)
            result = "extraction failed: the extraction worker died"
        except Exception as exc:
            result = f"extraction failed: {type(exc).__name__}: {exc}"
        if isinstance(result, str):
            item.error = result
        else:
            item.article, item.fingerprint = result
        return item
