"""Storage on SQLite and on a real PostgreSQL server: migrations, aware
timestamps, one transaction per page, duplicate URLs, run records."""

from __future__ import annotations

import os
import subprocess
import sys
import zlib
from datetime import UTC, date, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import func, select, text

from storage.archive import Archive, RunCounts
from storage.database import (
    MIGRATIONS,
    SCHEMA_HEAD,
    ArchiveUnavailable,
    open_database,
    schema_revision,
)
from storage.models import Article, Base, Capture, CrawlRun
from storage.search import is_search_table
from storage.types import SEOUL
from tests.conftest import ROOT

PUBLISHED = datetime(2017, 4, 19, 11, 53, tzinfo=SEOUL)


def capture(
    site_id: int,
    run_id: int,
    url: str,
    outcome: str = "article",
    *,
    body: bytes = "<html>경산발전 10대 전략</html>".encode(),
    content_type: str | None = "text/html; charset=utf-8",
) -> Capture:
    """A fetched page as the archive pipeline stores it (fetched now)."""
    return Capture(
        site_id=site_id,
        run_id=run_id,
        url=url,
        final_url=url,
        status=200,
        headers={"Content-Type": content_type} if content_type else {},
        body_zlib=zlib.compress(body),
        fetched_at=datetime.now(SEOUL),
        outcome=outcome,
    )


def article(site_id: int, url: str, title: str | None = "경산발전 10대 전략 추진") -> Article:
    return Article(
        site_id=site_id,
        url=url,
        title=title,
        author="서인교",
        published=PUBLISHED,
        body="첫 문단.\n\n둘째 문단.",
        content_hash="0" * 64,
        extractor_version="1",
    )


@pytest.fixture
def archive(database_url: str):
    opened = Archive.open(database_url)
    yield opened
    opened.close()


@pytest.fixture
def run(archive: Archive) -> tuple[int, int]:
    site_id = archive.site_id("gyeongil", "gnuboard5", "http://x.example/?page={page}")
    return site_id, archive.start_run(site_id, "daily", None, None)


def schema_drift(archive: Archive) -> list[object]:
    """How the archive's schema differs from the models (the search index,
    which the models do not own, left out)."""
    with archive.engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={"include_name": lambda name, _type, _parent: not is_search_table(name)},
        )
        return compare_metadata(context, Base.metadata)


def test_migrations_match_the_models(archive: Archive) -> None:
    assert schema_drift(archive) == []


def test_the_schema_head_is_the_newest_migration(database_url: str) -> None:
    """An archive at ``SCHEMA_HEAD`` is opened without Alembic: it must be
    the migrations' head, and what opening a new archive stamps it with."""
    scripts = Config()
    scripts.set_main_option("script_location", str(MIGRATIONS))
    assert ScriptDirectory.from_config(scripts).get_current_head() == SCHEMA_HEAD
    engine = open_database(database_url)
    assert schema_revision(engine) == SCHEMA_HEAD
    engine.dispose()


def test_opening_twice_is_harmless(database_url: str) -> None:
    for _ in range(2):
        open_database(database_url).dispose()


def test_processes_opening_a_new_archive_at_once_all_succeed(database_url: str) -> None:
    """A new archive opened by several crawls started together is migrated once."""
    opening = "from storage.archive import Archive; Archive.open().close()"
    environment = {**os.environ, "DATABASE_URL": database_url}
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", opening], cwd=ROOT, env=environment, stderr=subprocess.PIPE
        )
        for _ in range(4)
    ]
    for process in processes:
        _, stderr = process.communicate(timeout=120)
        assert process.returncode == 0, stderr.decode()[-2000:]
    archive = Archive.open(database_url)
    assert schema_drift(archive) == []
    archive.close()


def test_an_archive_of_a_newer_version_is_one_clear_error(database_url: str) -> None:
    archive = Archive.open(database_url)
    with archive.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999_from_the_future'"))
    archive.close()
    with pytest.raises(ArchiveUnavailable, match="migrated by a newer newsarchive") as raised:
        Archive.open(database_url)
    assert "\n" not in str(raised.value) and "9999_from_the_future" in str(raised.value)


def test_times_come_back_aware_in_seoul(archive: Archive, run: tuple[int, int]) -> None:
    site_id, run_id = run
    archive.save_page(capture(site_id, run_id, "http://x.example/1"), article(site_id, "u1"))
    with archive.sessions() as session:
        stored = session.scalars(select(Article)).one()
        raw = stored.capture
    assert stored.published == PUBLISHED
    assert stored.published.utcoffset().total_seconds() == 9 * 3600
    assert raw.fetched_at.tzinfo is not None
    assert raw.body == "<html>경산발전 10대 전략</html>".encode()


def test_naive_times_are_refused(archive: Archive, run: tuple[int, int]) -> None:
    site_id, run_id = run
    naive = article(site_id, "u1")
    naive.published = datetime(2017, 4, 19, 11, 53)
    with pytest.raises(Exception, match="naive datetime"):
        archive.save_page(capture(site_id, run_id, "u1"), naive)
    assert count(archive, Capture) == 0


def test_same_url_is_stored_once(archive: Archive, run: tuple[int, int]) -> None:
    site_id, run_id = run
    first = archive.save_page(capture(site_id, run_id, "u1"), article(site_id, "u1"))
    second = archive.save_page(capture(site_id, run_id, "u1"), article(site_id, "u1"))
    assert (first, second) == ("article", "duplicate")
    assert count(archive, Article) == 1 and count(archive, Capture) == 2


def test_a_failed_write_leaves_neither_capture_nor_article(
    archive: Archive, run: tuple[int, int]
) -> None:
    site_id, run_id = run
    with pytest.raises(Exception):  # noqa: B017 - the database's own error type
        archive.save_page(capture(site_id, run_id, "u1"), article(site_id, "u1", title=None))
    assert count(archive, Capture) == 0 and count(archive, Article) == 0


def test_archived_dates_and_counts(archive: Archive, run: tuple[int, int]) -> None:
    site_id, run_id = run
    urls = [f"http://x.example/{n}" for n in range(1200)]  # more than one IN (...) chunk
    archive.save_page(capture(site_id, run_id, urls[7]), article(site_id, urls[7]))
    archive.save_page(capture(site_id, run_id, urls[1100]), article(site_id, urls[1100]))
    assert archive.archived_dates(urls) == {urls[7]: PUBLISHED, urls[1100]: PUBLISHED}
    assert archive.article_counts() == {"gyeongil": 2}


def test_run_record(archive: Archive) -> None:
    site_id = archive.site_id("gyeongil", None, "http://x.example/?page={page}")
    assert archive.site_id("gyeongil", "gnuboard5", "http://x.example/?p={page}") == site_id
    run_id = archive.start_run(site_id, "backfill", date(2024, 1, 1), date(2024, 1, 31))
    counts = RunCounts()
    for outcome in ("article", "article", "duplicate", "failed", "outside_window"):
        counts.count(outcome)
    archive.finish_run(run_id, "finished", counts)
    with archive.sessions() as session:
        stored = session.get_one(CrawlRun, run_id)
    assert (stored.mode, stored.since, stored.until, stored.status) == (
        "backfill",
        date(2024, 1, 1),
        date(2024, 1, 31),
        "finished",
    )
    assert (stored.pages, stored.new, stored.duplicate, stored.failed) == (5, 2, 1, 1)
    assert stored.finished_at is not None and stored.finished_at >= stored.started_at
    assert stored.started_at.astimezone(UTC).tzinfo is not None


def test_unreachable_database_is_one_clear_error(tmp_path) -> None:
    with pytest.raises(ArchiveUnavailable, match="does not exist"):
        open_database(f"sqlite:///{tmp_path / 'no' / 'such' / 'dir' / 'a.db'}")
    with pytest.raises(ArchiveUnavailable, match="cannot open archive"):
        open_database("postgresql://nobody:secret@127.0.0.1:1/none")
    with pytest.raises(ArchiveUnavailable, match="not usable"):
        open_database("nosuchdb://x")


def count(archive: Archive, model: type[Base]) -> int:
    with archive.sessions() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0
