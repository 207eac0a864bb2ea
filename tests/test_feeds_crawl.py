"""End to end: daily runs that read the sites' feeds first, and backfills that
take their window from sitemaps (or page the list when the sitemaps do not
reach back), against the sample portal on 127.0.0.1."""

from __future__ import annotations

import subprocess
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from crawler.discovery.feed_entries import parse_feed
from sample_portal import SamplePortal, serve
from sample_portal import feeds as sample_feeds
from storage.archive import Archive
from storage.models import Article, Capture, CrawlRun
from tests.conftest import FAST, Portal, scrapy

# a month in the middle of the sites' history (their newest articles are of 2024-03-29)
SINCE, UNTIL = date(2024, 2, 1), date(2024, 2, 29)
FEED_PATHS = ("rss", "feed.xml", "sitemap")


@pytest.fixture
def portal(tmp_path: Path) -> Iterator[Portal]:
    """The three sites with 120 articles each (about two months), feeds and sitemaps."""
    sample = SamplePortal(articles_per_site=120, feeds=True, sitemaps=True)
    with serve(sample) as base_url:
        sites_file = tmp_path / "sites.yaml"
        sites_file.write_text(sample.sites_yaml(base_url), encoding="utf-8")
        yield Portal(sample, base_url, sites_file)


def crawl(portal: Portal, database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return scrapy(
        "crawl", "portal", *args, *FAST, database_url=database_url, sites_file=portal.sites_file
    )


def window(site: str) -> list[str]:
    return ["-a", f"site={site}", "-a", f"since={SINCE}", "-a", f"until={UNTIL}"]


def stored(database_url: str) -> tuple[dict[str, Article], list[Capture], list[CrawlRun]]:
    archive = Archive.open(database_url)
    try:
        with archive.sessions() as session:
            articles = {a.url: a for a in session.scalars(select(Article))}
            pages = select(Capture).where(
                Capture.outcome.not_in(("requisite", "page"))
            )  # photos, list pages aside
            captures = list(session.scalars(pages.order_by(Capture.id)))
            runs = list(session.scalars(select(CrawlRun).order_by(CrawlRun.id)))
            return articles, captures, runs
    finally:
        archive.close()


def article_hits(hits: Counter[str]) -> Counter[str]:
    return Counter(
        {
            path: n
            for path, n in hits.items()
            if "page=" not in path
            and path != "/robots.txt"
            and not path.endswith(".jpg")  # the photos the articles show
            and not path.split("?")[0].endswith((".css", ".js"))  # stylesheets, scripts
            and not any(part in path for part in FEED_PATHS)
        }
    )


def in_window(portal: Portal, site: str) -> set[str]:
    """The URLs of the site's articles published from SINCE to UNTIL."""
    return {
        portal.base_url + a.path
        for a in portal.portal.articles(site)
        if SINCE <= a.published.date() <= UNTIL
    }


def list_pages(hits: Counter[str]) -> set[str]:
    return {path.rsplit("page=", 1)[1] for path in hits if "page=" in path}


@pytest.mark.parametrize("site", ["gnuboard", "newscms", "generic"])
def test_daily_runs_read_the_feeds_first(portal: Portal, database_url: str, site: str) -> None:
    sample = portal.portal
    first = crawl(portal, database_url, "-a", f"site={site}")
    assert first.returncode == 0, first.stderr[-3000:]
    expected = {portal.base_url + a.path: a for a in sample.articles(site)}
    articles, captures, runs = stored(database_url)
    assert set(articles) == set(expected)
    # the feeds' dates are never archived: the article page's own are (the news
    # CMS's feed gives the time of the last edit, when there was one)
    assert all(a.published == expected[url].published for url, a in articles.items())
    if site == "newscms":
        host = portal.base_url.removeprefix("http://")
        feed = parse_feed(sample.render(sample_feeds.ALL_ARTICLES, host)[2], portal.base_url)
        feed_dates = {entry.url.split("&")[0]: entry.published for entry in feed.entries}
        assert any(articles[url].published != when for url, when in feed_dates.items())
    # every article fetched once: the feeds' articles not again from the list
    fetched = article_hits(sample.hits)
    assert set(fetched.values()) == {1} and len(fetched) == len(expected)
    assert all(c.outcome == "article" for c in captures)
    # feed links are canonical (no utm_ parameters) and on the site (no guest post elsewhere)
    assert all(c.url in expected for c in captures)
    by_feed = {c.url for c in captures if c.found_by == "feed"}
    assert by_feed and {c.found_by for c in captures} == {"feed", "list"}
    (run,) = runs
    assert (run.found_feed, run.found_list, run.found_sitemap) == (
        len(by_feed),
        len(expected) - len(by_feed),
        0,
    )
    if site == "gnuboard":  # the members-only board's feed is no feed, not an error
        assert "no feed at " in first.stderr and sample_feeds.MEMBERS_ONLY in first.stderr
        assert "bo_table=report" in first.stderr

    # a day with three new articles: the feeds bring them, list page 1 shows
    # nothing else new, and paging stops there
    fresh = sample.publish(site, 3)
    sample.hits.clear()
    second = crawl(portal, database_url, "-a", f"site={site}")
    assert second.returncode == 0, second.stderr[-3000:]
    articles, captures, runs = stored(database_url)
    assert {portal.base_url + a.path for a in fresh} <= set(articles)
    assert len(articles) == len(expected) + 3
    assert list_pages(sample.hits) == {"1"}
    assert set(article_hits(sample.hits)) == {a.path for a in fresh}
    assert (runs[-1].new, runs[-1].found_feed, runs[-1].found_list) == (3, 3, 0)

    listed = scrapy("runs", database_url=database_url, sites_file=portal.sites_file)
    heads = listed.stdout.splitlines()[0].split()
    newest = listed.stdout.splitlines()[1].split()
    assert newest[heads.index("by_feed")] == "3" and newest[heads.index("by_list")] == "0"


@pytest.mark.parametrize(
    ("site", "sitemaps"),
    [
        ("newscms", {"/sitemap.xml", "/sitemap/2024-02.xml.gz", "/sitemap/2024-03.xml.gz"}),
        ("gnuboard", {"/sitemap_board.xml"}),
    ],
)
def test_backfill_takes_its_window_from_the_sitemaps(
    portal: Portal, database_url: str, site: str, sitemaps: set[str]
) -> None:
    sample = portal.portal
    result = crawl(portal, database_url, *window(site))
    assert result.returncode == 0, result.stderr[-3000:]
    inside = in_window(portal, site)
    articles, captures, runs = stored(database_url)
    assert inside and set(articles) == inside
    # list page 1 read (it settles how article links look), no other; the
    # index's child sitemaps last changed before the window are not read
    assert list_pages(sample.hits) == {"1"}
    assert {path for path in sample.hits if "sitemap" in path} == sitemaps
    assert {c.found_by for c in captures} == {"sitemap"}
    assert runs[-1].found_sitemap == len(inside) and runs[-1].status == "finished"
    if site == "newscms":  # news:publication_date: nothing fetched outside the window
        assert len(captures) == len(inside)

    fetched = sum(article_hits(sample.hits).values())
    again = crawl(portal, database_url, *window(site))
    assert again.returncode == 0, again.stderr[-3000:]
    assert set(stored(database_url)[0]) == inside
    assert sum(article_hits(sample.hits).values()) == fetched  # no page fetched again


def test_an_interrupted_sitemap_backfill_resumes(portal: Portal, database_url: str) -> None:
    sample = portal.portal
    stopped = crawl(portal, database_url, *window("newscms"), "-s", "CLOSESPIDER_ITEMCOUNT=8")
    assert stopped.returncode == 1, stopped.stderr[-3000:]
    _, captures, runs = stored(database_url)
    assert runs[-1].status == "closespider_itemcount"
    done = {c.url.removeprefix(portal.base_url) for c in captures}
    assert len(done) >= 8
    before = article_hits(sample.hits)
    resumed = crawl(portal, database_url, *window("newscms"))
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    inside = in_window(portal, "newscms")
    assert set(stored(database_url)[0]) == inside
    again = article_hits(sample.hits) - before
    assert not done & set(again)  # no page the first run captured is fetched again


def test_a_backfill_pages_the_list_where_sitemaps_do_not_reach(
    portal: Portal, database_url: str
) -> None:
    sample = portal.portal
    result = crawl(portal, database_url, *window("generic"))
    assert result.returncode == 0, result.stderr[-3000:]
    assert "the sitemaps do not reach back to 2024-02-01" in result.stderr
    inside = in_window(portal, "generic")
    articles, _, runs = stored(database_url)
    assert inside and set(articles) == inside
    assert len(list_pages(sample.hits)) > 1
    assert runs[-1].found_list == len(inside) and runs[-1].found_sitemap == 0


def test_sitemaps_auto_reads_robots_txt_and_takes_the_sites_own_articles(
    portal: Portal, database_url: str
) -> None:
    # the three sites share a host, so robots.txt names each one's sitemaps:
    # the other sites' articles they list are no articles of this site
    text = portal.sites_file.read_text(encoding="utf-8")
    portal.sites_file.write_text(
        text.replace('sitemaps: ["/sitemap_board.xml"]', "sitemaps: auto"), encoding="utf-8"
    )
    sample = portal.portal
    result = crawl(portal, database_url, *window("gnuboard"))
    assert result.returncode == 0, result.stderr[-3000:]
    assert "robots.txt names 3 sitemaps" in result.stderr
    inside = in_window(portal, "gnuboard")
    articles, captures, _ = stored(database_url)
    assert inside and set(articles) == inside
    assert all("bo_table=news" in c.url for c in captures)
    assert list_pages(sample.hits) == {"1"}
