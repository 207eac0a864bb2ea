"""Korean full-text search over the archive's articles (SQLite: an archive
file, or the mirror of a PostgreSQL archive, ``storage.mirror``).

On SQLite the articles carry an FTS5 ``trigram`` index of title and body
(``articles_fts``, migration 0010, kept in sync by triggers): a word is found
inside a longer one (``산업혁명`` in ``4차산업혁명은``), which ``unicode61``
cannot do. Trigrams need three characters: a shorter query (``경산``, ``軍``)
is one term of the short-query index (``articles_bigrams``, migration 0017,
``storage.bigrams``), never a ``LIKE`` on the trigram table (SQLite 3.40,
Debian 12's, returns nothing for that); one the index cannot answer (it holds
a space) is a substring match over the articles. Results are ordered by the
indexed publication time in Korea time (``articles.published_kst``): the
matches' ids are gathered from the indexes, then that index is read newest
first until enough of them are found (:data:`MATCHING_IDS`), so a common word
(``지원``, in nearly half the articles) never reads every matching article's
row to sort them.

Every version a revisit kept is searchable too (``versions_fts`` and
``versions_bigrams``, migration 0019): an article is found by what an earlier
version said (a figure it corrected, its old title), once, as its latest row;
and by its attachments' names and text (``requisites_fts`` and
``requisites_bigrams``, migration 0020): the release a press office attached.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection

from storage.bigrams import LONGEST, QUERY_TERM, SPACES_SQL

SEARCH_INDEX = "articles_fts"
SHORT_INDEX = "articles_bigrams"
# the same two of every version a revisit kept (migration 0019)
VERSIONS_INDEX = "versions_fts"
VERSIONS_SHORT_INDEX = "versions_bigrams"
# the same two of the attachments' names and text (migration 0020)
FILES_INDEX = "requisites_fts"
FILES_SHORT_INDEX = "requisites_bigrams"
# what migrations 0017 and 0022 add to ``articles`` for search and browse (the
# models do not own them)
SEARCH_COLUMNS = ("published_kst", "day_kst")
SEARCH_INDEXES = (
    "ix_articles_published_kst",
    "ix_articles_day_kst",
    "ix_articles_author",
    "ix_articles_site_published_kst",
)
TRIGRAM = LONGEST + 1  # the shortest query the trigram index answers
MARK, END_MARK = "<mark>", "</mark>"

# the phrase ``q`` as an FTS5 query: one quoted string, its quotes doubled
_PHRASE = "'\"' || replace(:q, '\"', '\"\"') || '\"'"

# the ids of the rows of ``table`` (``articles``, ``article_versions`` or
# ``requisites``) matching :q in its text columns ``{first}`` and ``{second}``,
# through its trigram index ``{fts}`` and its short-query index ``{bigrams}``,
# else (a short query holding a space) by substring
_MATCHED_ROWS = """
SELECT rowid AS id FROM {fts}
WHERE length(:q) >= {trigram} AND {fts} MATCH {phrase}
UNION ALL
SELECT rowid AS id FROM {bigrams}
WHERE length(:q) BETWEEN 1 AND {longest} AND trim(:q, {spaces}) = :q
  AND {bigrams} MATCH '"' || {term} || '"'
UNION ALL
SELECT id FROM {table}
WHERE length(:q) BETWEEN 1 AND {longest} AND trim(:q, {spaces}) <> :q
  AND (instr({first}, :q) > 0 OR instr({second}, :q) > 0)
"""


def _matched_rows(
    table: str, fts: str, bigrams: str, columns: tuple[str, str] = ("title", "body")
) -> str:
    return _MATCHED_ROWS.format(
        table=table,
        first=columns[0],
        second=columns[1],
        fts=fts,
        bigrams=bigrams,
        trigram=TRIGRAM,
        longest=LONGEST,
        spaces=SPACES_SQL,
        phrase=_PHRASE,
        term=QUERY_TERM,
    )


# whether the text of ``{row}`` holds :q (as the indexes match: case aside)
_HOLDS = "(instr(lower({row}.title), lower(:q)) > 0 OR instr(lower({row}.body), lower(:q)) > 0)"
# whether the name or the text (NULL: none read) of the attachment ``{row}`` holds :q
_FILE_HOLDS = (
    "(coalesce(instr(lower({row}.name), lower(:q)), 0) > 0"
    " OR coalesce(instr(lower({row}.text), lower(:q)), 0) > 0)"
)

# the ids of the articles matching :q in their latest version, then those of
# the articles matching it only in an earlier one a revisit kept (through its
# newest such version), then those matching it only in an attachment (through
# the first such), so each article comes once, and no DISTINCT keeps the
# newest 500 from being read in order through the publication-time index
MATCHED = f"""
{_matched_rows("articles", SEARCH_INDEX, SHORT_INDEX)}
UNION ALL
SELECT earlier.article_id AS id
FROM ({_matched_rows("article_versions", VERSIONS_INDEX, VERSIONS_SHORT_INDEX)}) AS versions
JOIN article_versions AS earlier ON earlier.id = versions.id
JOIN articles AS latest ON latest.id = earlier.article_id
WHERE earlier.version < latest.version AND NOT {_HOLDS.format(row="latest")}
  AND NOT EXISTS (
    SELECT 1 FROM article_versions AS later
    WHERE later.article_id = earlier.article_id
      AND later.version > earlier.version AND later.version < latest.version
      AND {_HOLDS.format(row="later")}
  )
UNION ALL
SELECT file.article_id AS id
FROM ({_matched_rows("requisites", FILES_INDEX, FILES_SHORT_INDEX, ("name", "text"))}) AS files
JOIN requisites AS file ON file.id = files.id
JOIN articles AS latest ON latest.id = file.article_id
WHERE NOT {_HOLDS.format(row="latest")}
  AND NOT EXISTS (
    SELECT 1 FROM article_versions AS earlier
    WHERE earlier.article_id = file.article_id AND {_HOLDS.format(row="earlier")}
  )
  AND NOT EXISTS (
    SELECT 1 FROM requisites AS before
    WHERE before.article_id = file.article_id AND before.id < file.id
      AND {_FILE_HOLDS.format(row="before")}
  )
"""

# whether the article ``id`` (of ``articles`` or ``article_index``) matches :q:
# its ids gathered once, then looked up as the rows are read in the order
# asked for (``+``: never the ids used to find the rows, which would read the
# row of every match to sort them); a filter of a table page too
MATCHING_IDS = f"+id IN ({MATCHED})"
# how many articles match :q, counted from the indexes alone
MATCH_COUNT = f"SELECT count(*) FROM ({MATCHED})"

# the canned query ``search`` (parameter q): the newest 500, each with a
# snippet (made for those 500 only: a common word matches thousands): the
# body around the query's first place in it (FTS5's snippet() tokenized each
# body again: a common word took 586 ms on 100,000 articles with it, 215 without),
# from the latest version's body when it holds the query (title or body), else
# from the newest earlier one whose body holds it, else from the first
# attachment whose text holds it
SEARCH = f"""
WITH newest AS (
  SELECT article_index.id, article_index.url, article_index.title, article_index.site,
         article_index.published
  FROM article_index WHERE {MATCHING_IDS}
  ORDER BY article_index.published DESC, article_index.id DESC
  LIMIT 500
)
SELECT newest.*, (
         SELECT replace(substr(body, max(instr(lower(body), lower(:q)) - 40, 1), 100), :q,
                        '{MARK}' || :q || '{END_MARK}')
         FROM (
           SELECT body, {_HOLDS.format(row="articles")} AS holds, 1 AS latest, 0 AS version
           FROM articles WHERE articles.id = newest.id
           UNION ALL
           SELECT body, 1, 0, version FROM article_versions
           WHERE article_versions.article_id = newest.id AND instr(lower(body), lower(:q)) > 0
           UNION ALL
           SELECT text, 1, 0, -id FROM requisites
           WHERE requisites.article_id = newest.id AND instr(lower(text), lower(:q)) > 0
         )
         ORDER BY holds DESC, latest DESC, version DESC
         LIMIT 1
       ) AS snippet
FROM newest
ORDER BY newest.published DESC, newest.id DESC
"""


def is_search_table(name: str | None) -> bool:
    """Whether ``name`` is one of search's own: the search indexes, the tables
    FTS5 keeps for them, and the columns and indexes migration 0017 adds to
    ``articles`` (the models do not own them)."""
    if not name:
        return False
    if name in SEARCH_COLUMNS or name in SEARCH_INDEXES:
        return True
    return any(
        name == index or name.startswith(index + "_")
        for index in (
            SEARCH_INDEX,
            SHORT_INDEX,
            VERSIONS_INDEX,
            VERSIONS_SHORT_INDEX,
            FILES_INDEX,
            FILES_SHORT_INDEX,
        )
    )


def search(connection: Connection, query: str) -> list[dict[str, str | int | None]]:
    """The articles matching ``query`` (the canned query's rows), newest first."""
    rows = connection.execute(text(SEARCH), {"q": query.strip()})
    return [dict(row._mapping) for row in rows]
