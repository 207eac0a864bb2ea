"""A "more" button's JSON endpoint, paged like a list: ``/api/news?page=N``,
named by list page 1's own scripts or by the site's ``list_api`` (sites.yaml).

Its pages are requested one after the other from page 1, through the same
downloader as every page (robots.txt, delays, per-site concurrency). Each
answer's items carry article URLs (or ids, with the site's ``article_url``);
those the archive lacks are fetched. Paging stops at an answer that is no
JSON or lists no article it did not list before, a daily run's page whose
articles are all archived already, a
backfill's page whose items are all dated before the window, or
``MAX_LIST_PAGES``."""

from __future__ import annotations

import json
import logging
from datetime import datetime

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.discovery.announced_routes import ListApi, json_links
from crawler.discovery.feed_entries import machine_time
from crawler.sources.paging import BackfillPaging
from crawler.sources.reading import Reading
from crawler.sources.request_failures import request_failure
from crawler.sources.source import Requests, UrlSource
from storage.models import FoundBy

logger = logging.getLogger(__name__)

# JSON keys whose value is an item's publication time
_DATE_KEYS = ("publishedAt", "published", "pubDate", "date", "datePublished", "regDate", "created")


class ListApiPages(UrlSource):
    """The pages of one JSON list endpoint."""

    found_by = FoundBy.LIST

    def __init__(self, reading: Reading, api: ListApi) -> None:
        super().__init__(reading)
        self.api = api
        self._seen: set[str] = set()  # the articles its pages listed

    def first(self) -> Requests:
        logger.info("paging the list endpoint %s", self.api.url)
        yield self._page_request(1)

    def _page_request(self, number: int) -> scrapy.Request:
        return self.request(self.api.page_url(number), self.parse_page, self.failed, number=number)

    def parse_page(self, response: Response, number: int) -> Requests:
        stats = self.reading.crawler.stats
        stats.inc_value("routes/list_api_requests")
        try:
            data = json.loads(response.body)
        except ValueError:
            logger.info("%s answered no JSON: the list endpoint ends", response.url)
            return
        reading = self.reading
        found = json_links(data, response.url, reading.profile.article_url)
        canonical = [url for link in found if (url := reading.discovery.article_link(link))]
        new = [url for url in dict.fromkeys(canonical) if url not in self._seen]
        self._seen.update(new)
        logger.info("list endpoint page %d: %d links, %d new to it", number, len(found), len(new))
        if not new:
            return
        fresh = reading.articles_of(found)
        stats.inc_value("routes/links", len(fresh))
        yield from self.fetch_routed(reading.policy.settled(fresh).unsettled(fresh))
        if self._goes_on(number, new, data):
            yield self._page_request(number + 1)

    def _goes_on(self, number: int, new: list[str], data: object) -> bool:
        """Whether to read page ``number + 1``, page ``number`` (``data``)
        having listed the articles ``new`` to the endpoint."""
        policy = self.reading.policy
        if not policy.may_read(number + 1):
            return False
        if isinstance(policy, BackfillPaging):
            dates = [day for day in _dates(data) if day is not None]
            return not dates or any(found.date() >= policy.since for found in dates)
        return bool(policy.settled(new).unsettled(new))

    def failed(self, failure: Failure) -> Requests:
        logger.warning(
            "list endpoint %s could not be read: %s",
            failure.request.url,  # type: ignore[attr-defined]
            request_failure(failure),
        )
        self.reading.crawler.stats.inc_value("routes/failed")
        yield from ()


def _dates(data: object) -> list[datetime | None]:
    """The publication times the answer's items give."""
    found: list[datetime | None] = []
    if isinstance(data, dict):
        for key, value in data.items():
            if key in _DATE_KEYS and isinstance(value, str):
                found.append(machine_time(value))
            else:
                found.extend(_dates(value))
    elif isinstance(data, list):
        for value in data:
            found.extend(_dates(value))
    return found
