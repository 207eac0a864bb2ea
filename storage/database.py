"""The archive database from one URL: engine settings per backend and migrations.

``DATABASE_URL`` names the database; without it the archive is an SQLite file
``newsarchive.db`` in the project root (the folder holding ``scrapy.cfg``).
Opening an archive brings its schema up to date with Alembic, so a fresh file
and an old archive both work after an upgrade.
"""

from __future__ import annotations

import os
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.util.exc import CommandError
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SQLITE_FILE_NAME = "newsarchive.db"


class ArchiveUnavailable(RuntimeError):
    """The archive database cannot be opened; the message says which and why."""


def project_root(start: Path | None = None) -> Path:
    """The closest folder holding ``scrapy.cfg`` from ``start`` (the cwd) upwards."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "scrapy.cfg").is_file():
            return folder
    return here


def database_url() -> str:
    """``DATABASE_URL``, or the default SQLite file in the project root."""
    return os.environ.get("DATABASE_URL") or f"sqlite:///{project_root() / SQLITE_FILE_NAME}"


def _with_driver(url: str) -> str:
    """Use psycopg 3 for plain ``postgresql://`` / ``postgres://`` URLs."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _connect_args(url: str) -> dict[str, int]:
    """PostgreSQL: give up connecting after 10 s (unless the URL says otherwise),
    so that a host that never answers is reported instead of waited for."""
    if url.startswith(("postgresql", "postgres:")) and "connect_timeout=" not in url:
        return {"connect_timeout": 10}
    return {}


def _tune_sqlite(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def create_archive_engine(url: str) -> Engine:
    """An engine for ``url`` with the settings the archive relies on."""
    try:
        engine = create_engine(
            _with_driver(url), pool_pre_ping=True, connect_args=_connect_args(url)
        )
    except ImportError as exc:  # the driver is not installed
        hint = " (run: pip install -e '.[postgresql]')" if url.startswith("postgres") else ""
        raise ArchiveUnavailable(
            f"DATABASE_URL {safe_url(url)!r} needs a database driver that is not installed"
            f"{hint}: {exc}"
        ) from exc
    except (ArgumentError, ValueError) as exc:
        raise ArchiveUnavailable(f"DATABASE_URL {safe_url(url)!r} is not usable: {exc}") from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _tune_sqlite)
    return engine


# archive-wide locks (PostgreSQL advisory lock keys): see ``hold_lock``
MIGRATION_LOCK = 0x6E65_7701


def hold_lock(connection: Connection, key: int) -> None:
    """Take the archive-wide lock ``key`` until ``connection``'s transaction
    ends: another process taking it waits. On PostgreSQL an advisory lock; on
    SQLite the database's write lock, its only lock, taken before the
    transaction reads anything. It must be the transaction's first statement."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})
    elif connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def migrate(engine: Engine) -> None:
    """Bring the schema of ``engine``'s database to the newest migration. Two
    processes opening a new archive at once migrate it one after the other."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        hold_lock(connection, MIGRATION_LOCK)
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def open_database(url: str | None = None) -> Engine:
    """Connect to the archive at ``url`` (default: :func:`database_url`) and migrate it.

    Raises :class:`ArchiveUnavailable` with a one-line reason when the database
    cannot be reached or written.
    """
    url = url or database_url()
    engine = create_archive_engine(url)
    if engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:"):
        folder = Path(engine.url.database).resolve().parent
        if not folder.is_dir():
            raise ArchiveUnavailable(
                f"DATABASE_URL {safe_url(url)!r}: folder {folder} does not exist"
            )
    try:
        migrate(engine)
    except CommandError as exc:  # a revision this version does not know
        engine.dispose()
        raise ArchiveUnavailable(
            f"archive {safe_url(url)!r} was migrated by a newer newsarchive "
            f"({one_line(exc)}): upgrade newsarchive to use it"
        ) from exc
    except (SQLAlchemyError, OSError) as exc:
        engine.dispose()
        raise ArchiveUnavailable(f"cannot open archive {safe_url(url)!r}: {one_line(exc)}") from exc
    return engine


def one_line(error: BaseException) -> str:
    """What the database (or driver) said of ``error``, on one line; its type
    when it said nothing."""
    said = str(getattr(error, "orig", None) or error).strip()
    return said.splitlines()[0] if said else type(error).__name__


def safe_url(url: str | URL) -> str:
    """``url`` with any password hidden, for messages."""
    if isinstance(url, URL):
        return url.render_as_string(hide_password=True)
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url
