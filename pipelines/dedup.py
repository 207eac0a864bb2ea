"""DedupPipeline: fingerprints each extracted article so that the archive
stores each story once.

It runs between extraction and the archive. For every article it computes,
off the reactor thread, the normalized-body hash, the MinHash signature over
character shingles and its LSH band keys (``pipelines.fingerprint``). The
archive matches them, in the transaction that stores the page, against every
article of every site and run (``storage.archive``): the index is the
archive's own ``minhash_bands`` table, so it survives restarts, needs no
rebuild and is shared by crawls running side by side.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from scrapy.crawler import Crawler

from crawler.items import CaptureItem
from pipelines.fingerprint import fingerprint


class DedupPipeline:
    def __init__(self) -> None:
        self.worker = ThreadPoolExecutor(1, thread_name_prefix="fingerprint")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DedupPipeline:
        return cls()

    async def process_item(self, item: Any) -> Any:
        if isinstance(item, CaptureItem) and item.article is not None and item.error is None:
            article = item.article
            loop = asyncio.get_running_loop()
            item.fingerprint = await loop.run_in_executor(
                self.worker, fingerprint, article.title, article.body
            )
        return item

    def close_spider(self) -> None:
        self.worker.shutdown(wait=True)
