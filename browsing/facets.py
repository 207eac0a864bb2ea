"""The article list's facets (site, day, author) at any size: unfiltered or
searched alone (``?_q=``), they count the articles' indexes (per site, per
Korea day, per author; a search's matches looked up on the way), never the
article rows joined to their sites, so that the list opens as fast on
millions of articles as on thousands; filtered by a column, they count the
matching rows as Datasette's column facets do. A searched list's counts are
started as its filters are read (:func:`start_searched_counts`), so that they
run beside the list's rows and Datasette's count of them, not after."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any
from weakref import WeakKeyDictionary

from datasette import hookimpl
from datasette.app import Datasette
from datasette.database import QueryInterrupted
from datasette.facets import ColumnFacet
from datasette.utils import path_with_added_args, path_with_removed_args
from datasette.utils.asgi import Request

from storage.search import MATCHING_IDS

# each facet's count over the whole archive, read from an index of ``articles``
UNFILTERED = {
    "site": """SELECT sites.name AS value, counted.count AS count
        FROM (SELECT site_id, count(*) AS count FROM articles GROUP BY site_id) AS counted
        JOIN sites ON sites.id = counted.site_id
        ORDER BY count DESC, value LIMIT :limit""",
    "day": """SELECT day_kst AS value, count(*) AS count FROM articles
        WHERE day_kst IS NOT NULL
        GROUP BY day_kst ORDER BY count DESC, value LIMIT :limit""",
    "author": """SELECT author AS value, count(*) AS count FROM articles
        WHERE author IS NOT NULL
        GROUP BY author ORDER BY count DESC, value LIMIT :limit""",
}
# the articles matching the search :q, counted per site and Korea day in one
# walk of the index of days and sites (each entry looked up among the
# matches: a common word is in half the articles, and each walk of a million
# entries costs 0.4 s), and per author from the index of authors
SEARCHED_SITES_AND_DAYS = f"""SELECT sites.name AS site, counted.day AS day, counted.count AS count
    FROM (SELECT day_kst AS day, site_id, count(*) AS count FROM articles
          WHERE {MATCHING_IDS} GROUP BY day_kst, site_id) AS counted
    JOIN sites ON sites.id = counted.site_id"""
SEARCHED_AUTHORS = f"""SELECT author AS value, count(*) AS count FROM articles
    WHERE author IS NOT NULL AND {MATCHING_IDS} GROUP BY author"""

# a facet's counts: (value, count) rows, the largest first; None when timed out
Counts = list[tuple[Any, int]] | None

# each searched list's facet counts, started with its request, awaited by its facets
_started: WeakKeyDictionary[Request, asyncio.Task[dict[str, Counts]]] = WeakKeyDictionary()


def _filtered(request: Request) -> bool:
    """Whether a column or ``_where`` filters the list."""
    return any(not name.startswith("_") or name == "_where" for name in request.args)


def searched_alone(request: Request) -> str:
    """The words of ``?_q=`` when nothing else filters the list (its facets
    then count the search's matches from the indexes), else ''."""
    return "" if _filtered(request) else request.args.get("_q", "").strip()


def start_searched_counts(datasette: Datasette, database: str, request: Request) -> None:
    """Start counting the facets of a list searched alone, in Datasette's
    threads, while the list's rows and their count are read."""
    words = searched_alone(request)
    if words and not request.args.get("_nofacet"):
        _started[request] = asyncio.ensure_future(_searched(datasette, database, words))


class IndexedFacet(ColumnFacet):
    """A column facet of ``article_index`` (``{"indexed": "site"}`` in the
    table's metadata) that reads an index when nothing filters the list."""

    type = "indexed"

    async def facet_results(self) -> tuple[list[dict[str, Any]], list[str]]:
        words = searched_alone(self.request)
        filtered = _filtered(self.request)
        if filtered or (" where " in self.sql and not words):
            results, timed_out = await super().facet_results()
            for result in results:
                result["type"] = ColumnFacet.type  # shown as Datasette's own
            return results, timed_out
        limit = self.get_facet_size()
        configs = self.get_configs()
        columns = [config["config"]["simple"] for config in configs]
        if words:
            started = _started.pop(self.request, None)
            counted = await (started or _searched(self.ds, self.database, words))
        else:
            counted = await self._unfiltered(columns, limit)
        results, timed_out = [], []
        for source_and_config, column in zip(configs, columns, strict=True):
            counts = counted[column]
            if counts is None:
                timed_out.append(column)
                continue
            results.append(self._result(column, source_and_config["source"], counts, limit))
        return results, timed_out

    async def _unfiltered(self, columns: list[str], limit: int) -> dict[str, Counts]:
        """Each facet's largest counts over the whole archive."""
        counted: dict[str, Counts] = {}
        for column in columns:
            rows = await _counts(self.ds, self.database, UNFILTERED[column], {"limit": limit + 1})
            counted[column] = None if rows is None else [(row[0], row[1]) for row in rows]
        return counted

    def _result(self, column: str, source: str, counts: list[Any], limit: int) -> dict[str, Any]:
        """One facet's counts, shaped as Datasette's column facets shape them."""
        path = self.ds.urls.path
        return {
            "name": column,
            "type": ColumnFacet.type,
            "hideable": source != "metadata",
            "toggle_url": path(path_with_removed_args(self.request, {"_facet": column})),
            "results": [
                {
                    "value": value,
                    "label": value,
                    "count": count,
                    "toggle_url": self.ds.absolute_url(
                        self.request,
                        path(path_with_added_args(self.request, {column: value})),
                    ),
                    "selected": False,
                }
                for value, count in counts[:limit]
            ],
            "truncated": len(counts) > limit,
        }


async def _counts(
    datasette: Datasette, database: str, sql: str, params: dict[str, Any]
) -> list[Any] | None:
    """The rows of ``sql``, or None when it took longer than a facet may."""
    try:
        rows = await datasette.execute(
            database, sql, params, custom_time_limit=datasette.setting("facet_time_limit_ms")
        )
    except QueryInterrupted:
        return None
    return rows.rows


async def _searched(datasette: Datasette, database: str, words: str) -> dict[str, Counts]:
    """Each facet's counts of the articles matching ``words``: the sites and
    days tallied from one walk, the authors from another, both walked at once
    (each in a thread of Datasette's)."""
    params = {"q": words}
    sites_and_days, authors = await asyncio.gather(
        _counts(datasette, database, SEARCHED_SITES_AND_DAYS, params),
        _counts(datasette, database, SEARCHED_AUTHORS, params),
    )
    sites: Counter[Any] = Counter()
    days: Counter[Any] = Counter()
    for site, day, count in sites_and_days or []:
        sites[site] += count
        if day is not None:
            days[day] += count
    walked = sites_and_days is not None
    return {
        "site": _largest(sites) if walked else None,
        "day": _largest(days) if walked else None,
        "author": None if authors is None else _largest(Counter(dict(authors))),
    }


def _largest(counts: Counter[Any]) -> list[tuple[Any, int]]:
    """``counts`` the largest first, ties by value (as the unfiltered facets order them)."""
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


@hookimpl
def register_facet_classes() -> list[type[ColumnFacet]]:
    return [IndexedFacet]
