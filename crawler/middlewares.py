"""Downloader middlewares: retries spaced out by exponential backoff (honouring
``Retry-After``), and the site scope applied to every request, redirects
included.

Both are wired in ``crawler/settings.py``; the backoff waits without blocking
the reactor (other downloads go on meanwhile).
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from scrapy.settings import BaseSettings
from scrapy.utils.asyncio import sleep
from scrapy.utils.response import response_status_message

logger = logging.getLogger(__name__)


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
    """

    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        self.backoff = Backoff(
            settings.getfloat("RETRY_BACKOFF_BASE"), settings.getfloat("RETRY_BACKOFF_MAX")
        )

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
        if not isinstance(exception, self.exceptions_to_retry) or request.meta.get(
            "dont_retry", False
        ):
            return None
        retry = self._retry(request, exception)
        if retry is None:
            return None
        await sleep(self.backoff.delay(retry.meta["retry_times"]))
        return retry


class SiteScopeMiddleware:
    """Drops every request outside the crawled site's scope (``spider.scope``):
    another host or port, a scheme other than http(s), an absurdly long URL.

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
        reason = scope.refusal(request.url)
        if reason is None:
            return
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value("scope/dropped")
        logger.info("not requesting %s: %s", request.url[:200], reason)
        raise IgnoreRequest(reason)
