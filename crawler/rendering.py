"""Pages fetched through headless Chromium, for the sites whose sites.yaml entry
says ``render: browser`` (a site behind a bot check that a browser passes).

Only such crawls pay for it: :func:`use_browser` puts scrapy-playwright's
download handler into their settings alone (the Debian ``chromium``, launched
with the flags of a closed machine), and :func:`page_meta` sends their list
and article pages through it; robots.txt, feeds and sitemaps still come over
plain HTTP. The browser is given :data:`SETTLE_SECONDS` to get past a bot
check's reload (:func:`_settle`); :class:`BrowserDocumentMiddleware` then
gives the response the status and headers of the document the browser ended
on, so that a capture keeps what the browser received: the final HTML and
its response headers.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page
from playwright.async_api import Response as BrowserResponse
from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.http.headers import Headers
from scrapy_playwright.page import PageMethod

from crawler.sites import RENDER_BROWSER, SiteProfile
from pipelines.bot_checks import bot_check

__all__ = ["RENDER_BROWSER", "BrowserDocumentMiddleware", "page_meta", "use_browser"]

_HANDLER = "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler"
# a closed machine: no sandbox (containers), no GPU, nothing fetched behind the crawl's back
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
SETTLE_SECONDS = 15.0  # the longest a page is given to get past a bot check
_POLL_SECONDS = 1.0
# the request meta key of the document the browser ended on
_DOCUMENT = "newsarchive_browser_document"


@dataclass(frozen=True)
class BrowserDocument:
    """The response of the last document the browser loaded for a request."""

    url: str
    status: int
    headers: list[tuple[str, str]]


def use_browser(crawler: Crawler, profile: SiteProfile) -> None:
    """Fetch the pages of a crawl of ``profile`` through Chromium, when its
    sites.yaml entry says ``render: browser`` (before the settings are frozen)."""
    if profile.render != RENDER_BROWSER:
        return
    settings = crawler.settings
    settings.setdict(
        {
            "DOWNLOAD_HANDLERS": {"http": _HANDLER, "https": _HANDLER},
            "PLAYWRIGHT_BROWSER_TYPE": "chromium",
            "PLAYWRIGHT_LAUNCH_OPTIONS": {
                "executable_path": settings.get("CHROMIUM_PATH"),
                "headless": True,
                "args": list(CHROMIUM_FLAGS),
            },
        },
        priority="spider",
    )


def page_meta(profile: SiteProfile) -> dict[str, Any]:
    """The request meta of a list or article page of ``profile``'s site."""
    if profile.render != RENDER_BROWSER:
        return {}
    return {"playwright": True, "playwright_page_init_callback": _watch_documents}


async def _watch_documents(page: Page, request: Request) -> None:
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
        request.meta[_DOCUMENT] = BrowserDocument(final.url, final.status, pairs)


class BrowserDocumentMiddleware:
    """Gives a rendered page's response the status and headers of the document
    the browser ended on (not of the first one, a bot check's), without the
    content encoding its body, the rendered HTML, no longer has."""

    def process_response(self, request: Request, response: Response) -> Response:
        document: BrowserDocument | None = request.meta.pop(_DOCUMENT, None)
        if document is None:
            return response
        headers = Headers()
        for name, value in document.headers:
            if name.lower() != "content-encoding":
                headers.appendlist(name, value)
        return response.replace(url=document.url, status=document.status, headers=headers)
