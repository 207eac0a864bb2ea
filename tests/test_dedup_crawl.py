"""End to end: crawls of the sample portal in syndication mode, on SQLite and
PostgreSQL. Reprints on another portal are linked to the first copy, URL
variants become sightings of one article, re-crawls add sightings only."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from pipelines.urls import location
from sample_portal import SamplePortal, serve
from sample_portal.syndication import variant_hrefs
from storage.archive import Archive
from storage.models import Article, Sighting
from tests.conftest import Portal
from tests.test_crawl import article_hits, crawl

pytestmark = pytest.mark.e2e  # every test crawls the sample portal


@pytest.fixture
def syndicated(tmp_path: Path) -> Iterator[Portal]:
    sample = SamplePortal(articles_per_site=40, syndicated=True, sites=["gnuboard", "newscms"])
    with serve(sample) as base_url:
        sites_file = tmp_path / "sites.yaml"
        sites_file.write_text(sample.sites_yaml(base_url), encoding="utf-8")
        yield Portal(sample, base_url, sites_file)


def stored(database_url: str) -> tuple[dict[str, Article], list[Sighting]]:
    archive = Archive.open(database_url)
    try:
        with archive.sessions() as session:
            articles = {a.url: a for a in session.scalars(select(Article))}
            sightings = list(session.scalars(select(Sighting)))
    finally:
        archive.close()
    return articles, sightings


def test_reprints_on_another_portal_are_linked_to_the_first_copy(
    syndicated: Portal, database_url: str
) -> None:
    crawl(syndicated, database_url, "gnuboard")
    crawl(syndicated, database_url, "newscms")
    articles, _ = stored(database_url)
    portal, base = syndicated.portal, syndicated.base_url
    assert len(articles) == len(portal.articles("gnuboard")) + len(portal.articles("newscms"))
    by_id = {a.id: a for a in articles.values()}
    pairs = {}
    for original, reprint in portal.reprints:
        first, copy = articles[base + original.path], articles[base + reprint.path]
        root, linked = (first, copy) if first.published <= copy.published else (copy, first)
        assert linked.duplicate_of_id == root.id and root.duplicate_of_id is None
        pairs[linked.url] = root.url
    assert len(pairs) == len(portal.reprints) >= 5
    links = {a.url: by_id[a.duplicate_of_id].url for a in articles.values() if a.duplicate_of_id}
    assert links == pairs  # no different article was linked


def test_url_variants_are_sightings_of_one_article_and_recrawls_add_no_article(
    syndicated: Portal, database_url: str
) -> None:
    crawl(syndicated, database_url, "gnuboard")
    articles, sightings = stored(database_url)
    portal, base = syndicated.portal, syndicated.base_url
    regular = [a for a in portal.articles("gnuboard") if not a.notice]
    assert len(articles) == len(portal.articles("gnuboard"))
    first = regular[0]  # the first row of list page 1, linked by its variants too
    url = base + first.path
    places = {s.url for s in sightings if s.article_id == articles[url].id}
    variants = {location(base + href) for href in variant_hrefs(first.path, 1)}
    assert places == {url, location(f"{url}&page=1"), *variants}
    assert len(places) == 4
    assert all(s.site_id == articles[url].site_id for s in sightings)

    fetched = article_hits(syndicated)
    crawl(syndicated, database_url, "gnuboard")
    again, resighted = stored(database_url)
    assert set(again) == set(articles) and article_hits(syndicated) == fetched
    before = {(s.article_id, s.url): s.last_seen for s in sightings}
    seen_again = [s for s in resighted if s.last_seen > before[(s.article_id, s.url)]]
    assert len(resighted) == len(sightings)
    # list page 1 was read again: its articles were seen again, not fetched
    assert {s.article_id for s in seen_again} >= {
        articles[base + a.path].id for a in regular[: portal.per_page]
    }
