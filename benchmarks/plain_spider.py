"""The baseline for ``throughput.py``: the spider one writes first — walk the
list pages, call ``trafilatura.extract`` in the callback, insert a row.

Run by ``throughput.py`` as ``scrapy runspider benchmarks/plain_spider.py
-a list_url=... -a db=PATH``; not part of newsarchive.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Any

import scrapy
import trafilatura
from scrapy.http import Response


class PlainSpider(scrapy.Spider):
    name = "plain"
    # runs inside the project: none of our pipelines, nor the run keeper
    custom_settings = {"ITEM_PIPELINES": {}, "EXTENSIONS": {"crawler.run_keeper.RunKeeper": None}}

    def __init__(self, list_url: str, db: str, article_css: str, **kw: Any) -> None:
        super().__init__(**kw)
        self.list_url = list_url
        self.article_css = article_css
        self.db = sqlite3.connect(db)
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS article (url TEXT PRIMARY KEY, title TEXT, "
            "date TEXT, body TEXT, html BLOB)"
        )

    async def start(self) -> Iterator[scrapy.Request]:
        yield scrapy.Request(self.list_url.format(page=1), cb_kwargs={"page": 1})

    def parse(self, response: Response, page: int) -> Iterator[scrapy.Request]:
        links = response.css(self.article_css).getall()
        for href in links:
            yield response.follow(href, callback=self.parse_article)
        if links:
            yield scrapy.Request(self.list_url.format(page=page + 1), cb_kwargs={"page": page + 1})

    def parse_article(self, response: Response) -> None:
        document = trafilatura.bare_extraction(response.text, url=response.url, with_metadata=True)
        if document is None:
            return
        self.db.execute(
            "INSERT OR IGNORE INTO article VALUES (?, ?, ?, ?, ?)",
            (response.url, document.title, document.date, document.text, response.body),
        )
        self.db.commit()
