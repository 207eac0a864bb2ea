"""A site's boilerplate learned at a flat cost: ``boilerplate_marks`` (how far
each site's boilerplate is learned), ``article_end_lines`` (the hashes of each
article's last lines, so that the articles holding a newly learned line are
found by index) and ``articles`` by site and id (a site's newest articles read
back), which stands in for the index on ``site_id`` alone.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "boilerplate_marks",
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("learned_through", sa.Integer(), nullable=False),
        sa.Column("articles", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"]),
        sa.PrimaryKeyConstraint("site_id"),
    )
    op.create_table(
        "article_end_lines",
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("line", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("article_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"]),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"]),
        sa.PrimaryKeyConstraint("site_id", "line", "article_id"),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_articles_site_id_id", "articles", ["site_id", "id"])
    op.drop_index("ix_articles_site_id", table_name="articles")


def downgrade() -> None:
    op.create_index("ix_articles_site_id", "articles", ["site_id"])
    op.drop_index("ix_articles_site_id_id", table_name="articles")
    op.drop_table("article_end_lines")
    op.drop_table("boilerplate_marks")
