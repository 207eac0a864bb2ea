"""Korean full-text search over articles (SQLite): an FTS5 trigram index of
title and body kept in sync with ``articles`` by triggers (whichever process
writes), and a view of the articles with their publication time and day in
Korea time (stored times are UTC), for browsing and facets.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-28
"""

from __future__ import annotations

from storage.migrations.sqlite_statements import execute_on_sqlite

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

UPGRADE = (
    """CREATE VIRTUAL TABLE articles_fts USING fts5(
        title, body, content='articles', content_rowid='id', tokenize='trigram')""",
    """CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
        INSERT INTO articles_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
    END""",
    """CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
    END""",
    """CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, body ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
        INSERT INTO articles_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
    END""",
    "INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')",
    """CREATE VIEW article_index AS
    SELECT articles.id AS id,
           articles.title AS title,
           sites.name AS site,
           articles.author AS author,
           strftime('%Y-%m-%dT%H:%M:%S+09:00', articles.published, '+9 hours') AS published,
           date(articles.published, '+9 hours') AS day,
           articles.url AS url,
           articles.duplicate_of_id AS duplicate_of
    FROM articles JOIN sites ON sites.id = articles.site_id""",
)
DOWNGRADE = (
    "DROP VIEW article_index",
    "DROP TRIGGER articles_fts_update",
    "DROP TRIGGER articles_fts_delete",
    "DROP TRIGGER articles_fts_insert",
    "DROP TABLE articles_fts",
)


def upgrade() -> None:
    execute_on_sqlite(UPGRADE)  # a PostgreSQL archive is browsed through an SQLite mirror


def downgrade() -> None:
    execute_on_sqlite(DOWNGRADE)
