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

import sqlite3

import numpy as np

FUNCTION = "article_bigrams"
LONGEST = 2  # the longest query the index answers
# never in a term: a query is stripped of them (SQL: ``trim(:q, SPACES_SQL) = :q``)
_SPACES = np.array([ord(space) for space in " \t\n\r"], dtype="<u4")
SPACES_SQL = "char(32, 9, 10, 13)"

# the term a query ``:q`` of 1 or 2 characters (no space) is looked up as
QUERY_TERM = (
    "CASE length(:q) WHEN 1 THEN printf('%06x', unicode(:q))"
    " ELSE printf('%06x%06x', unicode(:q), unicode(substr(:q, 2))) END"
)


def terms(title: str, body: str) -> str:
    """The index's terms for an article: each character and each pair of
    adjacent characters (no space or line break in either) once, space-separated
    and sorted. The text is read as an array of code points: a pair is its two
    code points side by side in one number (each below 2**24), so its term is
    that number written in 12 hexadecimal digits."""
    text = f"{title}\n{body}".encode("utf-32-le", "surrogatepass")
    points = np.frombuffer(text, dtype="<u4")
    kept = ~np.isin(points, _SPACES)
    pairs = (points[:-1].astype(np.uint64) << 24) | points[1:]
    found = [f"{point:06x}" for point in np.unique(points[kept]).tolist()]
    found += [f"{pair:012x}" for pair in np.unique(pairs[kept[:-1] & kept[1:]]).tolist()]
    found.sort()
    return " ".join(found)


def register(connection: sqlite3.Connection) -> None:
    """Give an SQLite connection the function the index's triggers call."""
    connection.create_function(FUNCTION, 2, terms, deterministic=True)
