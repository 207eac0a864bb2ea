"""End to end: sites whose list pages do not lead to every article, named by
``list_url`` alone (a Next.js-like outlet with a JSON "more" endpoint and a
sitemap; an empty shell list announcing an RSS feed, with a sitemap index in
robots.txt), archived whole by daily runs and backfills; and the runs that
archive less than they should, which end non-zero with their status."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from crawler.exit_codes import EXIT_PARTIAL
from sample_portal import Outlet, serve
from storage.archive import Archive
from storage.models import Article, CrawlRun
from storage.run_records import RunStatus
from tests.conftest import FAST, scrapy

WINDOW = ["-a", "since=2024-01-01", "-a", f"until={date(2024, 3, 31)}"]


@contextmanager
def served(outlet: Outlet, tmp_path: Path, extra: str = "") -> Iterator[tuple[str, Path]]:
    """``outlet`` on 127.0.0.1, and a sites.yaml naming it by its list URL (and ``extra`` lines)."""
    with serve(outlet) as base_url:
        sites_file = tmp_path / "sites.yaml"
        sites_file.write_text(outlet.sites_yaml(base_url) + extra, encoding="utf-8")
        yield base_url, sites_file


def crawl(
    outlet: Outlet, sites_file: Path, database_url: str, *args: str
) -> subprocess.CompletedProcess[str]:
    return scrapy(
        "crawl",
        "portal",
        "-a",
        f"site={outlet.kind}",
        *args,
        *FAST,
        database_url=database_url,
        sites_file=sites_file,
    )


def archived(database_url: str) -> tuple[set[str], list[CrawlRun]]:
    archive = Archive.open(database_url)
    try:
        with archive.sessions() as session:
            urls = set(session.scalars(select(Article.url)))
            runs = list(session.scalars(select(CrawlRun).order_by(CrawlRun.id)))
            return urls, runs
    finally:
        archive.close()


@pytest.mark.parametrize("kind", ["next", "shell"])
@pytest.mark.parametrize("window", [[], WINDOW], ids=["daily", "backfill"])
def test_list_url_alone_archives_every_article(
    kind: str, window: list[str], database_url: str, tmp_path: Path
) -> None:
    outlet = Outlet(kind)
    with served(outlet, tmp_path) as (base_url, sites_file):
        done = crawl(outlet, sites_file, database_url, *window)
        hits = dict(outlet.hits)
    expected = {base_url + a.path for a in outlet.articles()}
    urls, runs = archived(database_url)
    print(
        f"{kind} {'backfill' if window else 'daily'}: archived {len(urls & expected)}"
        f"/{len(expected)}, {sum(hits.values())} requests, exit {done.returncode}"
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert urls == expected
    assert runs[-1].status == RunStatus.FINISHED


def test_daily_after_daily_reads_only_the_newest_routes(database_url: str, tmp_path: Path) -> None:
    """A second daily run of the shell reads the feed and the newest sitemap
    only, fetches no article again and ends healthy."""
    outlet = Outlet("shell")
    with served(outlet, tmp_path) as (_, sites_file):
        assert crawl(outlet, sites_file, database_url).returncode == 0
        outlet.hits.clear()
        again = crawl(outlet, sites_file, database_url)
        hits = dict(outlet.hits)
    assert again.returncode == 0, again.stderr[-3000:]
    assert not [path for path in hits if path.startswith("/story/")]
    assert len([path for path in hits if path.startswith("/sitemaps/")]) == 1


@pytest.mark.parametrize(
    ("outlet", "extra"),
    [
        (Outlet("next", api=False), "    sitemaps: off\n"),
        (Outlet("shell"), "    feeds: off\n    sitemaps: off\n"),
    ],
    ids=["page-2-repeats-page-1", "empty-shell"],
)
def test_list_ended_early_with_no_route_ends_partial(
    outlet: Outlet, extra: str, database_url: str, tmp_path: Path
) -> None:
    with served(outlet, tmp_path, extra) as (_, sites_file):
        done = crawl(outlet, sites_file, database_url)
        problems = scrapy("runs", "--problems", database_url=database_url, sites_file=sites_file)
    urls, runs = archived(database_url)
    print(f"{outlet.kind} {extra.strip()}: archived {len(urls)}, exit {done.returncode}")
    assert done.returncode == EXIT_PARTIAL, done.stderr[-3000:]
    assert runs[-1].status == RunStatus.LIST_ENDED_EARLY
    assert "ended early" in (runs[-1].reason or "")
    assert RunStatus.LIST_ENDED_EARLY in problems.stdout


@pytest.mark.parametrize("kind", ["next", "shell"])
def test_short_of_what_routes_listed_ends_partial(
    kind: str, database_url: str, tmp_path: Path
) -> None:
    """The 10 oldest of 45 articles answer 404 though the routes list them."""
    outlet = Outlet(kind, gone=10)
    with served(outlet, tmp_path) as (_, sites_file):
        done = crawl(outlet, sites_file, database_url)
        problems = scrapy("runs", "--problems", database_url=database_url, sites_file=sites_file)
    urls, runs = archived(database_url)
    print(f"{kind} gone=10: archived {len(urls)}/45, exit {done.returncode}")
    assert len(urls) == 35, done.stderr[-3000:]
    assert done.returncode == EXIT_PARTIAL, done.stderr[-3000:]
    assert runs[-1].status == RunStatus.SHORT_OF_ROUTES
    assert RunStatus.SHORT_OF_ROUTES in problems.stdout


@pytest.mark.parametrize(
    ("kind", "routes"),
    [
        ("next", ["list endpoint {base}/api/news?page=1&size=10: page 1: 10 item links, 10 of"]),
        ("shell", ["feed {base}/rss.xml: 20 entries, 20 of them the site's", "sitemap {base}"]),
    ],
)
def test_probe_prints_each_route_and_its_articles(
    kind: str, routes: list[str], tmp_path: Path
) -> None:
    outlet = Outlet(kind)
    with served(outlet, tmp_path) as (base_url, sites_file):
        done = scrapy(
            "probe",
            kind,
            "-s",
            "DOWNLOAD_DELAY=0",
            database_url=f"sqlite:///{tmp_path / 'archive.db'}",
            sites_file=sites_file,
        )
    print(done.stdout)
    assert done.returncode == 0, done.stderr[-2000:]
    for route in routes:
        assert route.format(base=base_url) in done.stdout
