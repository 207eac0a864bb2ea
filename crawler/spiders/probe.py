"""The ``probe`` spider: what a crawl of a site would find and extract, writing
nothing. It reads list pages 1 and 2 and the first articles of page 1, through
the project's polite settings (robots.txt, delays), and keeps what it saw in a
:class:`crawler.probing.ProbeReport` for ``scrapy probe`` to print."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import scrapy
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler import families
from crawler.discovery import ListDiscovery
from crawler.pages import Unparseable, html_tree
from crawler.probing import ListPageSeen, ProbeReport
from crawler.scope import SiteScope
from crawler.sites import SiteProfile
from pipelines.extraction import NotAnArticle, extract_article

ARTICLES = 3  # articles read off list page 1
LIST_PAGES = 2


class ProbeSpider(scrapy.Spider):
    name = "probe"
    scope: SiteScope
    # nothing reaches the archive; no progress lines
    custom_settings = {
        "ITEM_PIPELINES": {},
        "EXTENSIONS": {"crawler.progress.ProgressLog": None},
        "LOG_LEVEL": "WARNING",
    }

    def __init__(self, profile: SiteProfile, report: ProbeReport, **kw: Any) -> None:
        super().__init__(**kw)
        self.profile = profile
        self.report = report
        self.discovery = ListDiscovery(profile)

    async def start(self) -> AsyncIterator[scrapy.Request]:
        self.scope = SiteScope.of(self.profile, self.settings.getint("URLLENGTH_LIMIT"))
        yield self._list_request(1)

    def _list_request(self, number: int) -> scrapy.Request:
        return scrapy.Request(
            self.profile.list_page_url(number),
            callback=self.parse_list,
            errback=self.failed,
            cb_kwargs={"number": number},
            dont_filter=True,
        )

    def parse_list(self, response: Response, number: int) -> Iterator[scrapy.Request]:
        if not isinstance(response, TextResponse):
            self.report.problems.append(f"list page {number} is not a web page")
            return
        try:
            tree = html_tree(response.text)
        except Unparseable as exc:
            self.report.problems.append(f"list page {number}: {exc}")
            return
        found = self.discovery.read(tree, response.url)
        main = [url for url in found.main if self.scope.refusal(url) is None]
        extra = [url for url in found.extra if self.scope.refusal(url) is None]
        self.report.list_pages.append(ListPageSeen(number, response.url, main, extra))
        if number == 1:
            self.report.how = self.discovery.how
            self.report.family = self.discovery.family_name
            self.report.evidence = self.discovery.evidence
            self.report.site_title = " ".join(tree.xpath("string(//title)").split())
            if number < LIST_PAGES:
                yield self._list_request(number + 1)
            for url in [*main, *extra][:ARTICLES]:
                yield scrapy.Request(url, callback=self.parse_article, errback=self.failed)

    def parse_article(self, response: Response) -> None:
        url = response.request.url if response.request else response.url
        content_type = response.headers.get("Content-Type", b"").decode("latin-1") or None
        try:
            article = extract_article(
                response.body,
                content_type,
                url,
                self.discovery.article_family,
                site_layout=self.profile.article,
            )
        except (NotAnArticle, ValueError) as exc:
            self.report.add_article(url, None, str(exc), None)
            return
        try:
            layout_evidence = families.evidence(html_tree(response.text), url)
        except Unparseable:
            layout_evidence = {}
        self.report.add_article(url, article, None, layout_evidence)

    def failed(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        response = failure.value.response if failure.check(HttpError) else None
        reason = f"HTTP {response.status}" if response is not None else failure.getErrorMessage()
        if request.callback == self.parse_list:
            self.report.problems.append(f"list page {request.cb_kwargs['number']}: {reason}")
        else:
            self.report.add_article(request.url, None, reason, None)
