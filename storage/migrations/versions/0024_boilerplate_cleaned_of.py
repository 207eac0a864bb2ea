"""``boilerplate_marks.cleaned_of``: the version of a site's boilerplate whose
lines every article of the site was cleaned of when its mark last moved. A
run stopped between recording a new version and cleaning its lines' holders
leaves it behind, and the next run cleans on. Marks made before it were
moved by runs that finished cleaning: they name the site's newest version.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("boilerplate_marks") as table:
        table.add_column(sa.Column("cleaned_of", sa.Integer(), server_default="0", nullable=False))
    op.execute(
        "UPDATE boilerplate_marks SET cleaned_of = COALESCE(("
        "SELECT MAX(version) FROM site_boilerplate"
        " WHERE site_boilerplate.site_id = boilerplate_marks.site_id), 0)"
    )


def downgrade() -> None:
    with op.batch_alter_table("boilerplate_marks") as table:
        table.drop_column("cleaned_of")
