"""The paging policy, daily and backfill: when the next list page is read,
when a page is outside the window, when feeds or sitemaps make list paging
unnecessary; pure, read against an archive held in memory. And the archive
answers the policy's interface (``ArchiveLookups``) on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from crawler.sources.archive_view import ArchiveView
from crawler.sources.lookups import ArchiveLookups
from crawler.sources.paging import BackfillPaging, DailyPaging, PagingLimits, Settled
from crawler.sources.reading import LinkLedger
from storage.archive import Archive
from storage.types import SEOUL

NOW = datetime(2024, 3, 10, 12, 0, tzinfo=SEOUL)
LIMITS = PagingLimits(max_list_pages=5, max_list_failures=3, recheck_days=2, retry_failed_runs=3)
SINCE, UNTIL = date(2024, 2, 1), date(2024, 2, 29)


@dataclass(frozen=True)
class Point:
    number: int | None = None
    family: str | None = None
    links: tuple[str, ...] = ()
    furthest: int = 0


@dataclass
class HeldArchive:
    """An archive's answers, held in memory."""

    archived: dict[str, datetime | None] = field(default_factory=dict)
    gone: set[str] = field(default_factory=set)
    failed: list[str] = field(default_factory=list)
    captured: dict[str, datetime | None] = field(default_factory=dict)
    point: Point = field(default_factory=Point)
    templates: dict[str, str] = field(default_factory=dict)

    def archived_dates(self, urls: Iterable[str]) -> dict[str, datetime | None]:
        return {url: self.archived[url] for url in urls if url in self.archived}

    def not_articles(self, urls: Iterable[str]) -> set[str]:
        return self.gone.intersection(urls)

    def failed_urls(self, site: str, max_failures: int) -> list[str]:
        return self.failed

    def window_captures(
        self, site: str, since: date, until: date, urls: Iterable[str]
    ) -> dict[str, datetime | None]:
        return {url: self.captured[url] for url in urls if url in self.captured}

    def resume_point(self, site: str, mode: str, since: date | None, until: date | None) -> Point:
        return self.point

    def link_template(self, site: str) -> str | None:
        return self.templates.get(site)

    def keep_link_template(self, site: str, template: str) -> None:
        self.templates[site] = template


def daily(archive: ArchiveView | None = None, limits: PagingLimits = LIMITS) -> DailyPaging:
    return DailyPaging("site", archive or HeldArchive(), limits, lambda: NOW)


def backfill(archive: ArchiveView | None = None) -> BackfillPaging:
    return BackfillPaging("site", archive or HeldArchive(), LIMITS, SINCE, UNTIL)


def days_ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


def test_no_list_page_past_max_list_pages() -> None:
    policy = daily()
    assert policy.may_read(5)
    assert not policy.may_read(6)


def test_paging_stops_after_max_list_failures_in_a_row() -> None:
    policy = backfill()
    assert policy.list_page_failed() and policy.list_page_failed()
    policy.list_page_read()
    assert policy.list_page_failed() and policy.list_page_failed()
    assert not policy.list_page_failed()


def test_a_daily_run_pages_on_while_a_page_brings_something_new() -> None:
    policy = daily()
    assert policy.links_taken(3, ["a"], set(), [])
    assert policy.links_taken(3, [], {"a"}, [])  # fetched already from a sidebar or a feed
    assert not policy.links_taken(3, [], set(), [days_ago(3)])


def test_a_daily_run_pages_on_while_articles_are_within_recheck_days() -> None:
    assert daily().links_taken(3, [], set(), [days_ago(3), days_ago(1.9)])
    no_recheck = PagingLimits(5, 3, recheck_days=0, retry_failed_runs=3)
    assert not daily(limits=no_recheck).links_taken(3, [], set(), [days_ago(0.1)])


def test_a_daily_run_reads_as_far_as_interrupted_daily_runs_had_got() -> None:
    policy = daily(HeldArchive(point=Point(furthest=4)))
    assert policy.resume() is None
    assert policy.links_taken(3, [], set(), [])
    assert not policy.links_taken(4, [], set(), [])


def test_a_daily_run_settles_links_by_the_archive_only() -> None:
    archive = HeldArchive(
        archived={"a": days_ago(1)}, gone={"b"}, captured={"c": days_ago(1)}, failed=["f"]
    )
    settled = daily(archive).settled(["a", "b", "c", "d"])
    assert settled == Settled({"a": days_ago(1)}, {"a": days_ago(1)}, {"b"})
    assert settled.unsettled(["d", "c", "b", "a"]) == ["d", "c"]
    assert daily(archive).retry_urls() == ["f"]


def test_a_backfill_counts_what_its_window_captured_as_done() -> None:
    earlier, archived = datetime(2024, 2, 3, tzinfo=SEOUL), datetime(2024, 2, 4, tzinfo=SEOUL)
    archive = HeldArchive(archived={"a": archived}, captured={"a": earlier, "c": earlier})
    settled = backfill(archive).settled(["a", "c", "d"])
    assert settled.done == {"a": archived, "c": earlier}
    assert settled.archived == {"a": archived}
    assert settled.unsettled(["a", "c", "d"]) == ["d"]


def test_a_backfill_page_waits_for_its_articles_then_pages_on_inside_the_window() -> None:
    policy = backfill()
    assert not policy.links_taken(2, ["a", "b"], set(), [])
    assert not policy.article_done(2, "sidebar", None)  # not its main list's
    assert not policy.article_done(2, "a", datetime(2024, 1, 20, tzinfo=SEOUL))
    assert policy.article_done(2, "b", datetime(2024, 2, 2, tzinfo=SEOUL))
    assert not policy.article_done(2, "b", None)  # the page is settled once


def test_a_backfill_stops_at_a_page_whose_articles_are_all_older_than_the_window() -> None:
    policy = backfill()
    old = datetime(2024, 1, 31, 23, tzinfo=SEOUL)
    assert not policy.links_taken(7, [], set(), [old])
    assert not policy.links_taken(8, ["a"], set(), [old])
    assert not policy.article_done(8, "a", None)
    assert policy.links_taken(9, [], set(), [])  # no date: not known to be outside


def test_a_backfill_resumes_at_the_page_interrupted_runs_read_last() -> None:
    point = Point(number=4, family="gnuboard", links=("a",), furthest=6)
    assert backfill(HeldArchive(point=point)).resume() == point
    assert backfill().resume() is None


def test_feeds_make_paging_unnecessary_once_they_list_an_archived_article() -> None:
    archive = HeldArchive(archived={"old": days_ago(5)})
    policy = daily(archive)
    assert policy.feeds_reach_back(["new", "old"], policy.settled(["new", "old"]))
    assert not policy.feeds_reach_back(["new"], policy.settled(["new"]))


def test_sitemaps_cover_the_window_when_they_reach_back_to_its_start() -> None:
    policy = backfill()
    assert policy.sitemaps_cover(True, [])
    assert policy.sitemaps_cover(False, [datetime(2024, 2, 1, 8, tzinfo=SEOUL)])
    assert not policy.sitemaps_cover(False, [datetime(2024, 2, 2, tzinfo=SEOUL)])
    assert not policy.sitemaps_cover(False, [])


def test_a_main_list_counts_links_fetched_aside_as_new_once() -> None:
    ledger = LinkLedger()
    assert ledger.take(["feed"]) == ["feed"]
    ledger.aside.add("feed")  # feeds that do not reach back
    fresh, extra, fetched = ledger.main_list(["a", "feed"], ["box"])
    assert (fresh, extra, fetched) == (["a", "feed"], ["box"], {"feed"})
    fresh, extra, fetched = ledger.main_list(["box", "feed"], ["box"])
    assert (fresh, extra, fetched) == (["box"], [], {"box"})
    assert ledger.main_list(["a", "box"], []) == ([], [], set())


def test_the_archive_answers_the_paging_interface(database_url: str) -> None:
    archive = Archive.open(database_url)
    try:
        lookups = ArchiveLookups(archive)
        policy = backfill(lookups)
        assert policy.resume() is None
        assert policy.settled(["https://x.example/1"]) == Settled({}, {}, set())
        assert daily(lookups).retry_urls() == []
        assert lookups.link_template("site") is None
    finally:
        archive.close()
