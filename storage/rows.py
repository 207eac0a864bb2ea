"""One row inserted by a Core statement: the archive's write paths (a page,
a revisit, an article's requisites) insert unsaved models this way rather
than through the ORM's unit of work, which costs more on the hot path."""

from __future__ import annotations

from sqlalchemy import Connection, inspect
from sqlalchemy import insert as insert_statement

from storage.models import Base


def insert_row(connection: Connection, row: Base) -> int:
    """Insert a new ``row`` (an unsaved model) with the columns set on it (the
    columns' defaults fill the others); its id."""
    given = inspect(row).dict
    values = {
        column.key: given[column.key] for column in row.__table__.columns if column.key in given
    }
    return connection.execute(insert_statement(type(row)), values).inserted_primary_key[0]
