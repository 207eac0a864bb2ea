"""The article list's facets (site, day, author) at any size: filtered, they
count the matching rows as Datasette's column facets do; unfiltered, they
count the articles' indexes (per site, per Korea day, per author), never the
article rows joined to their sites, so that the list opens as fast on
millions of articles as on thousands."""

from __future__ import annotations

from typing import Any

from datasette import hookimpl
from datasette.database import QueryInterrupted
from datasette.facets import ColumnFacet
from datasette.utils import path_with_added_args, path_with_removed_args

# each facet's count over the whole archive, read from an index of ``articles``
UNFILTERED = {
    "site": """SELECT sites.name AS value, counted.count AS count
        FROM (SELECT site_id, count(*) AS count FROM articles GROUP BY site_id) AS counted
        JOIN sites ON sites.id = counted.site_id
        ORDER BY count DESC, value LIMIT :limit""",
    "day": """SELECT day_kst AS value, count(*) AS count FROM articles
        WHERE day_kst IS NOT NULL GROUP BY day_kst ORDER BY count DESC, value LIMIT :limit""",
    "author": """SELECT author AS value, count(*) AS count FROM articles
        WHERE author IS NOT NULL GROUP BY author ORDER BY count DESC, value LIMIT :limit""",
}


class IndexedFacet(ColumnFacet):
    """A column facet of ``article_index`` (``{"indexed": "site"}`` in the
    table's metadata) that reads an index when nothing filters the list."""

    type = "indexed"

    async def facet_results(self) -> tuple[list[dict[str, Any]], list[str]]:
        if self.params or " where " in self.sql:
            results, timed_out = await super().facet_results()
            for result in results:
                result["type"] = ColumnFacet.type  # shown as Datasette's own
            return results, timed_out
        results, timed_out = [], []
        limit = self.get_facet_size()
        for source_and_config in self.get_configs():
            column = source_and_config["config"]["simple"]
            try:
                rows = await self.ds.execute(
                    self.database,
                    UNFILTERED[column],
                    {"limit": limit + 1},
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
