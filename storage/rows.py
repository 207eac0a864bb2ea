"""One row inserted by a Core statement: the archive's write paths (a page,
a revisit, an article's requisites) insert unsaved models this way rather
than through the ORM's unit of work, which costs more on the hot path."""

from __future__ import annotations

from functools import cache

from sqlalchemy import Connection, Insert, inspect
from sqlalchemy import insert as insert_statement

from storage.models import Base


def insert_row(connection: Connection, row: Base) -> int:
    """Insert a new ``row`` (an unsaved model) with the columns set on it (the
    columns' defaults fill the others); its id."""
    given = inspect(row).dict
    statement, columns = _insert(type(row))
    values = {key: given[key] for key in columns if key in given}
    return connection.execute(statement, values).inserted_primary_key[0]


@cache
def _insert(model: type[Base]) -> tuple[Insert, tuple[str, ...]]:
    """The insert statement of ``model``'s table, made once (SQLAlchemy then
    finds its compiled form without building it again), and its columns."""
    return insert_statement(model), tuple(column.key for column in model.__table__.columns)
