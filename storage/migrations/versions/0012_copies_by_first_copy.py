"""An index on ``articles.duplicate_of_id``: a story's copies are found by its
first copy when an earlier-published copy takes its place, without reading
every article.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02
"""

from __future__ import annotations

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_articles_duplicate_of_id", "articles", ["duplicate_of_id"])


def downgrade() -> None:
    op.drop_index("ix_articles_duplicate_of_id", table_name="articles")
