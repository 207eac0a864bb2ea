"""``scrapy browse``'s Datasette: the archive read-only, its facets (site,
day in Korea time, author), the canned query ``search`` and an article's
page. Datasette does the serving; this package holds its configuration
(:func:`datasette_for`), one plugin (:mod:`browsing.plugin`) and the
templates."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from datasette.app import Datasette
from datasette.plugins import pm

from browsing import plugin
from storage.search import SEARCH

TEMPLATES = Path(__file__).resolve().parent / "templates"
HIDDEN = (
    "minhash_bands",
    "band_key_stories",
    "alembic_version",
    "apscheduler_jobs",
    "run_list_pages",
)


def metadata(database: str) -> dict[str, Any]:
    """Datasette's metadata for the archive served as ``database``."""
    return {
        "title": "newsarchive",
        "databases": {
            database: {
                "tables": {
                    "article_index": {
                        "title": "articles",
                        "description": "Published times and days are Korea time (+09:00). "
                        "Add ?_q= to search titles and bodies.",
                        "facets": ["site", "day", "author"],
                        "sort_desc": "published",
                        "label_column": "title",
                    },
                    **{name: {"hidden": True} for name in HIDDEN},
                },
                "queries": {
                    "search": {
                        "title": "Search articles",
                        "description": "Korean full-text search of titles and bodies: three "
                        "characters or more through the trigram index, shorter as a substring.",
                        "sql": SEARCH,
                        "hide_sql": True,
                    }
                },
            }
        },
    }


def datasette_for(path: Path) -> Datasette:
    """A Datasette serving the SQLite archive at ``path`` read-only."""
    if not pm.is_registered(plugin):
        pm.register(plugin, name="newsarchive")
    return Datasette(
        [str(path)],
        metadata=metadata(path.stem),
        template_dir=str(TEMPLATES),
        settings={"default_page_size": 50, "facet_time_limit_ms": 1000, "sql_time_limit_ms": 3000},
    )
