"""Reading a site's feeds in a daily run of the ``portal`` spider.

A site's ``feeds`` (sites.yaml) are read first by a daily run: their
articles are taken along with list page 1's (the links go through the same
canonical URLs, article checks and site scope as list links, and are never
fetched twice). Once the feeds list an article the archive holds, their
articles count as seen, so the list pages are read only while they bring
what the feeds left out; else (a first run) the list is paged as without
them. A feed that answers with no feed (a members-only board, RSS switched
off) is logged and left.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import Any

import scrapy
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler.discovery.feeds import parse_feed
from crawler.items import NO_LIST_PAGE, SeenLinks
from crawler.sites import SiteProfile
from crawler.spiders.failures import failure_reason
from storage.models import FoundBy

logger = logging.getLogger(__name__)


class FeedReading(scrapy.Spider):
    """The ``portal`` spider's feeds: read one after the other before list
    page 1, their articles taken once list page 1 is in."""

    profile: SiteProfile
    # the spider's own: the article links of a feed, which of them need no
    # fetch, an article's request, a list page's
    _articles_of: Callable[[Sequence[str]], list[str]]
    _settled: Callable[
        [list[str]], tuple[dict[str, datetime | None], dict[str, datetime | None], set[str]]
    ]
    _article_request: Callable[..., scrapy.Request]
    _list_request: Callable[[int], scrapy.Request]

    def __init__(self, **kw: Any) -> None:
        super().__init__(**kw)
        self._feed_links: list[str] | None = None  # daily: the feeds' links, till taken
        self._feed_new: set[str] = set()  # feed articles that count as new on list pages

    def _read_feeds(self) -> scrapy.Request:
        """Start reading the site's feeds (a daily run, before list page 1)."""
        self._feed_links = []
        return self._feed_request(0)

    def _feed_request(self, index: int) -> scrapy.Request:
        """The site's feed ``index`` (they are read one after the other, then list page 1)."""
        return scrapy.Request(
            self.profile.feeds[index],
            callback=self.parse_feed,
            errback=self.feed_failed,
            cb_kwargs={"index": index},
            dont_filter=True,
        )

    def _after_feed(self, index: int) -> scrapy.Request:
        if index + 1 < len(self.profile.feeds):
            return self._feed_request(index + 1)
        return self._list_request(1)

    def parse_feed(self, response: Response, index: int) -> Iterator[scrapy.Request]:
        content_type = response.headers.get("Content-Type", b"").decode("latin-1")
        feed = parse_feed(response.body, response.url, content_type)
        if feed.refusal is not None:
            self.crawler.stats.inc_value("feeds/refused")
            logger.info("no feed at %s: it answered %r", response.url, feed.refusal)
        else:
            dates = [entry.published for entry in feed.entries if entry.published is not None]
            logger.info(
                "feed %s lists %d articles%s",
                response.url,
                len(feed.entries),
                f", published {min(dates):%Y-%m-%d %H:%M} to {max(dates):%Y-%m-%d %H:%M}"
                if dates
                else "",
            )
            assert self._feed_links is not None
            self._feed_links.extend(entry.url for entry in feed.entries)
        yield self._after_feed(index)

    def feed_failed(self, failure: Failure) -> Iterator[scrapy.Request]:
        """A feed that cannot be fetched is no feed for this run: the list pages go on."""
        request = failure.request  # type: ignore[attr-defined]
        response = failure.value.response if failure.check(HttpError) else None
        reason = f"HTTP {response.status}" if response is not None else failure_reason(failure)
        self.crawler.stats.inc_value("feeds/failed")
        logger.warning("feed %s could not be read: %s", request.url, reason)
        yield self._after_feed(request.cb_kwargs["index"])

    def _take_feed_links(self) -> Iterator[scrapy.Request | SeenLinks]:
        """Fetch the feeds' articles the archive lacks (once, when list page 1 is in).

        When the feeds list an article the archive held already, they reach
        back to it: their articles count as seen on the list pages, which are
        read only while they bring something else new or recent. When they
        list none (the site's first run, or a gap longer than the feeds),
        list pages are paged as without them, their feed articles fetched once."""
        if self._feed_links is None:
            return
        found, self._feed_links = self._articles_of(self._feed_links), None
        _, done, gone = self._settled(found)
        reaches = any(url in done for url in found)
        logger.info(
            "the feeds link to %d articles, %d archived already%s",
            len(found),
            sum(url in done for url in found),
            "" if reaches or not found else ": paging the list as without them",
        )
        if not reaches:
            self._feed_new.update(found)
        for url in found:
            if url not in done and url not in gone:
                yield self._article_request(url, NO_LIST_PAGE, found_by=FoundBy.FEED)
