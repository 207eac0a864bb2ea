"""The short-query search index's terms: the characters and character pairs
of an article's title and body, each written as hexadecimal code points.

A trigram index cannot answer a query of one or two characters (``軍``,
``경산``); ``articles_bigrams`` (an FTS5 table, migration 0017) holds, for each
article, every character and every pair of adjacent characters it contains
once, so such a query is one term looked up. Terms are hexadecimal (6 digits
a code point) so FTS5's ``ascii`` tokenizer keeps each whole, whatever the
characters (punctuation, Hangul, Hanja). Pairs across a space or a line break
are left out: a query is stripped, so it never holds one. SQLite writes them
through the function :func:`register` adds to each connection, called by the
index's triggers; :data:`QUERY_TERM` turns a query into its term, in SQL.
"""

from __future__ import annotations

import re
import sqlite3

FUNCTION = "article_bigrams"
LONGEST = 2  # the longest query the index answers
# never in a term: a query is stripped of them (SQL: ``trim(:q, SPACES_SQL) = :q``)
_SPACES = re.compile("[ \t\n\r]+")
SPACES_SQL = "char(32, 9, 10, 13)"

# the term a query ``:q`` of 1 or 2 characters (no space) is looked up as
QUERY_TERM = (
    "CASE length(:q) WHEN 1 THEN printf('%06x', unicode(:q))"
    " ELSE printf('%06x%06x', unicode(:q), unicode(substr(:q, 2))) END"
)


def terms(title: str, body: str) -> str:
    """The index's terms for an article: each character and each pair of
    adjacent characters (no space or line break in either) once, space-separated
    (each character written in hexadecimal once, pairs joined from those)."""
    characters: set[str] = set()
    pairs: set[str] = set()
    for run in _SPACES.split(f"{title}\n{body}"):
        characters.update(run)
        pairs.update(map(str.__add__, run, run[1:]))
    code = {character: f"{ord(character):06x}" for character in characters}
    found = list(code.values())
    found += [code[pair[0]] + code[pair[1]] for pair in pairs]
    return " ".join(sorted(found))


def register(connection: sqlite3.Connection) -> None:
    """Give an SQLite connection the function the index's triggers call."""
    connection.create_function(FUNCTION, 2, terms, deterministic=True)
