"""Pages fetched through headless Chromium, for the sites whose sites.yaml entry
says ``render: browser`` (a site behind a bot check that a browser passes).

Only such crawls pay for it: :func:`use_browser` puts scrapy-playwright's
download handler into their settings alone (the Debian ``chromium``, launched
with the flags of a closed machine), and :func:`page_meta` sends their list
and article pages through it; robots.txt, feeds and sitemaps still come over
plain HTTP. The browser is given time to get past a bot check's reload
(:mod:`crawler.browser_pages`, which alone imports Playwright);
:class:`BrowserDocumentMiddleware` then gives the response the status and
headers of the document the browser ended on, so that a capture keeps what
the browser received: the final HTML and its response headers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.http.headers import Headers

from crawler.sites import RENDER_BROWSER, SiteProfile

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
# the request meta key of the document the browser ended on (crawler.browser_pages)
BROWSER_DOCUMENT = "newsarchive_browser_document"
# named, not imported: Playwright is loaded by the crawls that render alone
_PAGE_INIT = "crawler.browser_pages.watch_documents"


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
    return {"playwright": True, "playwright_page_init_callback": _PAGE_INIT}


class BrowserDocumentMiddleware:
    """Gives a rendered page's response the status and headers of the document
    the browser ended on (not of the first one, a bot check's), without the
    content encoding its body, the rendered HTML, no longer has."""

    def process_response(self, request: Request, response: Response) -> Response:
        document: BrowserDocument | None = request.meta.pop(BROWSER_DOCUMENT, None)
        if document is None:
            return response
        headers = Headers()
        for name, value in document.headers:
            if name.lower() != "content-encoding":
                headers.appendlist(name, value)
        return response.replace(url=document.url, status=document.status, headers=headers)
