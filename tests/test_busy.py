"""A write SQLite refuses with ``database is locked`` is tried again, whole,
until it goes through, or until it waited its bound: then one clear error."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

from storage.busy import ArchiveLocked, is_locked, waiting
from storage.database import create_archive_engine, open_database

NAMES = itertools.count()
ANOTHER_SITE = text(
    "INSERT INTO sites (name, list_url, created_at) VALUES (:name, 'x', '2026-12-03')"
)


@pytest.fixture
def engines(tmp_path: Path) -> Iterator[tuple[Engine, Engine]]:
    """Two writers' handles on one SQLite archive."""
    url = f"sqlite:///{tmp_path / 'archive.db'}"
    open_database(url).dispose()
    ours, theirs = create_archive_engine(url), create_archive_engine(url)
    yield ours, theirs
    ours.dispose()
    theirs.dispose()


def raced(ours: Engine, theirs: Engine, races: int, tries: list[int]) -> None:
    """A transaction that reads, then writes: the first ``races`` times it is
    tried, the other writer commits between its read and its write, so SQLite
    refuses the write at once (its snapshot is stale) with ``database is locked``."""
    tries.append(len(tries) + 1)
    with ours.connect() as connection:
        connection.exec_driver_sql("BEGIN")
        connection.execute(text("SELECT count(*) FROM sites")).scalar()
        if len(tries) <= races:
            with theirs.begin() as other:
                other.execute(ANOTHER_SITE, {"name": f"site{next(NAMES)}"})
        connection.execute(text("UPDATE alembic_version SET version_num = version_num"))
        connection.commit()


def test_a_refused_transaction_is_tried_again_whole(engines: tuple[Engine, Engine]) -> None:
    ours, theirs = engines
    with pytest.raises(OperationalError) as refused:
        raced(ours, theirs, 1, [])
    assert is_locked(refused.value)
    tries: list[int] = []
    waiting(lambda: raced(ours, theirs, 3, tries))
    assert tries == [1, 2, 3, 4]


def test_a_lock_held_past_the_bound_is_one_clear_error(engines: tuple[Engine, Engine]) -> None:
    ours, theirs = engines
    tries: list[int] = []
    with pytest.raises(ArchiveLocked, match="the archive stayed locked by other writers"):
        waiting(lambda: raced(ours, theirs, 10**6, tries), max_wait=0.5)
    assert len(tries) > 1


def test_other_errors_are_not_tried_again(engines: tuple[Engine, Engine]) -> None:
    ours, _ = engines
    tries: list[int] = []

    def broken() -> None:
        tries.append(1)
        with ours.begin() as connection:
            connection.execute(text("SELECT * FROM no_such_table"))

    with pytest.raises(OperationalError, match="no such table"):
        waiting(broken)
    assert tries == [1]
