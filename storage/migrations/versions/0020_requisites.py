"""An article's requisites: its photos and attached files, fetched with it.

``payloads`` keeps bytes once by their SHA-256 (a logo on every page, one
release on several boards); ``requisites`` records each photo or file of an
article: what it is, what came of its fetch, its digest and an attachment's
text; ``captures.sha256`` names the payload of a capture whose body is kept
there rather than in the row. On SQLite, the attachments' text gets the
two search indexes the articles have (``requisites_fts``, trigrams, and
``requisites_bigrams``, short queries), kept by triggers: a search finds an
article by what its attached release says.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.migrations.sqlite_statements import execute_on_sqlite

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


SEARCH = (
    """CREATE VIRTUAL TABLE requisites_fts USING fts5(
        name, text, content='requisites', content_rowid='id', tokenize='trigram')""",
    """CREATE VIRTUAL TABLE requisites_bigrams USING fts5(
        terms, content='', detail=none, tokenize='ascii')""",
    """CREATE TRIGGER requisites_search_insert AFTER INSERT ON requisites BEGIN
        INSERT INTO requisites_fts(rowid, name, text) VALUES (new.id, new.name, new.text);
        INSERT INTO requisites_bigrams(rowid, terms)
        VALUES (new.id, article_bigrams(new.name, new.text));
    END""",
    """CREATE TRIGGER requisites_search_delete AFTER DELETE ON requisites BEGIN
        INSERT INTO requisites_fts(requisites_fts, rowid, name, text)
        VALUES ('delete', old.id, old.name, old.text);
        INSERT INTO requisites_bigrams(requisites_bigrams, rowid, terms)
        VALUES ('delete', old.id, article_bigrams(old.name, old.text));
    END""",
)
SEARCH_DOWNGRADE = (
    "DROP TRIGGER requisites_search_delete",
    "DROP TRIGGER requisites_search_insert",
    "DROP TABLE requisites_bigrams",
    "DROP TABLE requisites_fts",
)


def upgrade() -> None:
    op.create_table(
        "payloads",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("body_zlib", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("sha256"),
    )
    # a plain ADD COLUMN, never a batch (see 0018), so with no foreign key
    op.add_column("captures", sa.Column("sha256", sa.String(length=64), nullable=True))
    op.create_table(
        "requisites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("file_type", sa.String(length=16), nullable=True),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("caption", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("media_type", sa.String(length=255), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("size", sa.BigInteger(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("capture_id", sa.Integer(), nullable=True),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"]),
        sa.ForeignKeyConstraint(["capture_id"], ["captures.id"]),
        sa.ForeignKeyConstraint(["sha256"], ["payloads.sha256"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("article_id", "url"),
    )
    op.create_index("ix_requisites_article_id", "requisites", ["article_id"], unique=False)
    op.create_index("ix_requisites_url", "requisites", ["url"], unique=False)
    execute_on_sqlite(SEARCH)  # a PostgreSQL archive is browsed through an SQLite mirror


def downgrade() -> None:
    execute_on_sqlite(SEARCH_DOWNGRADE)
    op.drop_index("ix_requisites_url", table_name="requisites")
    op.drop_index("ix_requisites_article_id", table_name="requisites")
    op.drop_table("requisites")
    op.drop_column("captures", "sha256")
    op.drop_table("payloads")
