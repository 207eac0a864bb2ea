"""A site behind a cookie bot check, end to end on SQLite and PostgreSQL:
every request without the cookie gets the small script page that sets it and
reloads. Crawled over plain HTTP the run ends ``blocked`` with its own exit
code and one line saying so; with ``render: browser`` (headless Chromium) it
archives every article from its list_url alone, and each capture keeps what
the browser received. ``scrapy probe`` names the bot check and how to go on."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from crawler.exit_codes import EXIT_BLOCKED
from sample_portal import SamplePortal, serve
from sample_portal import bot_check as cookie_check
from storage.archive import Archive
from storage.models import Article, Capture, Requisite
from tests.conftest import FAST, Portal, scrapy
from tests.test_failing_runs import runs_of, said

pytestmark = pytest.mark.e2e  # every test crawls or probes the portal

SITE = "newscms"
ARTICLES = 12


@pytest.fixture
def guarded(tmp_path: Path) -> Iterator[Portal]:
    """The news CMS site behind the cookie bot check, configured by its list_url alone."""
    sample = SamplePortal(articles_per_site=ARTICLES, sites=[SITE], bot_check=True)
    with serve(sample) as base_url:
        sites_file = tmp_path / "sites.yaml"
        sites_file.write_text(sample.sites_yaml(base_url, list_url_only=True), encoding="utf-8")
        yield Portal(sample, base_url, sites_file)


def rendered(portal: Portal) -> None:
    """Give the site ``render: browser`` in its sites.yaml."""
    with portal.sites_file.open("a", encoding="utf-8") as sites:
        sites.write("    render: browser\n")


def crawl(portal: Portal, database_url: str) -> subprocess.CompletedProcess[str]:
    return scrapy(
        "crawl", "portal", "-a", f"site={SITE}", *FAST, "-s", "RETRY_TIMES=0",
        database_url=database_url, sites_file=portal.sites_file, timeout=300,
    )  # fmt: skip


def test_without_a_browser_the_run_ends_blocked(guarded: Portal, database_url: str) -> None:
    result = crawl(guarded, database_url)
    assert result.returncode == EXIT_BLOCKED, result.stderr[-3000:]
    list_page = f"{guarded.base_url}/news/section_list_all.html?page=1"
    assert said(result) == (
        f"site {SITE}: blocked by a bot check: {list_page} is a script that sets a cookie "
        "and reloads the page; set 'render: browser' for it in sites.yaml"
    )
    (run,) = runs_of(database_url, SITE)
    assert (run.status, run.exit_code, run.pages, run.list_failed) == (
        "blocked",
        EXIT_BLOCKED,
        0,
        1,
    )
    assert run.reason == said(result)
    # paging stops at the bot check: list page 2 is never asked for
    assert not any("page=2" in path for path in guarded.portal.hits)


def test_with_render_browser_every_article_is_archived(guarded: Portal, database_url: str) -> None:
    rendered(guarded)
    result = crawl(guarded, database_url)
    assert result.returncode == 0, result.stderr[-3000:]
    expected = {guarded.base_url + a.path: a for a in guarded.portal.articles(SITE)}
    archive = Archive.open(database_url)
    try:
        with archive.sessions() as session:
            stored = {a.url: a for a in session.scalars(select(Article))}
            captures = session.scalars(select(Capture).where(Capture.outcome == "article")).all()
            photos = session.scalars(select(Requisite)).all()
    finally:
        archive.close()
    assert set(stored) == set(expected)
    # the photos in the articles' bodies, fetched with them
    assert photos and {(p.kind, p.status) for p in photos} == {("image", "stored")}
    for url, article in stored.items():
        assert article.title == expected[url].title
        assert article.published == expected[url].published
    (run,) = runs_of(database_url, SITE)
    assert (run.status, run.exit_code, run.new) == ("finished", 0, len(expected))
    # each capture keeps what the browser received: the page past the check,
    # with the headers of that document (the check's had no Content-Length of its size)
    assert len(captures) == len(expected)
    for capture in captures:
        assert capture.status == 200 and capture.outcome == "article"
        headers = {name.lower(): value for name, value in capture.response_headers}
        assert headers["content-type"] == "text/html; charset=utf-8"
        assert int(headers["content-length"]) != len(cookie_check.PAGE)
    # the browser keeps the cookie its first page set: list page 1 was asked for
    # twice (answered by the check, then past it), each article once
    assert guarded.portal.hits["/news/section_list_all.html?page=1"] == 2
    assert {guarded.portal.hits[a.path] for a in guarded.portal.articles(SITE)} == {1}


def probe(portal: Portal, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return scrapy(
        "probe", SITE, "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0",
        database_url=f"sqlite:///{tmp_path / 'probe.db'}", sites_file=portal.sites_file,
        timeout=300,
    )  # fmt: skip


def test_probe_names_the_bot_check_and_how_to_go_on(guarded: Portal, tmp_path: Path) -> None:
    result = probe(guarded, tmp_path)
    assert result.returncode == EXIT_BLOCKED, result.stderr[-3000:]
    assert (
        "bot check: list page 1 is a script that sets a cookie and reloads the page; "
        "set 'render: browser' for the site in sites.yaml to fetch its pages through "
        "headless Chromium" in result.stdout
    )
    rendered(guarded)
    result = probe(guarded, tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "bot check" not in result.stdout
    assert "list page 1: 12 article links" in result.stdout, result.stdout
