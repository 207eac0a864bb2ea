"""A site's articles newest first from an index (SQLite): ``articles`` by site
and publication time in Korea time, so that a site's page of the landing
page, searched or not, reads the site's newest entries of the index (the
matches of its words looked up on the way) instead of sorting every article
of the site, each read for its time; its count reads the same entries.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-05
"""

from __future__ import annotations

from storage.migrations.sqlite_statements import execute_on_sqlite

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # published_kst is SQLite's alone (0017): PostgreSQL is browsed through its mirror
    execute_on_sqlite(
        ["CREATE INDEX ix_articles_site_published_kst ON articles (site_id, published_kst)"]
    )


def downgrade() -> None:
    execute_on_sqlite(["DROP INDEX ix_articles_site_published_kst"])
