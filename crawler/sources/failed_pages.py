"""The pages earlier daily runs could not fetch: a daily run tries them again
(once, with the first list page it reads), until they failed
``RETRY_FAILED_RUNS`` times."""

from __future__ import annotations

import logging

from crawler.sources.paging import DailyPaging
from crawler.sources.reading import Reading
from crawler.sources.source import Requests, UrlSource

logger = logging.getLogger(__name__)


class FailedPages(UrlSource):
    """Earlier runs' failed pages; their captures say nothing found them (tried again)."""

    found_by = None

    def __init__(self, reading: Reading, policy: DailyPaging) -> None:
        super().__init__(reading)
        self.policy = policy
        self._tried = False

    def list_page_in(self, number: int, read: bool) -> Requests:
        if self._tried or not read:
            return
        self._tried = True
        scope = self.reading.scope
        in_scope = [url for url in self.policy.retry_urls() if scope.refusal(url) is None]
        failed = self.reading.ledger.take(in_scope)
        if failed:
            logger.info("trying again %d pages earlier runs could not fetch", len(failed))
        yield from self.fetch(failed, number)
