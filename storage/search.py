"""Korean full-text search over the archive's articles, and the SQLite
snapshot a PostgreSQL archive is browsed through.

On SQLite the articles carry an FTS5 ``trigram`` index of title and body
(``articles_fts``, migration 0010, kept in sync by triggers): a word is found
inside a longer one (``산업혁명`` in ``4차산업혁명은``), which ``unicode61``
cannot do. Trigrams need three characters: a shorter query (``경산``, ``軍``)
is a substring match over the articles table itself, never a ``LIKE`` on the
trigram table (SQLite 3.40, Debian 12's, returns nothing for that).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, select, text
from sqlalchemy.engine import Connection

from storage.database import create_archive_engine, migrate
from storage.models import Article, Capture, CrawlRun, Sighting, Site

SEARCH_INDEX = "articles_fts"
TRIGRAM = 3  # the shortest query the trigram index answers; shorter ones are substring matches
MARK, END_MARK = "<mark>", "</mark>"

# the phrase ``q`` as an FTS5 query: one quoted string, its quotes doubled
_PHRASE = "'\"' || replace(:q, '\"', '\"\"') || '\"'"

# the ids of the articles matching :q
MATCHED = f"""
SELECT rowid AS id FROM articles_fts
WHERE length(:q) >= {TRIGRAM} AND articles_fts MATCH {_PHRASE}
UNION ALL
SELECT id FROM articles
WHERE length(:q) BETWEEN 1 AND {TRIGRAM - 1} AND (instr(title, :q) > 0 OR instr(body, :q) > 0)
"""

# the canned query ``search`` (parameter q): the newest 500, each with a
# snippet (made for those 500 only: a common word matches thousands)
SEARCH = f"""
WITH newest AS (
  SELECT article_index.id, article_index.url, article_index.title, article_index.site,
         article_index.published
  FROM ({MATCHED}) AS matched JOIN article_index ON article_index.id = matched.id
  ORDER BY article_index.published DESC, article_index.id DESC
  LIMIT 500
)
SELECT newest.*,
       CASE WHEN length(:q) >= {TRIGRAM} THEN (
         SELECT snippet(articles_fts, 1, '{MARK}', '{END_MARK}', '…', 24) FROM articles_fts
         WHERE articles_fts MATCH {_PHRASE} AND articles_fts.rowid = newest.id
       ) ELSE (
         SELECT replace(substr(body, max(instr(body, :q) - 40, 1), 100), :q,
                        '{MARK}' || :q || '{END_MARK}')
         FROM articles WHERE articles.id = newest.id
       ) END AS snippet
FROM newest
ORDER BY newest.published DESC, newest.id DESC
"""

# a filter of a table page: the articles matching :q
MATCHING_IDS = f"id IN ({MATCHED})"


def is_search_table(name: str | None) -> bool:
    """Whether ``name`` is the search index or one of the tables FTS5 keeps for it."""
    return bool(name) and (name == SEARCH_INDEX or name.startswith(SEARCH_INDEX + "_"))


def search(connection: Connection, query: str) -> list[dict[str, str | int | None]]:
    """The articles matching ``query`` (the canned query's rows), newest first."""
    rows = connection.execute(text(SEARCH), {"q": query.strip()})
    return [dict(row._mapping) for row in rows]


# what a snapshot copies, parents first; the articles' raw captures only
_SNAPSHOT = (Site, CrawlRun, Capture, Article, Sighting)


def snapshot(source: Engine, path: Path, chunk: int = 1000) -> int:
    """Copy ``source``'s articles (with their sites, runs, raw captures and
    sightings) into a new SQLite archive at ``path``, with its search index;
    return how many articles. Built beside ``path`` and renamed into place, so
    a snapshot being served is replaced whole."""
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    target = create_archive_engine(f"sqlite:///{partial}")
    try:
        migrate(target)
        with source.connect() as reading, target.connect() as writing:
            # rows come in id order: a copy may point at an article written later
            writing.exec_driver_sql("PRAGMA foreign_keys=OFF")
            for model in _SNAPSHOT:
                table = model.__table__
                query = select(table).order_by(table.c.id)
                if model is Capture:
                    query = query.where(table.c.id.in_(select(Article.capture_id)))
                if model is Article:
                    query = select(*(c for c in table.c if c.name != "minhash")).order_by(
                        table.c.id
                    )
                result = reading.execution_options(yield_per=chunk).execute(query)
                for rows in result.partitions(chunk):
                    writing.execute(table.insert(), [dict(row._mapping) for row in rows])
            writing.commit()
            articles = writing.execute(text("SELECT count(*) FROM articles")).scalar_one()
    finally:
        target.dispose()
    partial.replace(path)
    return articles
