"""What the URL sources of one crawl share: the site, its scope and link
discovery, the paging policy, the links seen so far, and how an article is
requested."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import scrapy
from scrapy.crawler import Crawler

from crawler.discovery import ListDiscovery
from crawler.scope import SiteScope
from crawler.sites import SiteProfile
from crawler.sources.paging import PagingPolicy

logger = logging.getLogger(__name__)

# an article's request: its URL, the list page that linked it, the URLs it was
# linked by, and what found its link first (storage.models.FoundBy; None: tried again)
ArticleRequest = Callable[[str, int, Sequence[str], str | None], scrapy.Request]


@dataclass
class LinkLedger:
    """The article links a crawl has taken: ``seen`` ones count as nothing new
    on a list page; ``aside`` ones were fetched already (from a sidebar, or from
    feeds that do not reach back) and still count as new on a main list, once."""

    seen: set[str] = field(default_factory=set)
    aside: set[str] = field(default_factory=set)

    def take(self, urls: Sequence[str]) -> list[str]:
        """Those of ``urls`` not seen before, now seen."""
        fresh = [url for url in urls if url not in self.seen]
        self.seen.update(fresh)
        return fresh

    def main_list(
        self, links: Sequence[str], sidebar: Sequence[str]
    ) -> tuple[list[str], list[str], set[str]]:
        """Take a list page's main-list ``links`` and its ``sidebar`` ones: the
        main list's fresh ones, the sidebar's not taken before, and those of the
        fresh ones fetched already."""
        extra = [url for url in sidebar if url not in self.seen and url not in self.aside]
        fresh = [url for url in links if url not in self.seen or url in self.aside]
        fetched = self.aside.intersection(fresh)
        self.aside.difference_update(fresh)
        self.seen.update(fresh)
        self.aside.update(extra)
        return fresh, extra, fetched


class Reading:
    """One crawl's shared reading state, handed to each of its URL sources."""

    def __init__(
        self,
        crawler: Crawler,
        profile: SiteProfile,
        scope: SiteScope,
        discovery: ListDiscovery,
        policy: PagingPolicy,
        request_article: ArticleRequest,
    ) -> None:
        self.crawler = crawler
        self.profile = profile
        self.scope = scope
        self.discovery = discovery
        self.policy = policy
        self.request_article = request_article
        self.ledger = LinkLedger()
        self.routed: set[str] = set()  # the articles feeds, sitemaps and list endpoints asked for
        self.feed_dates: dict[str, datetime] = {}  # canonical article URL -> its feed's date

    def in_scope(self, links: Sequence[str]) -> list[str]:
        """Those of ``links`` the site's scope lets the crawl follow."""
        kept = []
        for url in links:
            reason = self.scope.refusal(url)
            if reason is None:
                kept.append(url)
            else:
                self.crawler.stats.inc_value("scope/dropped")
                logger.info("not following %s: %s", url[:200], reason)
        return kept

    def articles_of(self, links: Sequence[str]) -> list[str]:
        """The canonical article URLs among a feed's or a sitemap's ``links``, in
        scope and not seen before in this run, in order, once each."""
        self.discovery.learn_from_route(list(links))
        canonical = []
        for url in links:
            article = self.discovery.article_link(url)
            if article is None:
                self.crawler.stats.inc_value("scope/not_article")
                logger.debug("not an article link: %s", url[:200])
            else:
                canonical.append(article)
        return self.ledger.take(self.in_scope(list(dict.fromkeys(canonical))))
