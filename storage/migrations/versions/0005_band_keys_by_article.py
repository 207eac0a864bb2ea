"""MinHash band keys are found by article too: re-extraction replaces an
article's keys without scanning the whole index.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_minhash_bands_article_id", "minhash_bands", ["article_id"])


def downgrade() -> None:
    op.drop_index("ix_minhash_bands_article_id", table_name="minhash_bands")
