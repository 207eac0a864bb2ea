"""The heavy portal (``sample_portal.heavy``): its article pages are big and
dressed as big portals dress them, its press releases reposted on every
site; crawls of it, on SQLite and PostgreSQL, archive every article clean
(no line of its menu, boxes, comments or footer in a body) and link each
reposted release to its first copy."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sample_portal import SamplePortal, serve
from sample_portal.heavy import RELEASE_EVERY
from tests.conftest import Portal
from tests.test_crawl import archived, crawl

pytestmark = pytest.mark.e2e  # the crawl test crawls the sample portal

SITES = ("gnuboard", "newscms")
ARTICLES = 40
# a line of each of the frame's parts: the full menu, the boxes, a comment's buttons, the footer
FRAME_LINES = (
    "국회·정당", "많이 본 뉴스", "최신뉴스", "포토뉴스", "답글", "회사소개", "청소년보호책임자",
)  # fmt: skip


def releases(portal: SamplePortal, site: str) -> dict[str, str]:
    """The site's reposted releases: title -> path."""
    return {a.title: a.path for a in portal.articles(site) if a.title.startswith("[보도자료]")}


@pytest.fixture
def heavy(tmp_path: Path) -> Iterator[Portal]:
    sample = SamplePortal(articles_per_site=ARTICLES, sites=SITES, heavy=True)
    with serve(sample) as base_url:
        sites_file = tmp_path / "sites.yaml"
        sites_file.write_text(sample.sites_yaml(base_url), encoding="utf-8")
        yield Portal(sample, base_url, sites_file)


def test_heavy_pages_are_big_and_dressed_and_releases_reposted_on_every_site() -> None:
    portal = SamplePortal(articles_per_site=ARTICLES, sites=SITES, heavy=True)
    for site in SITES:
        for article in portal.articles(site)[:3]:
            status, _headers, body = portal.render(article.path)
            html = body.decode("utf-8")
            assert status == 200 and len(body) > 20_000
            assert all(line in html for line in FRAME_LINES)
    reposted = [releases(portal, site) for site in SITES]
    assert reposted[0].keys() == reposted[1].keys()
    assert len(reposted[0]) == ARTICLES // RELEASE_EVERY


def test_a_crawl_archives_heavy_pages_clean_and_links_the_reposted_releases(
    heavy: Portal, database_url: str
) -> None:
    for site in SITES:
        crawl(heavy, database_url, site)
    stored = archived(database_url)
    portal, base = heavy.portal, heavy.base_url
    assert len(stored) == sum(len(portal.articles(site)) for site in SITES)
    for site in SITES:
        for article in portal.articles(site):
            body = stored[base + article.path].body
            assert article.paragraphs[0] in body and article.paragraphs[-1] in body
            assert not [line for line in FRAME_LINES if line in body], article.path
    firsts, copies = (releases(portal, site) for site in SITES)
    by_id = {a.id: a for a in stored.values()}
    for title, path in copies.items():
        copy, first = stored[base + path], stored[base + firsts[title]]
        root, linked = (first, copy) if first.published <= copy.published else (copy, first)
        assert linked.duplicate_of_id == root.id, title
    linked_urls = {a.url for a in stored.values() if a.duplicate_of_id is not None}
    assert len(linked_urls) == len(copies), [  # no other article linked
        (a.url, a.title, by_id[a.duplicate_of_id].title) for a in stored.values()
        if a.duplicate_of_id is not None
    ]  # fmt: skip
    assert all(by_id[a.duplicate_of_id].duplicate_of_id is None for a in stored.values()
               if a.duplicate_of_id is not None)  # fmt: skip
