"""``scrapy browse``'s Datasette: the archive read-only, its landing page
(the search), its facets (site, day in Korea time, author), the canned query
``search`` and an article's page. Datasette does the serving; this package
holds its configuration (:func:`datasette_for`), two plugins
(:mod:`browsing.plugin`, and :mod:`browsing.facets`, the article list's
facets) and the templates."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from datasette.app import Datasette
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
    return Datasette(
        [] if frozen else [str(path)],
        immutables=[str(path)] if frozen else [],
        metadata=metadata(path.stem, mirror),
        template_dir=str(TEMPLATES),
        settings={
            "default_page_size": 50,
            "facet_time_limit_ms": 1000,
            "sql_time_limit_ms": 3000,
            "suggest_facets": False,  # each suggestion would count every article
        },
    )
