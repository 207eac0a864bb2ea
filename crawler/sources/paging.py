"""How far a crawl pages a site's list, in a daily and a backfill variant.

Daily runs stop paging at the first list page that brings no article the
archive lacks and none published in the last ``RECHECK_DAYS`` (so a story
published late, below newer ones, is still found), but read at least as far
as interrupted daily runs before them had got; they try again the pages
earlier runs could not fetch. Backfills page back until a list page's
articles are all older than the window's start: as list pages give no year
(Gnuboard), a list page waits for its articles' dates from the pipelines.
Both read at most ``MAX_LIST_PAGES`` list pages and stop after
``MAX_LIST_FAILURES`` in a row that could not be read.

Pure: it decides from what it is told and from the archive as the
:class:`ArchiveView` handed to it answers; no Scrapy, no database.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from crawler.sources.archive_view import ArchiveView, ResumePoint

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PagingLimits:
    """The settings paging obeys."""

    max_list_pages: int  # MAX_LIST_PAGES
    max_list_failures: int  # MAX_LIST_FAILURES: list pages in a row that could not be read
    recheck_days: float  # RECHECK_DAYS: a daily run pages on while articles are this recent
    retry_failed_runs: int  # RETRY_FAILED_RUNS: how often a failed page is tried again


@dataclass(frozen=True)
class Settled:
    """Which of some links need no fetch: those ``archived`` (with their dates);
    those ``done``, archived or captured by a backfill of this window already;
    and those ``gone``, known to be no article."""

    archived: dict[str, datetime | None]
    done: dict[str, datetime | None]
    gone: set[str]

    def unsettled(self, urls: Sequence[str]) -> list[str]:
        """Those of ``urls`` still to fetch, in order."""
        return [url for url in urls if url not in self.done and url not in self.gone]


class PagingPolicy(ABC):
    """What both variants share: the limits, and which links need no fetch."""

    mode: str

    def __init__(self, site: str, archive: ArchiveView, limits: PagingLimits) -> None:
        self.site = site
        self.archive = archive
        self.limits = limits
        self._failures = 0  # list pages in a row that could not be read

    def may_read(self, number: int) -> bool:
        """Whether list page ``number`` is within ``MAX_LIST_PAGES``."""
        if number > self.limits.max_list_pages:
            logger.warning("read %d list pages (MAX_LIST_PAGES): done", self.limits.max_list_pages)
            return False
        return True

    def list_page_read(self) -> None:
        self._failures = 0

    def list_page_failed(self) -> bool:
        """A list page could not be read: whether paging goes on past it."""
        self._failures += 1
        if self._failures >= self.limits.max_list_failures:
            logger.error("%d list pages in a row could not be read: done", self._failures)
            return False
        return True

    def settled(self, urls: list[str]) -> Settled:
        archived = self.archive.archived_dates(urls)
        done = {**self._captured(urls), **archived}
        gone = self.archive.not_articles(url for url in urls if url not in done)
        return Settled(archived, done, gone)

    def _captured(self, urls: list[str]) -> dict[str, datetime | None]:
        """Those of ``urls`` this job's earlier runs captured already."""
        return {}

    @abstractmethod
    def resume(self) -> ResumePoint | None:
        """Read what interrupted runs left; the list page to go on from, if any."""

    @abstractmethod
    def links_taken(
        self, number: int, wanted: list[str], requested: set[str], dates: list[datetime]
    ) -> bool:
        """List page ``number``'s main list is taken: ``wanted`` its articles now
        fetched, ``requested`` those fetched already from elsewhere, ``dates``
        those of its articles archived. Whether to read the next list page now."""

    def article_done(self, number: int, url: str, published: datetime | None) -> bool:
        """An article of list page ``number`` went through the pipelines: whether
        to read the next list page now."""
        return False


class DailyPaging(PagingPolicy):
    """A daily run: pages on while list pages bring something new or recent."""

    mode = "daily"

    def __init__(
        self,
        site: str,
        archive: ArchiveView,
        limits: PagingLimits,
        clock: Callable[[], datetime],
    ) -> None:
        super().__init__(site, archive, limits)
        self._clock = clock
        self._read_at_least = 0  # the list page interrupted daily runs had reached

    def __str__(self) -> str:
        return self.mode

    def resume(self) -> None:
        self._read_at_least = self.archive.resume_point(self.site, self.mode, None, None).furthest
        if self._read_at_least:
            logger.info(
                "an interrupted daily run reached list page %d: reading at least that far",
                self._read_at_least,
            )

    def links_taken(
        self, number: int, wanted: list[str], requested: set[str], dates: list[datetime]
    ) -> bool:
        if wanted or requested or number < self._read_at_least or self._recent(dates):
            return True
        logger.info("list page %d holds nothing new nor recent: done", number)
        return False

    def _recent(self, dates: list[datetime]) -> bool:
        """Whether any of ``dates`` falls in the re-check window."""
        days = self.limits.recheck_days
        cutoff = self._clock() - timedelta(days=days)
        return days > 0 and any(published >= cutoff for published in dates)

    def retry_urls(self) -> list[str]:
        """The pages earlier runs could not fetch, to try again."""
        return self.archive.failed_urls(self.site, self.limits.retry_failed_runs)

    def feeds_reach_back(self, found: list[str], settled: Settled) -> bool:
        """Whether the feeds list an article the archive holds: then their
        articles count as seen on list pages, which are read only while they
        bring something else new or recent."""
        reaches = any(url in settled.done for url in found)
        logger.info(
            "the feeds link to %d articles, %d archived already%s",
            len(found),
            sum(url in settled.done for url in found),
            "" if reaches or not found else ": paging the list as without them",
        )
        return reaches


@dataclass
class _OpenPage:
    """A backfill's list page whose articles are still out, and the dates of those in."""

    number: int
    pending: set[str]
    dates: list[datetime] = field(default_factory=list)


class BackfillPaging(PagingPolicy):
    """A backfill of ``since``..``until``: pages on until a list page's articles
    are all older than ``since``, each list page once its articles are through."""

    mode = "backfill"

    def __init__(
        self, site: str, archive: ArchiveView, limits: PagingLimits, since: date, until: date
    ) -> None:
        super().__init__(site, archive, limits)
        self.since = since
        self.until = until
        self._open: dict[int, _OpenPage] = {}

    def __str__(self) -> str:
        return f"{self.mode} {self.since}..{self.until}"

    def resume(self) -> ResumePoint | None:
        point = self.archive.resume_point(self.site, self.mode, self.since, self.until)
        if point.number is None:
            return None
        logger.info(
            "resuming the interrupted backfill at list page %d (%d links)",
            point.number,
            len(point.links),
        )
        return point

    def _captured(self, urls: list[str]) -> dict[str, datetime | None]:
        return self.archive.window_captures(self.site, self.since, self.until, urls)

    def links_taken(
        self, number: int, wanted: list[str], requested: set[str], dates: list[datetime]
    ) -> bool:
        page = _OpenPage(number, set(wanted), list(dates))
        if page.pending:
            self._open[number] = page
            return False
        return self._goes_on(page)

    def article_done(self, number: int, url: str, published: datetime | None) -> bool:
        page = self._open.get(number)
        if page is None or url not in page.pending:
            return False  # not a main list's article: it does not settle the page
        page.pending.discard(url)
        if published is not None:
            page.dates.append(published)
        if page.pending:
            return False
        del self._open[number]
        return self._goes_on(page)

    def _goes_on(self, page: _OpenPage) -> bool:
        if page.dates and all(published.date() < self.since for published in page.dates):
            logger.info(
                "list page %d: every article is older than %s: done", page.number, self.since
            )
            return False
        return True

    def sitemaps_cover(self, reach_back: bool, dates: list[datetime]) -> bool:
        """Whether sitemaps that ``reach_back`` before the window (an index's child
        changed before it) or list articles of ``dates`` cover the window: then
        their articles are taken and the list is not paged."""
        oldest = min(dates) if dates else None
        if reach_back or (oldest is not None and oldest.date() <= self.since):
            return True
        logger.info(
            "the sitemaps do not reach back to %s (%s): paging the list",
            self.since,
            f"oldest {oldest:%Y-%m-%d}" if oldest else "no dates",
        )
        return False
