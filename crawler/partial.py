"""Whether a run archived less than it should, from what its URL sources kept
in the crawl's stats (:mod:`crawler.sources.found_routes`): its list paging
ended early and no other route brought an article the list pages had not
(``list_ended_early``), or it archived under ``ROUTES_MIN_SHARE`` of the
articles its feeds, sitemaps and list endpoints asked it to fetch
(``short_of_routes``). Each with its one-line reason."""

from __future__ import annotations

from scrapy.statscollectors import StatsCollector

from storage.run_records import RunStatus


def partial_end(stats: StatsCollector, min_share: float) -> tuple[RunStatus, str] | None:
    """The status and reason of a partial run, or None when it is not one."""
    cause = stats.get_value("list/ended_early")
    if cause is not None and not stats.get_value("routes/links"):
        return (
            RunStatus.LIST_ENDED_EARLY,
            f"{cause}: list paging ended early, and no feed, sitemap or list endpoint "
            "listed any other article: the run archived only what the list pages showed",
        )
    announced = stats.get_value("routes/announced", 0)
    articles = stats.get_value("routes/articles", 0)
    if announced and articles < min_share * announced:
        return (
            RunStatus.SHORT_OF_ROUTES,
            f"archived {articles} of the {announced} articles its feeds, sitemaps and "
            f"list endpoints listed (under ROUTES_MIN_SHARE {min_share:.0%})",
        )
    return None
