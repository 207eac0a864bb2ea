"""What the browser does with a page of a ``render: browser`` site before its
HTML is taken (scrapy-playwright calls :func:`watch_documents` as the page's
init callback, named in ``crawler.rendering.page_meta``): it keeps the
documents the page loads, then waits until the page is no bot check (the
check's script reloaded it) or :data:`SETTLE_SECONDS` passed, and leaves the
last document's response on the request for ``BrowserDocumentMiddleware``."""

from __future__ import annotations

import asyncio

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page
from playwright.async_api import Response as BrowserResponse
from scrapy import Request
from scrapy_playwright.page import PageMethod

from crawler.rendering import BROWSER_DOCUMENT, BrowserDocument
from pipelines.bot_checks import bot_check

SETTLE_SECONDS = 15.0  # the longest a page is given to get past a bot check
_POLL_SECONDS = 1.0


async def watch_documents(page: Page, request: Request) -> None:
    """Before the page is opened: keep the documents it loads, and settle it after."""
    documents: list[BrowserResponse] = []

    def loaded(response: BrowserResponse) -> None:
        if response.request.is_navigation_request() and response.frame == page.main_frame:
            documents.append(response)

    page.on("response", loaded)
    request.meta["playwright_page_methods"] = [PageMethod(_settle, request, documents)]


async def _settle(page: Page, request: Request, documents: list[BrowserResponse]) -> None:
    """Wait until the page is no bot check (its script reloaded it) or
    :data:`SETTLE_SECONDS` passed; keep the last document's response."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + SETTLE_SECONDS
    while loop.time() < deadline:
        try:
            if bot_check(await page.content()) is None:
                break
        except PlaywrightError:
            pass  # the page is navigating: its content comes with the next load
        try:
            await page.wait_for_event("load", timeout=_POLL_SECONDS * 1000)
        except PlaywrightError:
            continue  # no load yet: look again
    if documents:
        final = documents[-1]
        pairs = [(header["name"], header["value"]) for header in await final.headers_array()]
        request.meta[BROWSER_DOCUMENT] = BrowserDocument(final.url, final.status, pairs)
