"""Alembic environment: migrates the connection handed over by
``storage.database.migrate``, or ``DATABASE_URL`` when run as ``alembic``."""

from __future__ import annotations

from alembic import context

from storage.models import Base
from storage.search import is_search_table

# tables in the archive database that the models do not own (APScheduler's job store)
FOREIGN_TABLES = {"apscheduler_jobs"}


def include_name(name: str | None, type_: str, _parent: object) -> bool:
    """Leave out the tables the models do not own: APScheduler's, and the
    search index (an FTS5 table and its shadow tables, migration 0010)."""
    return not (type_ == "table" and (name in FOREIGN_TABLES or is_search_table(name)))


OPTIONS = {"target_metadata": Base.metadata, "render_as_batch": True, "include_name": include_name}
connection = context.config.attributes.get("connection")
if connection is None:
    from storage.database import create_archive_engine, database_url

    with create_archive_engine(database_url()).begin() as own_connection:
        context.configure(connection=own_connection, **OPTIONS)
        context.run_migrations()
else:
    context.configure(connection=connection, **OPTIONS)
    context.run_migrations()
