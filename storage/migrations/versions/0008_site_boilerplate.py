"""Each site's learned boilerplate lines, versioned.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "site_boilerplate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("lines", sa.JSON(), nullable=False),
        sa.Column("stories", sa.Integer(), nullable=False),
        sa.Column("learned_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("site_id", "version"),
    )
    with op.batch_alter_table("site_boilerplate", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_site_boilerplate_site_id"), ["site_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("site_boilerplate", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_site_boilerplate_site_id"))
    op.drop_table("site_boilerplate")
