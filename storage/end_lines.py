"""The index of articles by their end lines: the hashes of the lines
boilerplate learning may take off a body's end
(``pipelines.boilerplate.end_lines``), so that the articles holding a newly
learned line are found by index, never by reading a site's bodies.

Learning indexes the articles it reads for the first time; a write that gives
an article another body (a revisit's new version, a re-extraction) indexes
the new body's lines in place of the old."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import Connection, delete, select
from sqlalchemy.dialects import postgresql, sqlite

from storage.models import Article, ArticleEndLine


def index_end_lines(
    connection: Connection, site_id: int, lines: Mapping[int, frozenset[int]]
) -> None:
    """Index the site's articles (id -> the hashes of their end lines) by their
    end lines (an article indexed before keeps its rows)."""
    rows = [
        {"site_id": site_id, "line": line, "article_id": article_id}
        for article_id, hashes in lines.items()
        for line in sorted(hashes)
    ]
    if rows:
        dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
        connection.execute(dialect.insert(ArticleEndLine).on_conflict_do_nothing(), rows)


def replace_end_lines(connection: Connection, lines: Mapping[int, frozenset[int]]) -> None:
    """Put ``lines`` (article id -> the hashes of its new body's end lines) in
    place of those articles' end lines."""
    if not lines:
        return
    ids = sorted(lines)
    connection.execute(delete(ArticleEndLine).where(ArticleEndLine.article_id.in_(ids)))
    sites = connection.execute(select(Article.id, Article.site_id).where(Article.id.in_(ids)))
    for article_id, site_id in sites:
        index_end_lines(connection, site_id, {article_id: lines[article_id]})
