"""What the archive tells a crawl about pages that went wrong, on SQLite and
PostgreSQL: pages to fetch again, pages that are no article, list pages
counted in the run record; and an archive that cannot be reached or written
(read-only, missing, wrong host, role, database, a server that never answers)
stops ``scrapy crawl`` with one line before anything is fetched."""

from __future__ import annotations

import os
import socket
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from storage.archive import Archive, RunCounts
from storage.database import ArchiveUnavailable
from storage.models import CrawlRun
from tests.conftest import POSTGRES_ENV, Portal, scrapy
from tests.test_crawl_interrupted import make_read_only
from tests.test_storage import article, capture


@pytest.fixture
def archive(database_url: str):
    opened = Archive.open(database_url)
    yield opened
    opened.close()


def test_pages_that_only_failed_are_fetched_again(archive: Archive) -> None:
    site_id = archive.site_id("gyeongil", "gnuboard5", "http://x.example/?page={page}")
    other = archive.site_id("other", None, "http://y.example/?page={page}")
    run_id = archive.start_run(site_id, "daily", None, None)
    for url, outcomes in {
        "u-failed-once": ["failed"],
        "u-failed-thrice": ["failed", "failed", "failed"],
        "u-then-archived": ["failed", "article"],
        "u-gone": ["not_article"],
        "u-failed-then-gone": ["failed", "not_article"],
    }.items():
        for outcome in outcomes:
            archive.save_page(
                capture(site_id, run_id, url, outcome),
                article(site_id, url) if outcome == "article" else None,
            )
    archive.save_page(capture(other, run_id, "u-elsewhere", "failed"), None)

    assert archive.failed_urls("gyeongil", max_failures=5) == ["u-failed-once", "u-failed-thrice"]
    assert archive.failed_urls("gyeongil", max_failures=3) == ["u-failed-once"]
    assert "u-failed-once" not in archive.archived_dates(["u-failed-once"])
    urls = ["u-failed-once", "u-then-archived", "u-gone", "u-failed-then-gone", "u-new"]
    assert archive.not_articles(urls) == {"u-gone", "u-failed-then-gone"}


def test_list_page_failures_are_kept_in_the_run_record(archive: Archive) -> None:
    site_id = archive.site_id("gyeongil", None, "http://x.example/?page={page}")
    run_id = archive.start_run(site_id, "daily", None, None)
    archive.finish_run(run_id, "finished", RunCounts(pages=3, failed=1, list_failed=2))
    with archive.sessions() as session:
        run = session.get_one(CrawlRun, run_id)
    assert (run.pages, run.failed, run.list_failed) == (3, 1, 2)


def test_a_writable_archive_passes_the_write_probe(archive: Archive) -> None:
    archive.check_writable()
    with archive.engine.connect() as connection:  # the probe changed nothing
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


@contextmanager
def read_only(path: Path) -> Iterator[None]:
    """``path`` (a file or a folder) made read-only for this process: by its
    mode, and for root (whom modes do not stop) by the immutable attribute."""
    mode = path.stat().st_mode & 0o777
    path.chmod(0o555 if path.is_dir() else 0o444)
    immutable = os.geteuid() == 0
    if immutable:
        subprocess.run(["chattr", "+i", str(path)], check=True)
    try:
        yield
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(path)], check=True)
        path.chmod(mode)


def test_a_read_only_archive_fails_the_write_probe(tmp_path: Path) -> None:
    path = tmp_path / "archive.db"
    Archive.open(f"sqlite:///{path}").close()
    with read_only(path):
        archive = Archive.open(f"sqlite:///{path}")
        try:
            with pytest.raises(ArchiveUnavailable, match=r"is not writable \(attempt to write a"):
                archive.check_writable()
        finally:
            archive.close()


def refused_crawl(portal: Portal, database_url: str) -> str:
    """Run a crawl against ``database_url``; it must stop before fetching: the one line."""
    result = scrapy(
        "crawl",
        "portal",
        "-a",
        "site=gnuboard",
        database_url=database_url,
        sites_file=portal.sites_file,
    )
    assert result.returncode == 2, result.stderr[-2000:]
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr[-2000:]
    assert sum(portal.portal.hits.values()) == 0
    return lines[0]


def test_a_read_only_archive_stops_the_crawl_before_it_fetches(
    portal: Portal, database_url: str, tmp_path: Path
) -> None:
    Archive.open(database_url).close()
    if database_url.startswith("sqlite"):
        with read_only(tmp_path / "archive.db"):
            line = refused_crawl(portal, database_url)
        assert "attempt to write a readonly database" in line
    else:
        make_read_only(database_url)
        line = refused_crawl(portal, database_url)
        assert "read-only transaction" in line
    assert line.startswith("newsarchive: error: archive ") and "is not writable" in line


def test_a_missing_folder_stops_the_crawl_before_it_fetches(portal: Portal, tmp_path: Path) -> None:
    line = refused_crawl(portal, f"sqlite:///{tmp_path / 'no' / 'such' / 'archive.db'}")
    assert "does not exist" in line


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A port that accepts connections and never says a word."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield listener.getsockname()[1]


@pytest.mark.postgresql
@pytest.mark.parametrize(
    ("change", "problem"),
    [
        # a socket folder that does not exist: no host name to look up (no DNS query)
        ({"host": "/nonexistent-newsarchive"}, "/nonexistent-newsarchive"),
        ({"port": 1, "password": "s3cret"}, "Connection refused"),
        ({"username": "nobody_here"}, 'role "nobody_here" does not exist'),
        ({"database": "no_such_archive"}, 'database "no_such_archive" does not exist'),
        ({"port": "silent", "query": {"connect_timeout": "2"}}, "timeout expired"),
    ],
)
def test_an_unreachable_postgresql_stops_the_crawl_before_it_fetches(
    portal: Portal, silent_server: int, change: dict[str, Any], problem: str
) -> None:
    server = os.environ[POSTGRES_ENV]
    if change.get("port") == "silent":
        change = {**change, "port": silent_server}
    url = make_url(server).set(**change).render_as_string(hide_password=False)
    line = refused_crawl(portal, url)
    assert line.startswith("newsarchive: error: cannot open archive ")
    assert problem in line
    assert "s3cret" not in line
