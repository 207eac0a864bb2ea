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


# how a command line spells the window's arguments: the spider's, or scheduler.py's --since D
SPIDER_ARGUMENT = "-a {name}={value}"


def crawl_job(
    site: str | None = None,
    since: str | None = None,
    until: str | None = None,
    spelled: str = SPIDER_ARGUMENT,
) -> CrawlJob:
    """The job for ``scrapy crawl portal -a site=NAME [-a since=.. -a until=..]``;
    its errors name the arguments as ``spelled`` writes them."""
    if not site:
        raise CrawlArgumentError("name the site to crawl: -a site=NAME")
    try:
        profile = load_site(site)
    except SitesConfigError as exc:
        raise CrawlArgumentError(str(exc)) from exc
    if since is None and until is None:
        return CrawlJob(profile, None)
    if since is None:
        given = spelled.format(name="since", value="YYYY-MM-DD")
        raise CrawlArgumentError(f"a backfill needs {given} (until alone is not a window)")
    start = _day("since", since, spelled)
    today = now_seoul().date()
    if until is None and start > today:
        raise CrawlArgumentError(
            f"{spelled.format(name='since', value=since)} is in the future "
            f"(today is {today} in Korea): a backfill's window ends by today"
        )
    end = _day("until", until, spelled) if until is not None else today
    if end < start:
        raise CrawlArgumentError(f"until {end} is before since {start}")
    return CrawlJob(profile, Window(start, end))


def _day(name: str, value: str, spelled: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        reason = "no such day" if "range" in str(exc) else "expected a date YYYY-MM-DD"
        raise CrawlArgumentError(f"{spelled.format(name=name, value=value)}: {reason}") from None
