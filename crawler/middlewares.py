"""Downloader middlewares: retries spaced out by exponential backoff (honouring
``Retry-After``; a page that timed out while it was sending is tried once
more at most), the site scope applied to every request, redirects included,
redirect chains that end at the first URL met twice, and the exchange of
each fetch kept as received.

All are wired in ``crawler/settings.py``; the backoff waits without blocking
the reactor (other downloads go on meanwhile).

``ExchangeMiddleware`` sits between ``RedirectMiddleware`` (600) and
``HttpCompressionMiddleware`` (590): it sees the final response of a fetch
(redirects followed) while its body is still gzip, deflate or br, and keeps
it on the request's ``meta`` for the spider. The size limit of
``HttpCompressionMiddleware`` still holds on the decoded body, so a gzip bomb
is refused as before.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urldefrag, urlsplit

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.redirect import RedirectMiddleware
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import DownloadTimeoutError, IgnoreRequest
from scrapy.http import Request, Response
from scrapy.http.headers import Headers
from scrapy.settings import BaseSettings
from scrapy.utils.asyncio import sleep
from scrapy.utils.response import response_status_message

from storage.exchange import Exchange, HeaderPairs, reason_phrase

logger = logging.getLogger(__name__)

# the request meta key the exchange of a fetch is kept under
EXCHANGE = "newsarchive_exchange"
# request meta keys: the server began its answer (headers came); the page was
# retried after a slow response already
ANSWER_BEGAN = "newsarchive_answer_began"
SLOW_BEFORE = "newsarchive_slow_before"


def retry_after_seconds(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """The wait a ``Retry-After`` header asks for (seconds, or an HTTP date), or
    None when there is no usable header."""
    if value is None:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


@dataclass(frozen=True)
class Backoff:
    """How long to wait before retry number ``attempt`` (1, 2, ...)."""

    base: float  # seconds before the first retry
    maximum: float  # the longest wait

    def delay(self, attempt: int) -> float:
        """``base`` doubled for each earlier attempt, plus up to a quarter of
        jitter (so that pages failing together are not retried together), at
        most ``maximum``."""
        wait = self.base * 2 ** (attempt - 1) * random.uniform(1.0, 1.25)
        return min(wait, self.maximum)


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retries (``RETRY_TIMES``, ``RETRY_HTTP_CODES``, ``RETRY_EXCEPTIONS``),
    each after a growing wait (``RETRY_BACKOFF_BASE`` doubled per attempt, at
    most ``RETRY_BACKOFF_MAX``) or after the ``Retry-After`` the server sent.

    A server that asks for a longer wait than ``RETRY_BACKOFF_MAX`` is not waited
    for: the page fails now and the next daily run tries it again.

    A page that timed out after its answer began (a server dripping its page)
    held a download slot for the whole ``DOWNLOAD_TIMEOUT``: it is tried once
    more at most, then fails as a :class:`SlowResponse`.
    """

    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        self.backoff = Backoff(
            settings.getfloat("RETRY_BACKOFF_BASE"), settings.getfloat("RETRY_BACKOFF_MAX")
        )

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BackoffRetryMiddleware:
        middleware = super().from_crawler(crawler)
        crawler.signals.connect(middleware.answer_began, signal=signals.headers_received)
        return middleware

    def process_request(self, request: Request) -> None:
        """Each download of a request starts with no answer (a retry's copy neither)."""
        request.meta.pop(ANSWER_BEGAN, None)

    def answer_began(self, request: Request, **_: Any) -> None:
        """The server sent the headers of its answer to ``request``."""
        request.meta[ANSWER_BEGAN] = True

    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response
    ) -> Request | Response:
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        asked = retry_after_seconds(response.headers.get("Retry-After"))
        if asked is not None and asked > self.backoff.maximum:
            logger.warning(
                "%s asks to come back in %.0f s (Retry-After), longer than "
                "RETRY_BACKOFF_MAX: not retried in this run",
                request.url,
                asked,
            )
            self.crawler.stats.inc_value("retry/retry_after_too_long")  # type: ignore[union-attr]
            return response
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        await sleep(asked if asked is not None else self.backoff.delay(retry.meta["retry_times"]))
        return retry

    async def process_exception(  # type: ignore[override]
        self, request: Request, exception: Exception
    ) -> Request | None:
        slow = isinstance(exception, DownloadTimeoutError) and request.meta.get(ANSWER_BEGAN, False)
        if not isinstance(exception, self.exceptions_to_retry) or request.meta.get(
            "dont_retry", False
        ):
            retry = None
        elif slow:
            retry = None if request.meta.get(SLOW_BEFORE) else self._retry(request, "slow response")
        else:
            retry = self._retry(request, exception)
        if retry is None and slow:
            raise SlowResponse(f"slow response: {exception}") from exception
        if retry is None:
            return None
        if slow:
            retry.meta[SLOW_BEFORE] = True
        await sleep(self.backoff.delay(retry.meta["retry_times"]))
        return retry


class SlowResponse(DownloadTimeoutError):
    """A page whose server was still sending it when ``DOWNLOAD_TIMEOUT`` ran out."""


class LoopRedirectMiddleware(RedirectMiddleware):
    """Scrapy's redirects (``REDIRECT_MAX_TIMES``), where a chain ends at the
    first URL it would request twice (A -> B -> A): each URL of a chain is
    requested once, and the page fails with ``redirect loop``."""

    def process_response(  # type: ignore[override]
        self, request: Request, response: Response
    ) -> Request | Response:
        redirected = super().process_response(request, response)
        if not isinstance(redirected, Request):
            return redirected
        chain = {urldefrag(url).url for url in redirected.meta["redirect_urls"]}
        if urldefrag(redirected.url).url not in chain:
            return redirected
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value("redirect/loop")
        logger.info("not requesting %s again: redirect loop", redirected.url[:200])
        raise IgnoreRequest(f"redirect loop: {len(chain)} URLs, back to {redirected.url[:200]}")


# request.meta key marking a requisite's request (the site scope lets it leave the site)
REQUISITE = "newsarchive_requisite"


class SiteScopeMiddleware:
    """Drops every request outside the crawled site's scope (``spider.scope``):
    another host or port (but for an article's requisites), a scheme other
    than http(s), an absurdly long URL.

    It sees redirects and retries as well as the spider's own requests, so a
    page that redirects off the site fails instead of being fetched.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SiteScopeMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        scope = getattr(self.crawler.spider, "scope", None)
        if scope is None:
            return
        # an article's photos and files may live on another host (a CDN)
        reason = scope.refusal(request.url, any_host=bool(request.meta.get(REQUISITE)))
        if reason is None:
            return
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value("scope/dropped")
        logger.info("not requesting %s: %s", request.url[:200], reason)
        raise IgnoreRequest(reason)


def header_pairs(headers: Headers) -> HeaderPairs:
    """Scrapy's headers as (name, value) pairs, one per value."""
    return [
        (name.decode("latin-1"), value.decode("latin-1"))
        for name, values in headers.items()
        for value in values
    ]


def _with_host(url: str, pairs: Iterable[tuple[str, str]]) -> HeaderPairs:
    """``pairs`` with the ``Host`` header the HTTP client adds when it sends them."""
    pairs = list(pairs)
    if not any(name.lower() == "host" for name, _ in pairs):
        pairs.insert(0, ("Host", urlsplit(url).netloc))
    return pairs


def joined_headers(response: Response | None) -> dict[str, str]:
    """``response``'s headers as Scrapy left them, each name's values joined by
    commas (none: no response)."""
    if response is None:
        return {}
    return {
        key.decode("latin-1"): b", ".join(values).decode("latin-1")
        for key, values in response.headers.items()
    }


def exchange_of(response: Response | None) -> Exchange | None:
    """The exchange that brought ``response`` to the spider; its payload only when
    Scrapy decoded the body (so an item does not carry the body twice)."""
    if response is None or response.request is None:
        return None
    exchange: Exchange | None = response.request.meta.get(EXCHANGE)
    if exchange is None or exchange.payload is not response.body:
        return exchange
    return replace(exchange, payload=None)


class ExchangeMiddleware:
    """Keeps each fetch's :class:`Exchange` on ``request.meta[EXCHANGE]``."""

    def process_response(self, request: Request, response: Response) -> Response:
        request.meta[EXCHANGE] = Exchange(
            method=request.method,
            request_url=request.url,
            request_headers=_with_host(request.url, header_pairs(request.headers)),
            http_version=response.protocol,
            reason=reason_phrase(response.status),
            response_headers=header_pairs(response.headers),
            payload=response.body,
            ip_address=str(response.ip_address) if response.ip_address is not None else None,
        )
        return response
