"""Every version of an article: revisits, corrections and takedowns.

``articles`` gains the modification stamp its latest version's page shows
(``modified``), that version's number (``version``), when a revisit first found
it gone (``gone_at``) and when it is next due for a revisit (``revisit_due``).
``article_versions`` keeps what each version of a changed article said and when
it was first seen so (an article never changed has no rows: it is its own
version 1); ``article_revisits`` records every revisit and what came of it;
``crawl_runs`` counts each run's revisits.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

_COUNTS = (
    "revisits_due",
    "revisits_fetched",
    "revisits_not_modified",
    "revisits_changed",
    "revisits_gone",
)


def upgrade() -> None:
    # plain ADD COLUMNs, never a batch: SQLite would copy and drop the tables,
    # which other tables' foreign keys refuse on an archive holding runs
    op.add_column("articles", sa.Column("modified", sa.DateTime(timezone=True), nullable=True))
    op.add_column(
        "articles", sa.Column("version", sa.Integer(), server_default="1", nullable=False)
    )
    op.add_column("articles", sa.Column("gone_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("articles", sa.Column("revisit_due", sa.DateTime(timezone=True), nullable=True))
    op.create_index(op.f("ix_articles_revisit_due"), "articles", ["revisit_due"], unique=False)
    for name in _COUNTS:
        op.add_column(
            "crawl_runs", sa.Column(name, sa.Integer(), server_default="0", nullable=False)
        )
    op.create_table(
        "article_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("capture_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("author", sa.Text(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("modified", sa.DateTime(timezone=True), nullable=True),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"]),
        sa.ForeignKeyConstraint(["capture_id"], ["captures.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("article_id", "version"),
    )
    with op.batch_alter_table("article_versions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_article_versions_article_id"), ["article_id"], unique=False
        )
    op.create_table(
        "article_revisits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("capture_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("result", sa.String(length=16), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"]),
        sa.ForeignKeyConstraint(["capture_id"], ["captures.id"]),
        sa.ForeignKeyConstraint(["run_id"], ["crawl_runs.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("article_revisits", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_article_revisits_article_id"), ["article_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_article_revisits_run_id"), ["run_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("article_revisits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_article_revisits_run_id"))
        batch_op.drop_index(batch_op.f("ix_article_revisits_article_id"))
    op.drop_table("article_revisits")
    with op.batch_alter_table("article_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_article_versions_article_id"))
    op.drop_table("article_versions")
    # plain DROP COLUMNs (SQLite 3.35 and later), for the reason given above
    for name in _COUNTS:
        op.drop_column("crawl_runs", name)
    op.drop_index(op.f("ix_articles_revisit_due"), table_name="articles")
    for name in ("revisit_due", "gone_at", "version", "modified"):
        op.drop_column("articles", name)
