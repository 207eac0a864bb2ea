"""A site's feeds, read by a daily run before list page 1.

A site's ``feeds`` (sites.yaml) are read one after the other, then list
page 1; their articles are taken once list page 1 is in (read or not): the
links go through the same canonical URLs, article checks and site scope as
list links, and are never fetched twice. Once the feeds list an article the
archive holds, their articles count as seen, so the list pages are read only
while they bring what the feeds left out; else (a first run, or a gap longer
than the feeds) the list is paged as without them. A feed that answers with
no feed (a members-only board, RSS switched off) is logged and left."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.discovery.feed_entries import FeedEntry, parse_feed
from crawler.sources.paging import DailyPaging
from crawler.sources.reading import Reading
from crawler.sources.request_failures import request_failure
from crawler.sources.source import Requests, UrlSource
from storage.models import FoundBy

logger = logging.getLogger(__name__)


class Feeds(UrlSource):
    """The site's feeds, read before the list page that ``start`` is handed."""

    found_by = FoundBy.FEED

    def __init__(self, reading: Reading, policy: DailyPaging) -> None:
        super().__init__(reading)
        self.policy = policy
        self.urls = reading.profile.feeds
        self._links: list[str] | None = None  # the feeds' links, till taken
        self._then: scrapy.Request | None = None  # the request after the last feed

    def start(self, then: scrapy.Request) -> scrapy.Request:
        self._links, self._then = [], then
        return self._feed_request(0)

    def _feed_request(self, index: int) -> scrapy.Request:
        return self.request(self.urls[index], self.parse_feed, self.feed_failed, index=index)

    def _after_feed(self, index: int) -> scrapy.Request:
        if index + 1 < len(self.urls):
            return self._feed_request(index + 1)
        assert self._then is not None
        return self._then

    def parse_feed(self, response: Response, index: int) -> Requests:
        content_type = response.headers.get("Content-Type", b"").decode("latin-1")
        feed = parse_feed(response.body, response.url, content_type)
        if feed.refusal is not None:
            self.reading.crawler.stats.inc_value("feeds/refused")
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
            assert self._links is not None
            self._links.extend(entry.url for entry in feed.entries)
            self._keep_dates(feed.entries)
        yield self._after_feed(index)

    def _keep_dates(self, entries: Sequence[FeedEntry]) -> None:
        """Remember the feed's date of each article: an archived one dated later
        than its latest capture is revisited (``crawler.sources.revisits``)."""
        for entry in entries:
            article = self.reading.discovery.article_link(entry.url)
            if article is not None and entry.published is not None:
                self.reading.feed_dates[article] = entry.published

    def feed_failed(self, failure: Failure) -> Requests:
        """A feed that cannot be fetched is no feed for this run: the list pages go on."""
        request = failure.request  # type: ignore[attr-defined]
        self.reading.crawler.stats.inc_value("feeds/failed")
        logger.warning("feed %s could not be read: %s", request.url, request_failure(failure))
        yield self._after_feed(request.cb_kwargs["index"])

    def list_page_in(self, number: int, read: bool) -> Requests:
        """Fetch the feeds' articles the archive lacks (once, when list page 1 is in)."""
        if self._links is None:
            return
        found, self._links = self.reading.articles_of(self._links), None
        settled = self.policy.settled(found)
        if not self.policy.feeds_reach_back(found, settled):
            self.reading.ledger.aside.update(found)
        yield from self.fetch_routed(settled.unsettled(found))
