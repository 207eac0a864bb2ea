"""Indexes for what every run asks of an archive of years: a site's failed URLs
(``captures`` by site, outcome and URL), export slices (``captures`` by
``published``, a site's by ``fetched_at``) and a capture's article
(``articles.capture_id``).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_captures_site_outcome_url", "captures", ["site_id", "outcome", "url", "fetched_at"]),
    ("ix_captures_published", "captures", ["published"]),
    ("ix_captures_site_fetched_at", "captures", ["site_id", "fetched_at"]),
    ("ix_articles_capture_id", "articles", ["capture_id"]),
)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
