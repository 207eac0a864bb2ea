"""Copies by first copy, the first copies left out: ``articles`` by
``duplicate_of_id`` where it is set. Near-duplicate matching reads a first
copy's copies each time a first copy's body is written again (cleaned,
re-extracted, revised); an index holding every first copy's NULL as well
makes SQLite's statistics (``ANALYZE``) count a value as matching most of the
table, and it then reads the whole table instead.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

_SET = sa.text("duplicate_of_id IS NOT NULL")


def upgrade() -> None:
    op.drop_index("ix_articles_duplicate_of_id", table_name="articles")
    op.create_index(
        "ix_articles_duplicate_of_id",
        "articles",
        ["duplicate_of_id"],
        sqlite_where=_SET,
        postgresql_where=_SET,
    )


def downgrade() -> None:
    op.drop_index("ix_articles_duplicate_of_id", table_name="articles")
    op.create_index("ix_articles_duplicate_of_id", "articles", ["duplicate_of_id"])
