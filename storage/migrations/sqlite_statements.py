"""Run a migration's SQLite-only statements: the search indexes, triggers and
views a PostgreSQL archive has none of (it is browsed through an SQLite mirror)."""

from __future__ import annotations

from collections.abc import Iterable

from alembic import op


def execute_on_sqlite(statements: Iterable[str]) -> None:
    """Execute ``statements`` in order when the archive is SQLite; else nothing."""
    if op.get_bind().dialect.name != "sqlite":
        return
    for statement in statements:
        op.execute(statement)
