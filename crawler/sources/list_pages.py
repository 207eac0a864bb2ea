"""A site's list pages, newest first: the source that leads a crawl.

A list page's article links come from :mod:`crawler.discovery`: all of them
are fetched, but only those of its main list decide paging (a sidebar's or a
"most read" box's never do), as the paging policy says. Each list page read
is announced to the run keeper (``crawler.signals``), with how many article
links it holds (``list_page_links``) and the links first seen on it
(``list_page_read``); so is each list page that could not be read
(``list_page_failed``), which is counted and paged past. A 404 or 410 past
list page 1 is the end of the list. A bot check in place of a list page
(``pipelines.bot_checks``) is announced (``bot_check_met``) and ends paging.

Paging that ends early is told to the other sources, which read the site's
other routes: list page 2 repeating list page 1; list page 1 an empty shell
its scripts fill, or linking only to a box beside its list ("most read")."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

import scrapy
from lxml.html import HtmlElement
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from crawler import signals as portal_signals
from crawler.discovery.announced_routes import is_shell
from crawler.items import CaptureItem, SeenLinks
from crawler.rendering import page_meta
from crawler.sources.archive_view import ResumePoint
from crawler.sources.reading import Reading
from crawler.sources.request_failures import GONE, failed_response, request_failure
from crawler.sources.source import Requests, UrlSource
from pipelines import families
from pipelines.bot_checks import bot_check
from pipelines.pages import Unparseable, html_tree, refusal
from storage.models import FoundBy
from storage.types import now_seoul

logger = logging.getLogger(__name__)


class ListPages(UrlSource):
    """The list pages, with the ``companions`` (other sources) that go with them."""

    found_by = FoundBy.LIST

    def __init__(self, reading: Reading, companions: Sequence[UrlSource]) -> None:
        super().__init__(reading)
        self.companions = companions
        self.policy = reading.policy
        self._first: set[str] = set()  # list page 1's main-list links

    def first_request(self) -> scrapy.Request:
        """List page 1's request, or the first request of a companion read before it."""
        first = self.list_request(1)
        for companion in reversed(self.companions):
            first = companion.start(first)
        return first

    def list_request(self, number: int) -> scrapy.Request:
        url = self.reading.profile.list_page_url(number)
        request = self.request(url, self.parse_list, self.list_failed, number=number)
        request.meta.update(page_meta(self.reading.profile))
        return request

    def resume(self, point: ResumePoint) -> Requests:
        """Go on from the list page interrupted runs read last, as read."""
        assert point.number is not None
        discovery = self.reading.discovery
        if discovery.family is None and point.family is not None:
            discovery.family = families.get(point.family)
        links = self.reading.ledger.take(point.links)
        self.reading.crawler.stats.max_value("portal/list_page", point.number)
        # the run goes on from this page as read: the empty page past the
        # last is then the end of the window, not a list of no articles
        self._announce_links(point.number, self.reading.profile.list_page_url(point.number), links)
        yield from self._take(point.number, links)

    def parse_list(self, response: Response, number: int) -> Requests:
        content_type = response.headers.get("Content-Type", b"").decode("latin-1")
        problem = refusal(response.body, content_type) if response.body.strip() else "empty page"
        if problem is None and not isinstance(response, TextResponse):
            problem = f"not a web page ({content_type or 'no Content-Type'})"
        if problem is not None:
            yield from self._failed(number, problem)
            return
        try:
            tree = html_tree(response.text)
        except Unparseable as exc:
            yield from self._failed(number, str(exc))
            return
        check = bot_check(tree)
        if check is not None:
            yield from self._blocked(number, response.url, check)
            return
        self.policy.list_page_read()
        found = self.reading.discovery.read(tree, response.url)
        for companion in self.companions:
            yield from companion.list_page_in(number, read=True)
            yield from companion.list_page_seen(number, tree, response.url)
        links = self.reading.in_scope(list(found.main))
        sidebar = self.reading.in_scope(list(found.extra))
        self._announce_links(number, response.url, links)
        cause = self._early_end(number, tree, links, sidebar)
        if cause is not None:
            for companion in self.companions:
                yield from companion.list_ended_early(number, cause)
        yield from self._paging_on(self._links(number, response.url, found.every, links, sidebar))

    def next_post(self, number: int) -> dict[str, str] | None:
        """The form post (url, body) that shows list page ``number + 1``, kept
        with the run; None: it is a GET of ``list_url``."""
        return None

    def _early_end(
        self, number: int, tree: HtmlElement, links: list[str], sidebar: list[str]
    ) -> str | None:
        """Why list paging ends early at list page ``number``, if it does."""
        site = self.reading.profile.name
        if number == 1:
            self._first = set(links)
            if links:
                return None
            if sidebar:
                return f"site {site}: list page 1 links only to a box beside its list"
            if is_shell(tree):
                return f"site {site}: list page 1 is an empty shell its scripts fill"
        elif number == 2 and links and self._first.issuperset(links):
            return f"site {site}: list page 2 repeats list page 1"
        return None

    def list_failed(self, failure: Failure) -> Requests:
        number = failure.request.cb_kwargs["number"]  # type: ignore[attr-defined]
        response = failed_response(failure)
        if response is not None and response.status in GONE and number > 1:
            logger.info("list page %d: HTTP %d, the end of the list: done", number, response.status)
            return
        check = bot_check(response.body) if response is not None else None
        if check is not None:
            yield from self._blocked(number, response.url, check)
            return
        yield from self._failed(number, request_failure(failure))

    def _blocked(self, number: int, url: str, check: str) -> Requests:
        """A bot check answered in place of list page ``number``: say so, and page
        no further (the next pages would get the same)."""
        self.reading.crawler.signals.send_catch_log(
            portal_signals.bot_check_met, url=url, check=check
        )
        yield from self._failed(number, f"bot check: {check}", page_on=False)

    def _failed(self, number: int, reason: str, page_on: bool = True) -> Requests:
        """Count the failure in the run and page on past it (when ``page_on``),
        unless too many in a row failed."""
        for companion in self.companions:
            yield from companion.list_page_in(number, read=False)
        self.reading.crawler.signals.send_catch_log(
            portal_signals.list_page_failed, number=number, reason=reason
        )
        logger.error("list page %d could not be read: %s", number, reason)
        if page_on and self.policy.list_page_failed():
            yield from self._paging_on(self._next(number + 1))

    def _paging_on(self, rest: Requests) -> Requests:
        for companion in self.companions:
            rest = companion.paging_on(rest)
        return rest

    def _announce_links(self, number: int, url: str, links: Sequence[str]) -> None:
        self.reading.crawler.signals.send_catch_log(
            portal_signals.list_page_links, number=number, url=url, links=len(links)
        )

    def _links(
        self,
        number: int,
        url: str,
        linked: Mapping[str, Sequence[str]],
        links: list[str],
        sidebar: list[str],
    ) -> Requests:
        """Follow the links of list page ``number`` (at ``url``): ``links`` its
        main list's, ``sidebar`` the others, ``linked`` the places of each."""
        fresh, extra, fetched = self.reading.ledger.main_list(links, sidebar)
        if number == 1 and not links and not extra:
            logger.warning(
                "list page 1 (%s) links to no article: check list_url, cms and "
                "article_pattern of site %s",
                url,
                self.reading.profile.name,
            )
        if not fresh:
            logger.info("list page %d brings no article not seen before: done", number)
            if extra:
                yield from self._take(number, [], linked, extra)
            return
        self.reading.crawler.stats.max_value("portal/list_page", number)
        self.reading.crawler.signals.send_catch_log(
            portal_signals.list_page_read,
            number=number,
            url=url,
            family=self.reading.discovery.family_name,
            links=fresh + extra,
            form=self.next_post(number),
        )
        yield from self._take(number, fresh, linked, extra, fetched)

    def _take(
        self,
        number: int,
        links: list[str],
        linked: Mapping[str, Sequence[str]] | None = None,
        extra: Sequence[str] = (),
        fetched: set[str] | frozenset[str] = frozenset(),
    ) -> Requests:
        """Fetch the articles of a list page the archive lacks; page on as the
        policy says. ``links`` are the main list's, which decide paging;
        ``extra`` the page's other article links, fetched and nothing more;
        ``fetched`` main-list links fetched already from elsewhere. ``linked``
        gives, for each link, the URLs it was found under (variants of one
        article): those of archived articles are recorded as sightings."""
        settled = self.policy.settled([*links, *extra])
        wanted = settled.unsettled(links)
        if settled.archived and linked:
            sightings = {url: linked[url] for url in settled.archived}
            yield SeenLinks(self.reading.profile.name, sightings, now_seoul())
        unsettled = settled.unsettled([*wanted, *extra])
        yield from self.fetch([url for url in unsettled if url not in fetched], number, linked)
        if not links and extra:
            return
        wanted = [url for url in wanted if url not in fetched]
        dates = [day for url, day in settled.done.items() if day and url in links]
        if self.policy.links_taken(number, wanted, set(fetched), dates):
            yield from self._next(number + 1)

    def _next(self, number: int) -> Requests:
        if self.policy.may_read(number):
            yield self.list_request(number)

    def article_done(self, item: CaptureItem) -> Requests:
        """An article went through the pipelines: page on if its list page is settled."""
        published = item.article.published if item.article is not None else None
        if self.policy.article_done(item.list_page, item.url, published):
            yield from self._next(item.list_page + 1)
