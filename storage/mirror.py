"""The SQLite mirror a PostgreSQL archive is browsed through: its sites, runs,
articles, sightings, article versions and revisits, and the articles'
requisites as recorded (no raw captures or payloads, no MinHash
signatures), with the search indexes SQLite keeps for them.

The first mirror copies the whole archive; each later one only the rows whose
ids are above the mirror's highest (less a margin: a row committed late, after
one with a higher id, is still found), and again the runs that were running
at the last copy, so that a start reads what changed, not the archive.
A copy commits a chunk of rows at a time (:func:`catching_up`): the mirror
is served while it catches up, and a copy stopped half way resumes where it
stopped.
An article a revisit found changed, gone or back since it was mirrored is
copied again (its latest version, ``gone_at``); articles re-extracted since
they were mirrored keep their old text there until the mirror is built again
(``rebuild``). A mirror of another
archive is built again. A raw capture is read from the archive when asked
for (:func:`source_capture`).
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import (
    Engine,
    Insert,
    Select,
    Table,
    bindparam,
    case,
    func,
    select,
    text,
    update,
)
from sqlalchemy.engine import Connection

from storage.database import create_archive_engine, migrate, safe_url
from storage.models import (
    Article,
    ArticleRevisit,
    ArticleVersion,
    Capture,
    CrawlRun,
    Payload,
    Requisite,
    RevisitResult,
    Sighting,
    Site,
)

# rows below a mirror's highest id read again: ids given out by transactions
# that committed after a higher one
MARGIN = 1000
# what a mirror copies, parents first: the columns it keeps of each
_TABLES: tuple[tuple[Table, tuple[str, ...]], ...] = (
    (Site.__table__, ()),
    (CrawlRun.__table__, ()),
    (Article.__table__, ("minhash",)),
    (Sighting.__table__, ()),
    (ArticleVersion.__table__, ()),
    (ArticleRevisit.__table__, ()),
    (Requisite.__table__, ()),
)
# what a revisit found that changed its article's row
_ROW_CHANGED = (RevisitResult.CHANGED, RevisitResult.GONE, RevisitResult.BACK)


def source_mark(source: Engine) -> int:
    """What tells one archive's mirror from another's (SQLite's ``user_version``)."""
    return zlib.crc32(safe_url(source.url).encode()) & 0x7FFF_FFFF


def mirror(source: Engine, path: Path, rebuild: bool = False, chunk: int = 1000) -> dict[str, int]:
    """Bring the SQLite mirror at ``path`` up to date with the archive
    ``source`` (built whole when missing, of another archive, or ``rebuild``);
    return how many rows it copied, by table."""
    prepare(source, path, rebuild)
    copied = {table.name: 0 for table, _ in _TABLES}
    for name, rows in catching_up(source, path, chunk):
        copied[name] += rows
    return copied


def prepare(source: Engine, path: Path, rebuild: bool = False) -> None:
    """Make the mirror at ``path`` ready to serve as it is and to catch up:
    made again, empty, when missing, of another archive or ``rebuild``; its
    schema migrated; marked as ``source``'s from the start, so that a copy
    stopped half way is resumed, not begun again."""
    mark = source_mark(source)
    if rebuild or (path.exists() and _mark_of(path) != mark):
        for suffix in ("", "-wal", "-shm"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)
    target = create_archive_engine(f"sqlite:///{path}")
    try:
        migrate(target)
        with target.begin() as writing:
            writing.exec_driver_sql(f"PRAGMA user_version={mark}")
    finally:
        target.dispose()


def catching_up(source: Engine, path: Path, chunk: int = 1000) -> Iterator[tuple[str, int]]:
    """Copy into the prepared mirror at ``path`` the rows of ``source`` it
    lacks, ``chunk`` rows a transaction, each committed before it is
    yielded as (table, rows taken in): readers of the mirror see it grow,
    and a copy stopped between chunks (the generator closed) loses none."""
    target = create_archive_engine(f"sqlite:///{path}")
    try:
        with source.connect() as reading, target.connect() as writing:
            # a copy may point at a row written later, or at a capture left out
            writing.exec_driver_sql("PRAGMA foreign_keys=OFF")
            # a new mirror copies every article as it is now
            fresh = _highest(writing, Article.__table__) is None
            revisited = _highest(writing, ArticleRevisit.__table__) or 0
            for table, left_out in _TABLES:
                for rows in _copy(reading, writing, table, left_out, chunk):
                    writing.commit()
                    yield table.name, rows
            if not fresh:
                _copy_revisited(reading, writing, revisited)
                writing.commit()
    finally:
        target.dispose()


def source_articles(source: Engine) -> int:
    """How many articles the archive ``source`` holds (what its mirror will)."""
    with source.connect() as reading:
        return reading.execute(select(func.count()).select_from(Article.__table__)).scalar_one()


def _highest(writing: Connection, table: Table) -> int | None:
    """The mirror's highest id of ``table``; None when it holds no row."""
    return writing.execute(select(func.max(table.c.id))).scalar_one()


def _copy_revisited(reading: Connection, writing: Connection, highest: int) -> None:
    """Copy again the articles mirrored before a revisit above ``highest``
    (the mirror's highest before this copy, less the margin) changed their
    row: their latest version, their takedown. An update, so that the search
    indexes follow (the mirror's triggers)."""
    revisits = ArticleRevisit.__table__
    ids = select(revisits.c.article_id).where(
        revisits.c.id > highest - MARGIN, revisits.c.result.in_([r.value for r in _ROW_CHANGED])
    )
    table = Article.__table__
    columns = [column for column in table.c if column.name not in ("id", "minhash")]
    rows = reading.execute(
        select(table.c.id.label("row_id"), *(c.label(f"new_{c.name}") for c in columns)).where(
            table.c.id.in_(ids.distinct())
        )
    ).all()
    if rows:
        statement = (
            update(table)
            .where(table.c.id == bindparam("row_id"))
            .values({c.name: bindparam(f"new_{c.name}") for c in columns})
        )
        writing.execute(statement, [dict(row._mapping) for row in rows])


def _mark_of(path: Path) -> int:
    engine = create_archive_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            return connection.exec_driver_sql("PRAGMA user_version").scalar_one()
    finally:
        engine.dispose()


def _copy(
    reading: Connection, writing: Connection, table: Table, left_out: tuple[str, ...], chunk: int
) -> Iterator[int]:
    """Copy ``table``'s rows the mirror may lack, and again the runs it holds
    as running, a chunk at a time: how many rows each chunk took in."""
    columns = [column for column in table.c if column.name not in left_out]
    query = select(*columns).order_by(table.c.id)
    highest = writing.execute(select(func.max(table.c.id))).scalar_one()
    if highest is not None:
        query = query.where(table.c.id > highest - MARGIN)
    if table is CrawlRun.__table__:  # a run's row changes until it ends
        running = select(table.c.id).where(table.c.status == "running")
        ids = writing.execute(running).scalars().all()
        again = select(*columns).where(table.c.id.in_(ids)).order_by(table.c.id)
        replace = table.insert().prefix_with("OR REPLACE")
        yield from _insert(reading, writing, again, replace, chunk)
    yield from _insert(reading, writing, query, table.insert().prefix_with("OR IGNORE"), chunk)


def _insert(
    reading: Connection, writing: Connection, query: Select, insert: Insert, chunk: int
) -> Iterator[int]:
    for rows in reading.execution_options(yield_per=chunk).execute(query).partitions(chunk):
        yield writing.execute(insert, [dict(row._mapping) for row in rows]).rowcount


def count_articles(path: Path) -> int:
    """How many articles the mirror at ``path`` holds."""
    engine = create_archive_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            return connection.execute(text("SELECT count(*) FROM articles")).scalar_one()
    finally:
        engine.dispose()


# a capture's compressed body: its own, or the payload it shares by digest
_STORED_BODY = case(
    (func.length(Capture.body_zlib) == 0, func.coalesce(Payload.body_zlib, Capture.body_zlib)),
    else_=Capture.body_zlib,
).label("body_zlib")


def source_capture(url: str, capture_id: int) -> dict[str, bytes | str] | None:
    """A raw capture the mirror left out, read from the archive at ``url``:
    its compressed body and its headers as JSON text (as SQLite holds them)."""
    engine = create_archive_engine(url)
    try:
        with engine.connect() as connection:
            found = connection.execute(
                select(_STORED_BODY, Capture.headers)
                .outerjoin(Payload, Payload.sha256 == Capture.sha256)
                .where(Capture.id == capture_id)
            ).first()
    finally:
        engine.dispose()
    if found is None:
        return None
    return {"body_zlib": found.body_zlib, "headers": json.dumps(found.headers or {})}
