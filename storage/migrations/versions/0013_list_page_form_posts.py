"""``run_list_pages.form``: the form post (URL and body) that shows the list
page after a form-paged list page, so that a resumed run goes on from it.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("run_list_pages") as batch:
        batch.add_column(sa.Column("form", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("run_list_pages") as batch:
        batch.drop_column("form")
