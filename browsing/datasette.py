"""``scrapy browse``'s Datasette: the archive read-only, its landing page
(the search), its facets (site, day in Korea time, author), the canned query
``search`` and an article's page. Datasette does the serving; this package
holds its configuration (:func:`datasette_for`), two plugins
(:mod:`browsing.plugin`, and :mod:`browsing.facets`, the article list's
facets) and the templates."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

from datasette.app import Datasette
from datasette.database import Database, QueryInterrupted
from datasette.plugins import pm

from browsing import facets, plugin
from browsing.catching_up import CatchingUp
from storage.search import SEARCH

TEMPLATES = Path(__file__).resolve().parent / "templates"
# the environment variable naming the PostgreSQL archive a mirror is of (never
# shown: Datasette's metadata page shows the variable's name, not its value)
SOURCE = "NEWSARCHIVE_BROWSE_ARCHIVE"
HIDDEN = (
    "minhash_bands",
    "band_key_stories",
    "alembic_version",
    "apscheduler_jobs",
    "run_list_pages",
)


def metadata(database: str, mirror: bool = False) -> dict[str, Any]:
    """Datasette's metadata for the archive served as ``database`` (the mirror
    of the PostgreSQL archive :data:`SOURCE` names, whose raw captures it reads)."""
    return {
        "title": "newsarchive",
        "plugins": {"newsarchive": {"archive": {"$env": SOURCE}}} if mirror else {},
        "databases": {
            database: {
                "tables": {
                    "article_index": {
                        "title": "articles",
                        "description": "Published times and days are Korea time (+09:00). "
                        "Add ?_q= to search titles and bodies.",
                        # counted from indexes when nothing filters the list
                        "facets": [{"indexed": column} for column in ("site", "day", "author")],
                        "sort_desc": "published",
                        "label_column": "title",
                    },
                    **{name: {"hidden": True} for name in HIDDEN},
                },
                "queries": {
                    "search": {
                        "title": "Search articles",
                        "description": "Korean full-text search of titles and bodies: three "
                        "characters or more through the trigram index, shorter through the index "
                        "of characters and character pairs.",
                        "sql": SEARCH,
                        "hide_sql": True,
                    }
                },
            }
        },
    }


class ArchiveDatabase(Database):
    """The archive as Datasette serves it, its database page counting only
    the tables it shows: the hidden ones (the search indexes, the
    near-duplicate bands) hold tens of millions of rows at a million
    articles, and SQLite counts a table in one step that Datasette's time
    limit cannot stop (at 1,000,000 articles: 1.9 s of the first page of each
    start with the file in memory, 4.5 s and 20 s for two tables from disk)."""

    async def table_counts(self, limit: int = 10) -> dict[str, int | None]:
        hidden = set(await self.hidden_table_names())
        counts: dict[str, int | None] = {}
        for table in await self.table_names():
            counts[table] = None
            if table in hidden:
                continue
            try:
                rows = await self.execute(
                    f"select count(*) from [{table}]", custom_time_limit=limit
                )
            except (QueryInterrupted, sqlite3.DatabaseError):  # as Datasette's own counts
                continue
            counts[table] = rows.first()[0]
        return counts


def datasette_for(path: Path, mirror: bool = False, copy: CatchingUp | None = None) -> Datasette:
    """A Datasette serving the SQLite archive at ``path`` read-only (a
    PostgreSQL archive's mirror: the archive is named by :data:`SOURCE`, and
    ``copy`` brings the mirror up to date while it is served); as
    immutable when its folder is read-only, where SQLite cannot make the
    ``-shm`` file a read-only WAL connection needs."""
    if not pm.is_registered(plugin):
        pm.register(plugin, name="newsarchive")
    if not pm.is_registered(facets):
        pm.register(facets, name="newsarchive-facets")
    for registered in [p for p in pm.get_plugins() if isinstance(p, CatchingUp)]:
        pm.unregister(registered)  # one copy a process
    if copy is not None:
        pm.register(copy, name=copy.__name__)
    frozen = not os.access(path.parent, os.W_OK)
    datasette = Datasette(
        metadata=metadata(path.stem, mirror),
        template_dir=str(TEMPLATES),
        settings={
            "default_page_size": 50,
            "facet_time_limit_ms": 1000,
            "sql_time_limit_ms": 3000,
            "suggest_facets": False,  # each suggestion would count every article
        },
    )
    datasette.remove_database("_memory")  # made when no file is given: the archive is the one
    datasette.add_database(ArchiveDatabase(datasette, str(path), is_mutable=not frozen))
    return datasette
