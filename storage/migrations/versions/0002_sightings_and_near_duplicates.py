"""Sightings (every place an article was seen) and the near-duplicate index.

Adds ``sightings``, ``minhash_bands`` and ``articles.minhash``; each article
already archived gets the sighting of its own URL.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("minhash", sa.LargeBinary(), nullable=True))

    op.create_table(
        "sightings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("published", sa.DateTime(timezone=True), nullable=True),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"]),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("article_id", "url", "site_id"),
    )
    with op.batch_alter_table("sightings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sightings_article_id"), ["article_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_sightings_url"), ["url"], unique=False)

    op.create_table(
        "minhash_bands",
        sa.Column("key", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"]),
        sa.PrimaryKeyConstraint("key", "article_id"),
        sqlite_with_rowid=False,
    )
    op.execute(
        "INSERT INTO sightings (article_id, site_id, url, published, first_seen, last_seen) "
        "SELECT id, site_id, url, published, archived_at, archived_at FROM articles"
    )


def downgrade() -> None:
    op.drop_table("minhash_bands")
    with op.batch_alter_table("sightings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sightings_url"))
        batch_op.drop_index(batch_op.f("ix_sightings_article_id"))
    op.drop_table("sightings")
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_column("minhash")
