"""Alembic environment: migrates the connection handed over by
``storage.database.migrate``, or ``DATABASE_URL`` when run as ``alembic``."""

from __future__ import annotations

from alembic import context

from storage.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    from storage.database import create_archive_engine, database_url

    with create_archive_engine(database_url()).begin() as own_connection:
        context.configure(
            connection=own_connection, target_metadata=Base.metadata, render_as_batch=True
        )
        context.run_migrations()
else:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    context.run_migrations()
