"""The archive database from one URL: engine settings per backend and migrations.

``DATABASE_URL`` names the database; without it the archive is an SQLite file
``newsarchive.db`` in the project root (the folder holding ``scrapy.cfg``).
Opening an archive brings its schema up to date with Alembic, so a fresh file
and an old archive both work after an upgrade. A command that only reads
opens an SQLite archive read-only (``mode=ro``, else ``immutable=1`` when its
folder is read-only too), so a read-only archive can be read. A database
error that is the archive's fault (a damaged SQLite file, a read-only archive,
a server that cannot be reached) is told in one line with what to do.
"""

from __future__ import annotations

import os
import shlex
import sqlite3
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import (
    ArgumentError,
    DatabaseError,
    DataError,
    IntegrityError,
    NotSupportedError,
    OperationalError,
    ProgrammingError,
    SQLAlchemyError,
)

from storage import bigrams
from storage.busy import waiting

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# the newest migration's revision: an archive at it is opened without Alembic,
# whose import and scripts cost a quarter of a second a process
# (tests/test_storage.py holds it to the migrations' head)
SCHEMA_HEAD = "0024"
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
    bigrams.register(dbapi_connection)  # called by the short-query index's triggers


def _tune_read_only(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA query_only=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def create_archive_engine(url: str, read_only: bool = False) -> Engine:
    """An engine for ``url`` with the settings the archive relies on; with
    ``read_only``, an SQLite file is opened read-only (see :func:`_read_only_file`)."""
    # a server's connections may drop while pooled: each is checked before use
    options: dict[str, object] = {"pool_pre_ping": not url.startswith("sqlite")}
    if read_only and (path := sqlite_file(url)) is not None:
        options["creator"] = _read_only_file(path)
    try:
        engine = create_engine(_with_driver(url), connect_args=_connect_args(url), **options)
    except ImportError as exc:  # the driver is not installed
        hint = " (run: pip install -e '.[postgresql]')" if url.startswith("postgres") else ""
        raise ArchiveUnavailable(
            f"DATABASE_URL {safe_url(url)!r} needs a database driver that is not installed"
            f"{hint}: {exc}"
        ) from exc
    except (ArgumentError, ValueError) as exc:
        raise ArchiveUnavailable(f"DATABASE_URL {safe_url(url)!r} is not usable: {exc}") from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _tune_read_only if "creator" in options else _tune_sqlite)
    return engine


def sqlite_file(url: str | URL) -> Path | None:
    """The file of an SQLite archive URL (None: another database, or in memory)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return None
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database).resolve()


def _read_only_file(path: Path) -> Callable[[], sqlite3.Connection]:
    """Connections to the SQLite file ``path`` that never write: ``mode=ro``, or
    ``immutable=1`` when that cannot read it (a WAL archive in a read-only
    folder, where its ``-shm`` file cannot be made)."""
    location = "file:" + quote(str(path))

    def connect() -> sqlite3.Connection:
        connection = sqlite3.connect(f"{location}?mode=ro", uri=True, check_same_thread=False)
        try:
            connection.execute("PRAGMA schema_version").fetchone()
        except sqlite3.OperationalError:
            connection.close()
            return sqlite3.connect(f"{location}?immutable=1", uri=True, check_same_thread=False)
        return connection

    return connect


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
    processes opening a new archive at once migrate it one after the other.
    Raises :class:`ArchiveUnavailable` when the archive was migrated by a newer
    newsarchive (a revision this version does not know)."""
    if schema_revision(engine) == SCHEMA_HEAD:
        return
    # Alembic is loaded only when there is something to migrate
    from alembic import command
    from alembic.config import Config
    from alembic.util.exc import CommandError

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    try:
        with engine.begin() as connection:
            hold_lock(connection, MIGRATION_LOCK)
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    except CommandError as exc:
        raise ArchiveUnavailable(
            f"archive {safe_url(engine.url)!r} was migrated by a newer newsarchive "
            f"({one_line(exc)}): upgrade newsarchive to use it"
        ) from exc


def schema_revision(engine: Engine) -> str | None:
    """The migration ``engine``'s archive is at; None for a database that is no archive yet."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()


def open_database(url: str | None = None, read_only: bool = False) -> Engine:
    """Connect to the archive at ``url`` (default: :func:`database_url`) and migrate it.

    With ``read_only`` (a command that only reads) an existing SQLite archive
    whose schema is up to date is opened read-only, and not migrated.
    Raises :class:`ArchiveUnavailable` with a one-line reason when the database
    cannot be reached or written.
    """
    url = url or database_url()
    if read_only:
        engine = _open_read_only(url)
        if engine is not None:
            return engine
    engine = create_archive_engine(url)
    if engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:"):
        folder = Path(engine.url.database).resolve().parent
        if not folder.is_dir():
            raise ArchiveUnavailable(
                f"DATABASE_URL {safe_url(url)!r}: folder {folder} does not exist"
            )
    try:
        waiting(lambda: migrate(engine))
    except ArchiveUnavailable:
        engine.dispose()
        raise
    except (SQLAlchemyError, OSError) as exc:
        engine.dispose()
        raise archive_fault(url, exc) or ArchiveUnavailable(
            f"cannot open archive {safe_url(url)!r}: {one_line(exc)}"
        ) from exc
    return engine


def _open_read_only(url: str) -> Engine | None:
    """The SQLite archive at ``url`` opened read-only when its schema is this
    version's; None when there is no such file or it needs migrating."""
    path = sqlite_file(url)
    if path is None or not path.is_file():
        return None
    engine = create_archive_engine(url, read_only=True)
    try:
        version = schema_revision(engine)
    except SQLAlchemyError as exc:
        engine.dispose()
        raise archive_fault(url, exc) or ArchiveUnavailable(
            f"cannot open archive {safe_url(url)!r}: {one_line(exc)}"
        ) from exc
    if version != SCHEMA_HEAD:  # not an archive yet, or an older one: migrating makes it this one
        engine.dispose()
        return None
    return engine


# the errors of a query or a constraint: the program's fault, not the archive's
_PROGRAM_ERRORS = (IntegrityError, ProgrammingError, DataError, NotSupportedError)
# what SQLite says of a damaged file
_DAMAGED = ("malformed", "file is not a database", "database corruption")
# the commands that read the archive without writing to it
READING_COMMANDS = "export, sites, failures, runs and browse"


def archive_fault(url: str | URL, error: BaseException) -> ArchiveUnavailable | None:
    """What ``error`` means for the user of the archive at ``url``, in one line
    with what to do: a damaged SQLite file, a read-only archive, a PostgreSQL
    server that cannot be reached; None when it is no fault of the archive
    (a query or a constraint it refused: the program's)."""
    if not isinstance(error, DatabaseError) or isinstance(error, _PROGRAM_ERRORS):
        return None
    said = one_line(error)
    path = sqlite_file(url)
    if path is not None and any(sign in said.lower() for sign in _DAMAGED):
        recovered = path.with_name(f"{path.stem}-recovered{path.suffix}")
        return ArchiveUnavailable(
            f"archive {path} is damaged ({said}): recover what it holds with "
            f'`sqlite3 {shlex.quote(str(path))} ".recover" | '
            f"sqlite3 {shlex.quote(str(recovered))}` and set "
            f"DATABASE_URL=sqlite:///{recovered}, or restore {path.name} from a backup"
        )
    if path is not None:
        locked = [
            f"{what} {place}"
            for what, place in (("the file", path), ("its folder", path.parent))
            if place.exists() and not os.access(place, os.W_OK)
        ]
        if locked or "readonly" in said:
            whose = " and ".join(locked) or "the file"
            return ArchiveUnavailable(
                f"archive {safe_url(url)!r} is not writable ({said}): {whose} is read-only "
                "and this command writes to the archive; make it writable, or copy the "
                f"archive to a writable folder and point DATABASE_URL at the copy "
                f"({READING_COMMANDS} read it as it is)"
            )
        return ArchiveUnavailable(
            f"cannot open archive {path}: {said} (check that the file and its folder "
            f"{path.parent} may be read and written)"
        )
    if "read-only" in said:
        return ArchiveUnavailable(
            f"archive {safe_url(url)!r} is not writable ({said}): this command writes to "
            f"the archive; give the role of DATABASE_URL the right to write it "
            f"({READING_COMMANDS} read it as it is)"
        )
    if isinstance(error, OperationalError):
        parsed = make_url(url)
        where = f"{parsed.host or 'localhost'}:{parsed.port or 5432}"
        return ArchiveUnavailable(
            f"cannot open archive {safe_url(url)!r}: {said} (check that the PostgreSQL "
            f"server on {where} is running and that DATABASE_URL names its role and database)"
        )
    return ArchiveUnavailable(f"archive {safe_url(url)!r}: {said}")


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
