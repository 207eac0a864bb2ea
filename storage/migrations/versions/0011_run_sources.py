"""Where a crawl found each page first (a feed, a sitemap or a list page), and
how many new articles each of those brought a run.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_COUNTS = ("found_feed", "found_sitemap", "found_list")


def upgrade() -> None:
    with op.batch_alter_table("captures", schema=None) as batch_op:
        batch_op.add_column(sa.Column("found_by", sa.String(length=16), nullable=True))
    with op.batch_alter_table("crawl_runs", schema=None) as batch_op:
        for name in _COUNTS:
            batch_op.add_column(sa.Column(name, sa.Integer(), server_default="0", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("crawl_runs", schema=None) as batch_op:
        for name in _COUNTS:
            batch_op.drop_column(name)
    with op.batch_alter_table("captures", schema=None) as batch_op:
        batch_op.drop_column("found_by")
