"""Each site's learned frame (the blocks on its every article page), versioned.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "site_frames",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("blocks", sa.JSON(), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("learned_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("site_id", "version"),
    )
    with op.batch_alter_table("site_frames", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_site_frames_site_id"), ["site_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("site_frames", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_site_frames_site_id"))
    op.drop_table("site_frames")
