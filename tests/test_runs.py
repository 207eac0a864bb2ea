"""Crawl runs in storage, on SQLite and PostgreSQL: the per-site run lock
(refused while alive, taken over when its process is gone), heartbeats, exit
codes, resume points, the listing, and the migration of older archives."""

from __future__ import annotations

import subprocess
from datetime import date, datetime, timedelta

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import select, text, update

from storage.archive import Archive, RunCounts
from storage.database import MIGRATIONS, create_archive_engine
from storage.models import CrawlRun
from storage.run_records import STALE_AFTER, RunOwner, SiteBusy
from storage.types import SEOUL, now_seoul
from tests.test_storage import capture

ELSEWHERE = "other-host.example"


@pytest.fixture
def archive(database_url: str):
    opened = Archive.open(database_url)
    yield opened
    opened.close()


@pytest.fixture
def site_id(archive: Archive) -> int:
    return archive.site_id("gyeongil", "gnuboard5", "http://x.example/?page={page}")


def dead_pid() -> int:
    """The pid of a process of this host that has ended (and been reaped)."""
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def run_row(archive: Archive, run_id: int) -> CrawlRun:
    with archive.sessions() as session:
        return session.get_one(CrawlRun, run_id)


def test_a_second_run_of_a_live_site_is_refused(archive: Archive, site_id: int) -> None:
    first = archive.runs.start(site_id, "backfill", date(2024, 1, 1), date(2024, 3, 31))
    with pytest.raises(SiteBusy) as refused:
        archive.runs.start(site_id, "daily", None, None)
    message = str(refused.value)
    assert f"site 'gyeongil' is already being crawled: run {first}" in message
    assert "backfill 2024-01-01..2024-03-31" in message and "scrapy runs --site gyeongil" in message
    other = archive.site_id("daejeon", None, "http://y.example/?page={page}")
    archive.runs.start(other, "daily", None, None)  # another site is not held
    archive.runs.finish(first, "finished", RunCounts())
    archive.runs.start(site_id, "daily", None, None)  # free again


def test_a_run_whose_process_is_gone_is_taken_over(archive: Archive, site_id: int) -> None:
    gone = RunOwner(dead_pid(), RunOwner.this_process().host)
    killed = archive.runs.start(site_id, "daily", None, None, owner=gone)
    with archive.sessions.begin() as session:
        session.add(capture(site_id, killed, "http://x.example/1", "article"))
        session.add(capture(site_id, killed, "http://x.example/2", "failed"))
    assert [r.status for r in archive.runs.listing("gyeongil")] == ["interrupted"]

    taker = archive.runs.start(site_id, "daily", None, None)
    dead = run_row(archive, killed)
    assert dead.status == "interrupted" and dead.finished_at is not None
    assert (dead.pages, dead.new, dead.failed) == (2, 1, 1)  # counted from its captures
    assert not archive.runs.heartbeat(killed, RunCounts())  # it lost the site
    assert archive.runs.heartbeat(taker, RunCounts(pages=3))
    assert run_row(archive, taker).pages == 3


def test_a_run_on_another_host_holds_the_site_until_silent(archive: Archive, site_id: int) -> None:
    remote = archive.runs.start(site_id, "daily", None, None, owner=RunOwner(1, ELSEWHERE))
    with pytest.raises(SiteBusy, match=f"process 1 on {ELSEWHERE}"):
        archive.runs.start(site_id, "daily", None, None)
    with archive.sessions.begin() as session:
        session.execute(
            update(CrawlRun)
            .where(CrawlRun.id == remote)
            .values(heartbeat_at=now_seoul() - STALE_AFTER - timedelta(seconds=1))
        )
    archive.runs.start(site_id, "daily", None, None)
    assert run_row(archive, remote).status == "interrupted"


def test_exit_codes_close_runs_left_running(archive: Archive, site_id: int) -> None:
    finished = archive.runs.start(site_id, "daily", None, None)
    archive.runs.finish(finished, "finished", RunCounts(pages=4, new=4))
    archive.runs.record_exit(finished, 0, "/var/log/a.log")
    killed = archive.runs.start(site_id, "daily", None, None)
    archive.runs.record_exit(killed, -9)
    crashed = archive.runs.start(site_id, "daily", None, None)
    archive.runs.record_exit(crashed, 1)
    rows = {r.id: r for r in archive.runs.listing()}
    assert (rows[finished].status, rows[finished].exit_code, rows[finished].new) == (
        "finished",
        0,
        4,
    )
    assert rows[finished].log_file == "/var/log/a.log"
    assert (rows[killed].status, rows[killed].exit_code) == ("interrupted", -9)
    assert (rows[crashed].status, rows[crashed].exit_code) == ("failed", 1)
    assert [r.id for r in archive.runs.listing(limit=2)] == [crashed, killed]
    assert archive.runs.listing("nowhere") == []


def test_resume_point_is_what_unfinished_runs_of_the_job_left(
    archive: Archive, site_id: int
) -> None:
    window = (date(2024, 1, 1), date(2024, 3, 31))
    runs = archive.runs
    assert runs.resume_point("gyeongil", "backfill", *window).number is None

    first = runs.start(site_id, "backfill", *window)
    for number in (1, 2, 3):
        runs.record_list_page(first, number, f"http://x.example/?page={number}", "gnuboard5", [])
    runs.record_list_page(first, 4, "http://x.example/?page=4", "gnuboard5", ["a", "b"])
    runs.record_exit(first, -9)
    other_window = runs.start(site_id, "backfill", date(2023, 1, 1), date(2023, 12, 31))
    runs.record_list_page(other_window, 9, "http://x.example/?page=9", "gnuboard5", ["z"])
    runs.finish(other_window, "shutdown", RunCounts())
    daily = runs.start(site_id, "daily", None, None)
    runs.record_list_page(daily, 7, "http://x.example/?page=7", "gnuboard5", ["y"])
    runs.finish(daily, "closespider_itemcount", RunCounts())

    resume = runs.resume_point("gyeongil", "backfill", *window)
    assert (resume.number, resume.family, resume.links, resume.furthest) == (
        4,
        "gnuboard5",
        ("a", "b"),
        4,
    )
    assert runs.unfinished_until("gyeongil", window[0]) == window[1]
    # a second interrupted run that read nothing yet: the first one's page still counts
    second = runs.start(site_id, "backfill", *window)
    assert runs.resume_point("gyeongil", "backfill", *window).number == 4
    runs.record_list_page(second, 5, "http://x.example/?page=5", "gnuboard5", ["c"])
    assert runs.resume_point("gyeongil", "backfill", *window).links == ("c",)
    runs.finish(second, "finished", RunCounts())
    assert runs.resume_point("gyeongil", "backfill", *window).number is None
    assert runs.unfinished_until("gyeongil", window[0]) is None

    daily_resume = runs.resume_point("gyeongil", "daily", None, None)
    assert (daily_resume.number, daily_resume.furthest) == (7, 7)


def test_a_killed_runs_counts_by_source_come_from_its_captures(
    archive: Archive, site_id: int
) -> None:
    killed = archive.runs.start(site_id, "daily", None, None)
    with archive.sessions.begin() as session:
        for url, outcome, found_by in (
            ("u1", "article", "feed"),
            ("u2", "article", "feed"),
            ("u3", "article", "list"),
            ("u4", "duplicate", "list"),
            ("u5", "article", None),  # tried again: found by no source this run
        ):
            row = capture(site_id, killed, url, outcome)
            row.found_by = found_by
            session.add(row)
    archive.runs.record_exit(killed, -9)
    (row,) = archive.runs.listing()
    assert (row.status, row.pages, row.new) == ("interrupted", 5, 4)
    assert row.found == {"feed": 2, "sitemap": 0, "list": 1}


def test_window_captures_are_those_of_the_same_window(archive: Archive, site_id: int) -> None:
    window = (date(2024, 1, 1), date(2024, 3, 31))
    old = datetime(2023, 12, 30, 9, 0, tzinfo=SEOUL)
    run = archive.runs.start(site_id, "backfill", *window)
    with archive.sessions.begin() as session:
        outside = capture(site_id, run, "u-outside", "outside_window")
        outside.published = old
        session.add(outside)
        session.add(capture(site_id, run, "u-failed", "failed"))
        session.add(capture(site_id, run, "u-notice", "not_article"))
    archive.runs.finish(run, "finished", RunCounts())
    urls = ["u-outside", "u-failed", "u-notice", "u-new"]
    assert archive.runs.window_captures("gyeongil", *window, urls) == {
        "u-outside": old,
        "u-notice": None,
    }
    assert archive.runs.window_captures("gyeongil", date(2023, 1, 1), window[1], urls) == {}


def test_upgrading_an_older_archive_ends_its_runs_left_running(database_url: str) -> None:
    engine = create_archive_engine(database_url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO sites (id, name, list_url, created_at) "
                "VALUES (1, 'gyeongil', 'http://x.example/{page}', :now)"
            ),
            {"now": datetime(2026, 1, 1)},
        )
        for run_id in (1, 2):
            connection.execute(
                text(
                    "INSERT INTO crawl_runs (id, site_id, mode, started_at, status, pages, new, "
                    "duplicate, failed) VALUES (:id, 1, 'daily', :now, 'running', 0, 0, 0, 0)"
                ),
                {"id": run_id, "now": datetime(2026, 1, 1)},
            )
    engine.dispose()
    archive = Archive.open(database_url)
    try:
        with archive.sessions() as session:
            statuses = session.scalars(select(CrawlRun.status)).all()
        assert statuses == ["interrupted", "interrupted"]
        site_id = archive.site_id("gyeongil", None, "http://x.example/{page}")
        archive.runs.start(site_id, "daily", None, None)
    finally:
        archive.close()
