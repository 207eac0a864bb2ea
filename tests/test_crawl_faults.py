"""Faults across runs, end to end on SQLite: pages that failed are fetched
again by the next daily runs (even from deep list pages the run does not
read), members-only walls too (on PostgreSQL as well), pages that were no
article are not; a list page that cannot be read
is counted in the run and paging goes past it, a 404 past the last one ends
the list; a run reads at most ``MAX_LIST_PAGES`` list pages."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from sample_portal import SamplePortal, serve
from storage.archive import Archive
from storage.models import Article, Capture, CrawlRun
from tests.conftest import FAST, Portal, scrapy

pytestmark = pytest.mark.e2e  # every test crawls the sample portal

PER_PAGE = 2


@pytest.fixture
def faulty(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Portal]:
    """The sample portal (newscms only, 2 articles a list page) with the faults
    given as the fixture's parameter."""
    names = request.param
    sample = SamplePortal(articles_per_site=8, per_page=PER_PAGE, sites=["newscms"], faults=names)
    with serve(sample) as base_url:
        sites_file = tmp_path / "sites.yaml"
        sites_file.write_text(sample.sites_yaml(base_url), encoding="utf-8")
        yield Portal(sample, base_url, sites_file)


def crawl(portal: Portal, database_url: str, *settings: str) -> None:
    result = scrapy(
        "crawl",
        "portal",
        "-a",
        "site=newscms",
        *FAST,
        *settings,
        database_url=database_url,
        sites_file=portal.sites_file,
    )
    assert result.returncode == 0, result.stderr[-3000:]


def stored(database_url: str) -> tuple[dict[str, list[str]], set[str], list[CrawlRun]]:
    """Capture outcomes by URL (in order), archived URLs, runs."""
    archive = Archive.open(database_url)
    with archive.sessions() as session:
        outcomes: dict[str, list[str]] = {}
        for capture in session.scalars(select(Capture).order_by(Capture.id)):
            outcomes.setdefault(capture.url, []).append(capture.outcome)
        articles = set(session.scalars(select(Article.url)))
        runs = list(session.scalars(select(CrawlRun).order_by(CrawlRun.id)))
    archive.close()
    return outcomes, articles, runs


def list_pages_read(portal: Portal) -> int:
    return sum(n for path, n in portal.portal.hits.items() if "section_list_all" in path)


@pytest.mark.parametrize("faulty", [("500-then-ok", "cut-then-ok")], indirect=True)
def test_failed_pages_are_fetched_again_by_the_next_daily_runs(
    faulty: Portal, tmp_path: Path
) -> None:
    database_url = f"sqlite:///{tmp_path / 'archive.db'}"
    planted = faulty.portal.faults.planted("newscms")
    twice = faulty.base_url + planted["500-then-ok"].path  # fails on its first two requests
    once = faulty.base_url + planted["cut-then-ok"].path  # fails on its first, on list page 2
    no_retry = ("-s", "RETRY_TIMES=0")

    crawl(faulty, database_url, *no_retry)
    outcomes, articles, _ = stored(database_url)
    assert outcomes[twice] == outcomes[once] == ["failed"]
    assert twice not in articles and once not in articles
    read = list_pages_read(faulty)

    crawl(faulty, database_url, *no_retry)
    outcomes, articles, runs = stored(database_url)
    assert once in articles and twice not in articles
    assert outcomes[once] == ["failed", "article"] and outcomes[twice] == ["failed", "failed"]
    # list page 1 held nothing new: the page from list page 2 came from the archive's record
    assert list_pages_read(faulty) == read + 1
    assert (runs[-1].new, runs[-1].failed) == (1, 1)

    crawl(faulty, database_url, *no_retry)
    outcomes, articles, _ = stored(database_url)
    assert outcomes[twice] == ["failed", "failed", "article"]
    assert articles == {faulty.base_url + a.path for a in faulty.portal.articles("newscms")}


@pytest.mark.parametrize(
    "faulty", [("deleted-post", "http-404", "pdf", "503-forever")], indirect=True
)
def test_pages_that_are_no_article_are_not_fetched_again(faulty: Portal, tmp_path: Path) -> None:
    database_url = f"sqlite:///{tmp_path / 'archive.db'}"
    planted = faulty.portal.faults.planted("newscms")
    crawl(faulty, database_url, "-s", "RETRY_TIMES=0")
    outcomes, _, _ = stored(database_url)
    for name in ("deleted-post", "http-404", "pdf"):
        assert outcomes[faulty.base_url + planted[name].path] == ["not_article"]
    hits = dict(faulty.portal.hits)

    crawl(faulty, database_url, "-s", "RETRY_TIMES=0")
    for name in ("deleted-post", "http-404", "pdf"):
        assert faulty.portal.hits[planted[name].path] == hits[planted[name].path] == 1
    # the page that failed is tried again; paging stops at list page 1
    assert faulty.portal.hits[planted["503-forever"].path] == 2
    assert (
        list_pages_read(faulty)
        == sum(n for path, n in hits.items() if "section_list_all" in path) + 1
    )


@pytest.mark.parametrize("faulty", [("paywall", "login-wall", "deleted-post")], indirect=True)
def test_members_only_pages_are_fetched_again_by_the_next_daily_run(
    faulty: Portal, database_url: str
) -> None:
    planted = faulty.portal.faults.planted("newscms")
    walls = [planted["paywall"].path, planted["login-wall"].path]
    crawl(faulty, database_url)
    outcomes, articles, _ = stored(database_url)
    for path in walls:
        assert outcomes[faulty.base_url + path] == ["failed"]
        assert faulty.base_url + path not in articles

    crawl(faulty, database_url)
    outcomes, _, runs = stored(database_url)
    for path in walls:  # the wall may be gone next time: it is asked again
        assert outcomes[faulty.base_url + path] == ["failed", "failed"]
        assert faulty.portal.hits[path] == 2
    assert faulty.portal.hits[planted["deleted-post"].path] == 1
    assert runs[-1].failed == len(walls)


@pytest.mark.parametrize("faulty", [("list-not-html",)], indirect=True)
def test_a_list_page_that_cannot_be_read_is_counted_and_skipped(
    faulty: Portal, tmp_path: Path
) -> None:
    database_url = f"sqlite:///{tmp_path / 'archive.db'}"
    crawl(faulty, database_url)
    _, articles, runs = stored(database_url)
    regular = [faulty.base_url + a.path for a in faulty.portal.articles("newscms")]
    on_page_2 = set(regular[PER_PAGE : 2 * PER_PAGE])
    assert articles == set(regular) - on_page_2
    assert (runs[0].status, runs[0].list_failed) == ("finished", 1)


@pytest.mark.parametrize("faulty", [("list-404-past-end",)], indirect=True)
def test_a_404_past_the_last_list_page_ends_the_list(faulty: Portal, tmp_path: Path) -> None:
    database_url = f"sqlite:///{tmp_path / 'archive.db'}"
    crawl(faulty, database_url)
    _, articles, runs = stored(database_url)
    assert articles == {faulty.base_url + a.path for a in faulty.portal.articles("newscms")}
    assert (runs[0].status, runs[0].list_failed) == ("finished", 0)


@pytest.mark.parametrize("faulty", [()], indirect=True)
def test_a_run_reads_at_most_max_list_pages(faulty: Portal, tmp_path: Path) -> None:
    database_url = f"sqlite:///{tmp_path / 'archive.db'}"
    crawl(faulty, database_url, "-s", "MAX_LIST_PAGES=2")
    _, articles, _ = stored(database_url)
    assert list_pages_read(faulty) == 2 and len(articles) == 2 * PER_PAGE
