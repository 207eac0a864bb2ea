"""What one crawl is asked to do: the site, and daily (incremental) or a
backfill over a window of publication dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from crawler.sites import SiteProfile, SitesConfigError, load_site
from storage.types import now_seoul


class CrawlArgumentError(ValueError):
    """The crawl's arguments are unusable; the message is one line."""


@dataclass(frozen=True)
class Window:
    """Publication dates from ``since`` to ``until``, both included, in Asia/Seoul."""

    since: date
    until: date

    def contains(self, published: datetime) -> bool:
        return self.since <= published.date() <= self.until


@dataclass(frozen=True)
class CrawlJob:
    profile: SiteProfile
    window: Window | None  # None: the daily incremental run

    @property
    def mode(self) -> str:
        return "daily" if self.window is None else "backfill"


def crawl_job(
    site: str | None = None, since: str | None = None, until: str | None = None
) -> CrawlJob:
    """The job for ``scrapy crawl portal -a site=NAME [-a since=.. -a until=..]``."""
    if not site:
        raise CrawlArgumentError("name the site to crawl: -a site=NAME")
    try:
        profile = load_site(site)
    except SitesConfigError as exc:
        raise CrawlArgumentError(str(exc)) from exc
    if since is None and until is None:
        return CrawlJob(profile, None)
    if since is None:
        raise CrawlArgumentError(
            "a backfill needs -a since=YYYY-MM-DD (until alone is not a window)"
        )
    start = _day("since", since)
    end = _day("until", until) if until is not None else now_seoul().date()
    if end < start:
        raise CrawlArgumentError(f"until {end} is before since {start}")
    return CrawlJob(profile, Window(start, end))


def _day(name: str, value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CrawlArgumentError(f"-a {name}={value!r}: expected a date YYYY-MM-DD") from None
