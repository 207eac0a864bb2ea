"""Which routes a crawl job reads: the paging variant for its job (daily or
a backfill's window), and the sources that go with its list pages (a daily
run's failed pages and feeds, a backfill's sitemaps, and for both the routes
found on the site's pages)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from scrapy.settings import BaseSettings

from crawler.job import CrawlJob
from crawler.sources.archive_view import ArchiveView
from crawler.sources.failed_pages import FailedPages
from crawler.sources.feeds import Feeds
from crawler.sources.found_routes import FoundRoutes
from crawler.sources.paging import BackfillPaging, DailyPaging, PagingLimits, PagingPolicy
from crawler.sources.reading import Reading
from crawler.sources.sitemaps import Sitemaps
from crawler.sources.source import UrlSource


def paging_limits(settings: BaseSettings) -> PagingLimits:
    """The limits paging obeys, from the crawl's settings."""
    return PagingLimits(
        max_list_pages=settings.getint("MAX_LIST_PAGES"),
        max_list_failures=settings.getint("MAX_LIST_FAILURES"),
        recheck_days=settings.getfloat("RECHECK_DAYS"),
        retry_failed_runs=settings.getint("RETRY_FAILED_RUNS"),
    )


def paging_for(
    job: CrawlJob, archive: ArchiveView, limits: PagingLimits, clock: Callable[[], datetime]
) -> PagingPolicy:
    """The paging policy of ``job``: daily, or a backfill of its window."""
    site = job.profile.name
    if job.window is None:
        return DailyPaging(site, archive, limits, clock)
    return BackfillPaging(site, archive, limits, job.window.since, job.window.until)


def companions_for(reading: Reading, revisits: UrlSource | None = None) -> list[UrlSource]:
    """The sources read with the list pages, in the order they are told of them
    (a daily run's ``revisits`` after its feeds, whose dates they read)."""
    policy, profile = reading.policy, reading.profile
    found = FoundRoutes(reading)
    if isinstance(policy, DailyPaging):
        feeds = [Feeds(reading, policy)] if profile.feeds else []
        later = [revisits] if revisits is not None else []
        return [FailedPages(reading, policy), *feeds, *later, found]
    if isinstance(policy, BackfillPaging) and profile.sitemaps:
        return [Sitemaps(reading, policy), found]
    return [found]
