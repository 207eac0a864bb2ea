"""Revisits: a daily run fetches again the site's archived articles that are
due (``crawler.revisit_plan``), the longest due first, at most
``REVISIT_BUDGET`` of them a run, once list page 1 is in (read or not), like
every request of the crawl: polite, in scope. Articles whose feed date is
later than their latest capture are made due first. Each request is
conditional when the latest capture gave an ``ETag`` or a ``Last-Modified``;
the spider keeps what comes back as a capture of the revisit
(``PortalSpider.parse_revisit``)."""

from __future__ import annotations

import logging
from collections.abc import Callable

import scrapy

from crawler.revisit_plan import RevisitPlan
from crawler.sources.archive_view import ArchiveView, DueRevisit
from crawler.sources.reading import Reading
from crawler.sources.source import Requests, UrlSource

logger = logging.getLogger(__name__)

# the request of a revisit of an archived article
RevisitRequest = Callable[[DueRevisit], scrapy.Request]


class Revisits(UrlSource):
    """The site's archived articles due for a revisit."""

    found_by = None

    def __init__(
        self,
        reading: Reading,
        archive: ArchiveView,
        plan: RevisitPlan,
        budget: int,
        request_revisit: RevisitRequest,
        counted: Callable[[int], None],
    ) -> None:
        super().__init__(reading)
        self.archive = archive
        self.plan = plan
        self.budget = budget
        self.request_revisit = request_revisit
        self.counted = counted  # told how many revisits were due
        self._done = False

    def list_page_in(self, number: int, read: bool) -> Requests:
        if self._done:
            return
        self._done = True
        site, now = self.reading.profile.name, self.plan.clock()
        updated = self.archive.revisit_now(site, self.reading.feed_dates, now)
        if updated:
            logger.info("%d archived articles have a later date in the feeds", updated)
        due, chosen = self.archive.due_revisits(site, now, self.budget)
        self.counted(due)
        if due:
            logger.info("revisiting %d of %d articles due", len(chosen), due)
        for revisit in chosen:
            if self.reading.scope.refusal(revisit.url) is None:
                yield self.request_revisit(revisit)


def conditional_headers(revisit: DueRevisit) -> dict[str, str]:
    """The headers that make a revisit's request conditional on its latest capture."""
    headers = {}
    if revisit.etag:
        headers["If-None-Match"] = revisit.etag
    if revisit.last_modified:
        headers["If-Modified-Since"] = revisit.last_modified
    return headers
