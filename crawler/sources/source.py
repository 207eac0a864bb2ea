"""The base of a URL source: a route by which a crawl finds article links
(list pages, feeds, sitemaps, a JSON list endpoint, pages earlier runs could
not fetch).

A source reads its route with requests of its own, whose callbacks are its
methods, and requests the articles it finds. List pages lead; the other
sources go with them, at three points: before list page 1 is requested
(:meth:`UrlSource.start`), when a list page is in (:meth:`list_page_in`), and
when paging goes on past list page 1 (:meth:`paging_on`); and when a list
page's tree is in (:meth:`list_page_seen`) and when list paging ends early
(:meth:`list_ended_early`). A new route is a further subclass."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import scrapy
from lxml.html import HtmlElement

from crawler.items import NO_LIST_PAGE, SeenLinks
from crawler.sources.reading import Reading

Request = scrapy.Request | SeenLinks
Requests = Iterator[Request]


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

    def list_page_seen(self, number: int, tree: HtmlElement, url: str) -> Requests:
        """List page ``number`` was read from ``url`` as ``tree``."""
        return iter(())

    def list_ended_early(self, number: int, cause: str) -> Requests:
        """List paging ended early at page ``number``, for ``cause`` (one line)."""
        return iter(())

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
        found_by: str | None = None,
    ) -> Iterator[scrapy.Request]:
        """Request the articles at ``urls``, found on list page ``number`` (under
        ``places``, the URLs each was linked by) or by this source (by its
        route ``found_by``, when it reads more than one kind)."""
        for url in urls:
            yield self.reading.request_article(
                url, number, places[url] if places else (), found_by or self.found_by
            )

    def fetch_routed(self, urls: Sequence[str], found_by: str | None = None) -> Requests:
        """Request the articles at ``urls`` that a route other than the list
        pages lists: counted, to tell a run that archives too few of them."""
        self.reading.routed.update(urls)
        self.reading.crawler.stats.inc_value("routes/announced", len(urls))
        yield from self.fetch(urls, found_by=found_by)
