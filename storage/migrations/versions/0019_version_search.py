"""Every version of an article searchable (SQLite): the versions a revisit
kept (``article_versions``, migration 0018) get the same two search indexes as
the articles, a trigram index (``versions_fts``) and a short-query index
(``versions_bigrams``, the terms of ``storage.bigrams``), kept by triggers, so
that a search finds an article by what an earlier version said: a figure it
corrected, a title it changed.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-04
"""

from __future__ import annotations

from storage.migrations.sqlite_statements import execute_on_sqlite

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

UPGRADE = (
    """CREATE VIRTUAL TABLE versions_fts USING fts5(
        title, body, content='article_versions', content_rowid='id', tokenize='trigram')""",
    """CREATE VIRTUAL TABLE versions_bigrams USING fts5(
        terms, content='', detail=none, tokenize='ascii')""",
    """CREATE TRIGGER versions_search_insert AFTER INSERT ON article_versions BEGIN
        INSERT INTO versions_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
        INSERT INTO versions_bigrams(rowid, terms)
        VALUES (new.id, article_bigrams(new.title, new.body));
    END""",
    """CREATE TRIGGER versions_search_delete AFTER DELETE ON article_versions BEGIN
        INSERT INTO versions_fts(versions_fts, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
        INSERT INTO versions_bigrams(versions_bigrams, rowid, terms)
        VALUES ('delete', old.id, article_bigrams(old.title, old.body));
    END""",
    "INSERT INTO versions_fts(versions_fts) VALUES ('rebuild')",
    """INSERT INTO versions_bigrams(rowid, terms)
        SELECT id, article_bigrams(title, body) FROM article_versions""",
)
DOWNGRADE = (
    "DROP TRIGGER versions_search_delete",
    "DROP TRIGGER versions_search_insert",
    "DROP TABLE versions_bigrams",
    "DROP TABLE versions_fts",
)


def upgrade() -> None:
    execute_on_sqlite(UPGRADE)  # a PostgreSQL archive is browsed through an SQLite mirror


def downgrade() -> None:
    execute_on_sqlite(DOWNGRADE)
