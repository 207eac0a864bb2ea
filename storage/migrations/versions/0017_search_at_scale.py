"""Search and browse at millions of articles (SQLite): an index for queries
of one or two characters (``articles_bigrams``, FTS5, the terms of
``storage.bigrams`` written by triggers beside the trigram index), the
publication time and day in Korea time as indexed columns (written from
``published`` by triggers, and here for the rows already there), and ``article_index``
reading them, so that the newest articles, a search's results and the day
facet come from an index instead of a scan of every article. The view joins
``sites`` with a LEFT JOIN (every article has its site): a count of the
articles then reads no site, which SQLite leaves out of the join.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03
"""

from __future__ import annotations

from storage.migrations.sqlite_statements import execute_on_sqlite

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

# the publication time and day in Korea time, of ``published`` (stored in UTC);
# generated columns would do, but SQLite 3.40 never reads their index alone
KST = (
    "published_kst = strftime('%Y-%m-%dT%H:%M:%S+09:00', {row}published, '+9 hours'), "
    "day_kst = date({row}published, '+9 hours')"
)

# the view as migration 0010 made it, for the downgrade
VIEW_0010 = """CREATE VIEW article_index AS
    SELECT articles.id AS id,
           articles.title AS title,
           sites.name AS site,
           articles.author AS author,
           strftime('%Y-%m-%dT%H:%M:%S+09:00', articles.published, '+9 hours') AS published,
           date(articles.published, '+9 hours') AS day,
           articles.url AS url,
           articles.duplicate_of_id AS duplicate_of
    FROM articles JOIN sites ON sites.id = articles.site_id"""

UPGRADE = (
    "ALTER TABLE articles ADD COLUMN published_kst TEXT",
    "ALTER TABLE articles ADD COLUMN day_kst TEXT",
    f"""CREATE TRIGGER articles_kst_insert AFTER INSERT ON articles BEGIN
        UPDATE articles SET {KST.format(row="new.")} WHERE id = new.id;
    END""",
    f"""CREATE TRIGGER articles_kst_update AFTER UPDATE OF published ON articles BEGIN
        UPDATE articles SET {KST.format(row="new.")} WHERE id = new.id;
    END""",
    f"UPDATE articles SET {KST.format(row='')}",
    "CREATE INDEX ix_articles_published_kst ON articles (published_kst)",
    "CREATE INDEX ix_articles_day_kst ON articles (day_kst, site_id)",
    "CREATE INDEX ix_articles_author ON articles (author, site_id)",
    """CREATE VIRTUAL TABLE articles_bigrams USING fts5(
        terms, content='', detail=none, tokenize='ascii')""",
    """CREATE TRIGGER articles_bigrams_insert AFTER INSERT ON articles BEGIN
        INSERT INTO articles_bigrams(rowid, terms)
        VALUES (new.id, article_bigrams(new.title, new.body));
    END""",
    """CREATE TRIGGER articles_bigrams_delete AFTER DELETE ON articles BEGIN
        INSERT INTO articles_bigrams(articles_bigrams, rowid, terms)
        VALUES ('delete', old.id, article_bigrams(old.title, old.body));
    END""",
    """CREATE TRIGGER articles_bigrams_update AFTER UPDATE OF title, body ON articles BEGIN
        INSERT INTO articles_bigrams(articles_bigrams, rowid, terms)
        VALUES ('delete', old.id, article_bigrams(old.title, old.body));
        INSERT INTO articles_bigrams(rowid, terms)
        VALUES (new.id, article_bigrams(new.title, new.body));
    END""",
    """INSERT INTO articles_bigrams(rowid, terms)
        SELECT id, article_bigrams(title, body) FROM articles""",
    "DROP VIEW article_index",
    """CREATE VIEW article_index AS
    SELECT articles.id AS id,
           articles.title AS title,
           sites.name AS site,
           articles.author AS author,
           articles.published_kst AS published,
           articles.day_kst AS day,
           articles.url AS url,
           articles.duplicate_of_id AS duplicate_of
    FROM articles LEFT JOIN sites ON sites.id = articles.site_id""",
)
DOWNGRADE = (
    "DROP VIEW article_index",
    VIEW_0010,
    "DROP TRIGGER articles_bigrams_update",
    "DROP TRIGGER articles_bigrams_delete",
    "DROP TRIGGER articles_bigrams_insert",
    "DROP TABLE articles_bigrams",
    "DROP INDEX ix_articles_author",
    "DROP INDEX ix_articles_day_kst",
    "DROP INDEX ix_articles_published_kst",
    "DROP TRIGGER articles_kst_update",
    "DROP TRIGGER articles_kst_insert",
    "ALTER TABLE articles DROP COLUMN day_kst",
    "ALTER TABLE articles DROP COLUMN published_kst",
)


def upgrade() -> None:
    execute_on_sqlite(UPGRADE)  # a PostgreSQL archive is browsed through an SQLite mirror


def downgrade() -> None:
    execute_on_sqlite(DOWNGRADE)
