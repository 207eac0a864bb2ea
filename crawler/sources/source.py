"""The base of a URL source: a route by which a crawl finds article links
(list pages, feeds, sitemaps, pages earlier runs could not fetch).

A source reads its route with requests of its own, whose callbacks are its
methods, and requests the articles it finds. List pages lead; the other
sources go with them, at three points: before list page 1 is requested
(:meth:`UrlSource.start`), when a list page is in (:meth:`list_page_in`), and
when paging goes on past list page 1 (:meth:`paging_on`). A new route is a
further subclass."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import scrapy

from crawler.items import NO_LIST_PAGE, SeenLinks
from crawler.sources.reading import Reading

Requests = Iterator[scrapy.Request | SeenLinks]


class UrlSource:
    """One route to a site's article links."""

    found_by: str | None = None  # what its articles' captures say found them (FoundBy)

    def __init__(self, reading: Reading) -> None:
        self.reading = reading

    def start(self, then: scrapy.Request) -> scrapy.Request:
        """The first request of the crawl, given that ``then`` would be it."""
        return then

    def list_page_in(self, number: int, read: bool) -> Requests:
        """List page ``number`` was ``read``, or could not be."""
        return iter(())

    def paging_on(self, rest: Requests) -> Requests:
        """Paging goes on with ``rest``."""
        return rest

    def request(
        self, url: str, callback: Callable[..., Any], errback: Callable[..., Any], **kwargs: Any
    ) -> scrapy.Request:
        """A request that reads the route. dont_filter: the crawl requests each
        page once itself, and Scrapy's duplicate filter would silently drop a
        redirect back to a page seen before."""
        return scrapy.Request(
            url, callback=callback, errback=errback, cb_kwargs=kwargs, dont_filter=True
        )

    def fetch(
        self,
        urls: Sequence[str],
        number: int = NO_LIST_PAGE,
        places: Mapping[str, Sequence[str]] | None = None,
    ) -> Iterator[scrapy.Request]:
        """Request the articles at ``urls``, found on list page ``number`` (under
        ``places``, the URLs each was linked by) or by this source."""
        for url in urls:
            yield self.reading.request_article(
                url, number, places[url] if places else (), self.found_by
            )
