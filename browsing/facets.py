"""The article list's facets (site, day, author) at any size: unfiltered or
searched alone (``?_q=``), they count the articles' indexes (per site, per
Korea day, per author; a search's matches looked up on the way), never the
article rows joined to their sites, so that the list opens as fast on
millions of articles as on thousands; filtered by a column, they count the
matching rows as Datasette's column facets do."""

from __future__ import annotations

from typing import Any

from datasette import hookimpl
from datasette.database import QueryInterrupted
from datasette.facets import ColumnFacet
from datasette.utils import path_with_added_args, path_with_removed_args

from storage.search import MATCHING_IDS

# each facet's count over the whole archive, read from an index of ``articles``;
# ``{matching}``: nothing, or the condition that an article matches the search :q
INDEXED = {
    "site": """SELECT sites.name AS value, counted.count AS count
        FROM (SELECT site_id, count(*) AS count FROM articles WHERE 1 {matching}
              GROUP BY site_id) AS counted
        JOIN sites ON sites.id = counted.site_id
        ORDER BY count DESC, value LIMIT :limit""",
    "day": """SELECT day_kst AS value, count(*) AS count FROM articles
        WHERE day_kst IS NOT NULL {matching}
        GROUP BY day_kst ORDER BY count DESC, value LIMIT :limit""",
    "author": """SELECT author AS value, count(*) AS count FROM articles
        WHERE author IS NOT NULL {matching}
        GROUP BY author ORDER BY count DESC, value LIMIT :limit""",
}
UNFILTERED = {column: sql.format(matching="") for column, sql in INDEXED.items()}
SEARCHED = {column: sql.format(matching=f"AND {MATCHING_IDS}") for column, sql in INDEXED.items()}


class IndexedFacet(ColumnFacet):
    """A column facet of ``article_index`` (``{"indexed": "site"}`` in the
    table's metadata) that reads an index when nothing filters the list."""

    type = "indexed"

    async def facet_results(self) -> tuple[list[dict[str, Any]], list[str]]:
        words = self.request.args.get("_q", "").strip()
        filtered = any(not name.startswith("_") or name == "_where" for name in self.request.args)
        if filtered or (" where " in self.sql and not words):
            results, timed_out = await super().facet_results()
            for result in results:
                result["type"] = ColumnFacet.type  # shown as Datasette's own
            return results, timed_out
        counts, params = (SEARCHED, {"q": words}) if words else (UNFILTERED, {})
        results, timed_out = [], []
        limit = self.get_facet_size()
        for source_and_config in self.get_configs():
            column = source_and_config["config"]["simple"]
            try:
                rows = await self.ds.execute(
                    self.database,
                    counts[column],
                    {"limit": limit + 1, **params},
                    custom_time_limit=self.ds.setting("facet_time_limit_ms"),
                )
            except QueryInterrupted:
                timed_out.append(column)
                continue
            results.append(self._result(column, source_and_config["source"], rows.rows, limit))
        return results, timed_out

    def _result(self, column: str, source: str, rows: list[Any], limit: int) -> dict[str, Any]:
        """One facet's counts, shaped as Datasette's column facets shape them."""
        path = self.ds.urls.path
        return {
            "name": column,
            "type": ColumnFacet.type,
            "hideable": source != "metadata",
            "toggle_url": path(path_with_removed_args(self.request, {"_facet": column})),
            "results": [
                {
                    "value": row["value"],
                    "label": row["value"],
                    "count": row["count"],
                    "toggle_url": self.ds.absolute_url(
                        self.request,
                        path(path_with_added_args(self.request, {column: row["value"]})),
                    ),
                    "selected": False,
                }
                for row in rows[:limit]
            ],
            "truncated": len(rows) > limit,
        }


@hookimpl
def register_facet_classes() -> list[type[ColumnFacet]]:
    return [IndexedFacet]
