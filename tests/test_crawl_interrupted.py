"""Crawls that end badly, on SQLite and PostgreSQL: a SIGKILL at any point
leaves no half-written page (one transaction per page), and a write that
fails (a full disk, a database turned read-only) stops the crawl with one
clear line and exit code 1; the next run completes the archive."""

from __future__ import annotations

import hashlib
import os
import re
import resource
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from sample_portal import SamplePortal, serve
from storage.archive import Archive
from storage.database import create_archive_engine
from storage.models import Article, Capture, CrawlRun, Requisite
from tests.conftest import FAST, Portal, start_scrapy

# one request at a time, apart enough that on a loaded machine too the crawl
# is still running when it is hit
SLOW = [*FAST, "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1", "-s", "DOWNLOAD_DELAY=0.2"]
SITE = "gnuboard"


@pytest.fixture
def portal(tmp_path: Path) -> Iterator[Portal]:
    """A smaller Gnuboard portal than conftest's: 40 articles, 10 a list page."""
    sample = SamplePortal(articles_per_site=40, per_page=10, sites=[SITE])
    with serve(sample) as base_url:
        sites_file = tmp_path / "sites.yaml"
        sites_file.write_text(sample.sites_yaml(base_url), encoding="utf-8")
        yield Portal(sample, base_url, sites_file)


def start(
    portal: Portal, database_url: str, *options: str, **popen: object
) -> subprocess.Popen[str]:
    return start_scrapy(
        "crawl",
        "portal",
        "-a",
        f"site={SITE}",
        *options,
        database_url=database_url,
        sites_file=portal.sites_file,
        **popen,
    )


def captures(database_url: str) -> int:
    """How many pages the archive holds captures of (their photos aside)."""
    archive = Archive.open(database_url)
    try:
        with archive.sessions() as session:
            pages = select(func.count()).where(Capture.outcome.not_in(("requisite", "page")))
            return session.scalar(pages) or 0
    finally:
        archive.close()


def wait_for_captures(database_url: str, count: int, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while captures(database_url) < count:
        assert process.poll() is None, process.communicate()[1][-3000:]
        assert time.monotonic() < deadline, "the crawl stored nothing"
        time.sleep(0.05)


def assert_whole_pages(database_url: str) -> set[str]:
    """Every article has its capture and every article capture its article; each
    capture's raw body is intact; every photo's capture belongs to an article,
    its bytes whole. Returns the archived URLs."""
    archive = Archive.open(database_url)
    with archive.sessions() as session:
        articles = session.scalars(select(Article)).all()
        stored = session.scalars(select(Capture).where(Capture.outcome != "page")).all()
        by_id = {capture.id: capture for capture in stored}
        for article in articles:
            capture = by_id[article.capture_id]
            assert (capture.url, capture.outcome) == (article.url, "article")
            assert article.title and article.body
        archived = {article.url for article in articles}
        owners = dict(session.execute(select(Requisite.capture_id, Requisite.article_id)).all())
        article_ids = {article.id for article in articles}
        for capture in stored:
            if capture.outcome == "requisite":
                assert owners[capture.id] in article_ids  # written with its article
                assert hashlib.sha256(capture.body).hexdigest() == capture.sha256
                continue
            assert capture.body.startswith(b"<!doctype html>")  # decompresses, whole
            assert (capture.outcome == "article") == (capture.url in archived)
    archive.close()
    return archived


def complete_run(portal: Portal, database_url: str) -> None:
    """Crawl again, to the end: the archive then holds every article once. (A
    backfill over every date: a daily run stops at the first list page with
    nothing new, before the pages the broken run never reached.)"""
    process = start(portal, database_url, "-a", "since=2000-01-01", *FAST)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr[-3000:]
    published = {portal.base_url + a.path for a in portal.portal.articles(SITE)}
    assert assert_whole_pages(database_url) == published


@pytest.mark.parametrize("after", [1, 20])
def test_sigkill_leaves_no_half_written_page(portal: Portal, database_url: str, after: int) -> None:
    Archive.open(database_url).close()
    process = start(portal, database_url, *SLOW)
    wait_for_captures(database_url, after, process)
    os.killpg(process.pid, signal.SIGKILL)  # the crawl and its extraction workers
    process.communicate(timeout=30)
    assert process.returncode == -signal.SIGKILL
    assert len(assert_whole_pages(database_url)) >= after - 1
    complete_run(portal, database_url)


def test_a_sigkill_of_the_crawl_alone_ends_its_workers_and_writer(
    portal: Portal, database_url: str
) -> None:
    """Only the crawl's own process is killed (as the OOM killer does): its
    extraction workers and archive writer end by themselves, mid-page or not,
    and leave whole pages only."""
    Archive.open(database_url).close()
    process = start(portal, database_url, *SLOW)
    wait_for_captures(database_url, 5, process)
    os.kill(process.pid, signal.SIGKILL)
    process.communicate(timeout=30)
    deadline = time.monotonic() + 15
    while True:  # the crawl's process group: its spawned workers and writer
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            break
        assert time.monotonic() < deadline, "a worker of the killed crawl is still running"
        time.sleep(0.1)
    assert len(assert_whole_pages(database_url)) >= 4
    complete_run(portal, database_url)


def test_ctrl_c_stops_the_crawl_and_its_workers(portal: Portal, database_url: str) -> None:
    """Ctrl-C in a terminal reaches the crawl's whole process group: the crawl
    shuts down (its workers leave that to it), records the run, keeps whole pages."""
    Archive.open(database_url).close()
    process = start(portal, database_url, *SLOW)
    wait_for_captures(database_url, 5, process)
    os.killpg(process.pid, signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 1, stderr[-3000:]
    assert "Traceback" not in stderr, stderr[-3000:]
    assert len(assert_whole_pages(database_url)) >= 4
    archive = Archive.open(database_url)
    with archive.sessions() as session:
        assert session.scalars(select(CrawlRun.status)).all() == ["shutdown"]
    archive.close()
    complete_run(portal, database_url)


def limit_file_size(limit: int) -> None:
    """In the crawl's process: no file may grow past ``limit`` bytes (a full disk)."""
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


def make_read_only(database_url: str) -> None:
    """Turn the PostgreSQL database read-only and drop its open connections."""
    name = make_url(database_url).database
    admin = create_archive_engine(database_url).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on'))
        connection.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = :name AND pid <> pg_backend_pid()"
            ),
            {"name": name},
        )
    admin.dispose()


def make_writable(database_url: str) -> None:
    url = make_url(database_url)
    server = url.set(database="postgres").render_as_string(hide_password=False)
    admin = create_archive_engine(server).execution_options(isolation_level="AUTOCOMMIT")
    name = url.database
    with admin.connect() as connection:
        connection.execute(text(f'ALTER DATABASE "{name}" SET default_transaction_read_only = off'))
    admin.dispose()


def test_a_failing_write_stops_the_crawl_with_one_clear_line(
    portal: Portal, database_url: str, tmp_path: Path
) -> None:
    Archive.open(database_url).close()
    if database_url.startswith("sqlite"):
        # the archive's files may grow by the pages of a first transaction or more (the
        # writer stores the pages queued together), not the portal's: then the disk is full
        # (where the last commit ends against the limit decides whether the run record fits)
        size = (tmp_path / "archive.db").stat().st_size
        limit = size + 1_000_000
        process = start(portal, database_url, *FAST, preexec_fn=lambda: limit_file_size(limit))
        expected = "disk I/O error"  # what SQLite makes of EFBIG; ENOSPC reads "disk is full"
    else:
        process = start(portal, database_url, *SLOW)
        wait_for_captures(database_url, 5, process)
        make_read_only(database_url)
        expected = "read-only transaction"
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 1, stderr[-3000:]
    last = stderr.strip().splitlines()[-1]
    # the write that failed first names itself: a page's, or a list page's record
    assert re.match(
        r"newsarchive: error: cannot (write to the archive|record a list page): ", last
    ), stderr[-3000:]
    assert expected in last and "the crawl stopped" in last, last
    archived = assert_whole_pages(database_url)
    assert 0 < len(archived) < len(portal.portal.articles(SITE))

    if database_url.startswith("postgresql"):
        make_writable(database_url)
    else:
        archive = Archive.open(database_url)
        with archive.sessions() as session:
            # closed when the run record still fit under the limit; else left
            # running, for the next run to mark ended (where the last page's
            # commit ended against the limit decides which)
            status = session.scalars(select(CrawlRun.status)).one()
        assert status in ("archive_write_failed", "running")
        archive.close()
    complete_run(portal, database_url)
    archive = Archive.open(database_url)
    with archive.sessions() as session:
        statuses = session.scalars(select(CrawlRun.status).order_by(CrawlRun.id)).all()
    archive.close()
    assert "running" not in statuses, statuses  # the broken run was ended by the next one
