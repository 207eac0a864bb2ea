"""Articles paged over several pages (a pager under the body, ``&pg=2``,
``다음``, canonical URL pointing to page 1): the further pages are found on
the page, fetched in order and joined into one article under page 1's URL,
each page keeping its capture; end to end with ``list_url`` alone, daily and
backfill, on SQLite and PostgreSQL, against the sample portal on 127.0.0.1."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from pipelines.article_pages import further_pages, further_pages_in
from pipelines.pages import html_tree
from sample_portal import SamplePortal, serve
from sample_portal.paged_articles import WEEKLY, pages_of
from storage.archive import Archive
from storage.models import Article, Capture, Outcome
from tests.conftest import FAST, Portal, scrapy
from tests.test_form_paging import job

ARTICLE = "http://127.0.0.1/weekly/view.php?idxno=7"


def links(html: str, url: str = ARTICLE) -> dict[int, str]:
    return further_pages(html_tree(f"<html><body>{html}</body></html>"), url, ARTICLE)


def test_a_pager_under_the_body_names_the_further_pages() -> None:
    pager = (
        '<p>본문</p><div><strong>1</strong> <a href="view.php?idxno=7&pg=2">2</a> '
        '<a href="view.php?idxno=7&amp;pg=3">3</a> <a href="view.php?idxno=7&pg=2">다음</a></div>'
    )
    assert links(pager) == {2: f"{ARTICLE}&pg=2", 3: f"{ARTICLE}&pg=3"}


def test_page_2_names_page_3_by_its_next_link() -> None:
    pager = '<a href="?idxno=7&page=1">1</a> <a href="?idxno=7&page=3">다음</a>'
    assert links(pager, f"{ARTICLE}&page=2") == {3: f"{ARTICLE}&page=3"}


def test_links_to_other_articles_and_lists_are_no_pages() -> None:
    others = (
        '<a href="view.php?idxno=8&pg=2">2</a> <a href="list.php?page=2">2</a>'
        '<a href="view.php?idxno=7&pg=2">관련 사진 보기</a>'
        '<a href="view.php?idxno=7&pg=x">다음</a>'
    )
    assert links(others) == {}


def test_only_a_page_whose_links_could_be_further_pages_is_parsed_for_them() -> None:
    sample = SamplePortal(sites=["gnuboard"], paged_articles=True)
    for path, found in (
        (sample.articles("gnuboard")[3].path, 0),
        ("/weekly/view.php?idxno=523", 2),
    ):
        url = f"http://127.0.0.1{path}"
        text = sample.render(path)[2].decode()
        assert len(further_pages_in(text, url, url)) == found
        assert further_pages_in(text, url, url) == further_pages(html_tree(text), url, url)


@pytest.fixture
def weekly(tmp_path: Path) -> Iterator[Portal]:
    sample = SamplePortal(articles_per_site=24, per_page=10, sites=["generic"], paged_articles=True)
    with serve(sample) as base_url:
        sites_file = tmp_path / "sites.yaml"
        sites_file.write_text(sample.sites_yaml(base_url, list_url_only=True), encoding="utf-8")
        yield Portal(sample, base_url, sites_file)


@pytest.mark.parametrize("mode", ["daily", "backfill"])
def test_list_url_alone_archives_each_paged_article_whole(
    weekly: Portal, database_url: str, mode: str
) -> None:
    assert weekly.portal.weekly is not None
    articles = weekly.portal.weekly.articles
    args, wanted = job(WEEKLY, mode, articles, 20, 2)
    result = scrapy(
        "crawl", "portal", *args, *FAST, database_url=database_url, sites_file=weekly.sites_file
    )
    assert result.returncode == 0, result.stderr[-3000:]
    archive = Archive.open(database_url)
    try:
        with archive.sessions() as session:
            stored = {a.url: a for a in session.scalars(select(Article))}
            captures = Counter((c.url, c.outcome) for c in session.scalars(select(Capture)))
    finally:
        archive.close()
    assert set(stored) == {weekly.base_url + a.path for a in wanted}
    paged = 0
    for article in wanted:
        url = weekly.base_url + article.path
        assert stored[url].body == "\n\n".join(article.paragraphs)
        pages = len(pages_of(article, weekly.portal.weekly.number(article)))
        paged += pages > 1
        for page in range(2, pages + 1):
            assert captures[(f"{url}&pg={page}", Outcome.CONTINUATION)] == 1
    assert paged >= len(wanted) // 2
    print(
        f"weekly {mode}: archived {len(stored)}/{len(wanted)} ({paged} paged), "
        f"{sum(weekly.portal.hits.values())} requests"
    )


def test_reextract_keeps_each_paged_article_whole(weekly: Portal, database_url: str) -> None:
    """``scrapy reextract`` reads a paged article's further pages back from their
    captures (a body re-made from page 1 alone would lose them)."""
    assert weekly.portal.weekly is not None
    args, wanted = job(WEEKLY, "daily", weekly.portal.weekly.articles, 20, 2)
    common = {"database_url": database_url, "sites_file": weekly.sites_file}
    crawled = scrapy("crawl", "portal", *args, *FAST, **common)
    assert crawled.returncode == 0, crawled.stderr[-3000:]
    redone = scrapy("reextract", "--all", **common)
    assert redone.returncode == 0, redone.stderr[-3000:]
    archive = Archive.open(database_url)
    try:
        with archive.sessions() as session:
            stored = {a.url: a.body for a in session.scalars(select(Article))}
    finally:
        archive.close()
    paged = [a for a in wanted if len(pages_of(a, weekly.portal.weekly.number(a))) > 1]
    assert paged
    for article in wanted:
        assert stored[weekly.base_url + article.path] == "\n\n".join(article.paragraphs)
