"""End to end: with ``list_url`` alone in sites.yaml (no ``cms``, no
``article_pattern``), crawls of generated-skin sites (random markup and URL
shapes, some rows linked only by script) and of the family sites archive every
article; the template inferred for a skin is kept for the site's next runs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler.discovery.templates import LinkTemplate
from pipelines import urls
from sample_portal import SamplePortal, serve
from storage.archive import Archive
from tests.conftest import Portal
from tests.test_crawl import archived, crawl

pytestmark = pytest.mark.e2e  # every test crawls the sample portal

# seeds whose skins differ in URL shape and list layout (table, list, cards)
SKIN_SEEDS = (1, 3, 5, 6)


@pytest.fixture
def bare_portal(tmp_path: Path) -> Iterator[Portal]:
    """The sample portal with generated skins, in a sites.yaml of list URLs alone."""
    sample = SamplePortal(skins=SKIN_SEEDS)
    with serve(sample) as base_url:
        sites_file = tmp_path / "sites.yaml"
        sites_file.write_text(sample.sites_yaml(base_url, list_url_only=True), encoding="utf-8")
        yield Portal(sample, base_url, sites_file)


def expected_urls(portal: Portal, site: str) -> set[str]:
    return {urls.location(portal.base_url + a.path) for a in portal.portal.articles(site)}


def test_skins_differ_in_shape_and_layout() -> None:
    skins = SamplePortal(articles_per_site=5, skins=SKIN_SEEDS).skins.values()
    assert len({skin.shape for skin in skins}) == len(SKIN_SEEDS)
    assert {skin.layout for skin in skins} == {"table", "list", "cards"}
    assert any(skin.script_share for skin in skins)


@pytest.mark.parametrize("seed", SKIN_SEEDS)
def test_a_generated_skin_with_list_url_alone_is_archived_whole(
    bare_portal: Portal, sqlite_url: str, seed: int
) -> None:
    site = f"skin{seed}"
    log = crawl(bare_portal, sqlite_url, site).stderr
    stored = archived(sqlite_url)
    assert set(stored) == expected_urls(bare_portal, site)
    titles = {a.title for a in bare_portal.portal.articles(site)}
    assert {article.title for article in stored.values()} == titles
    assert "inferred from list page 1" in log

    archive = Archive.open(sqlite_url)
    kept = archive.templates.get(site)
    archive.close()
    assert kept is not None
    template = LinkTemplate.parse(kept)
    assert all(template.matches(url) for url in stored)

    log = crawl(bare_portal, sqlite_url, site).stderr  # the next run reuses it
    assert "kept from an earlier run" in log
    assert set(archived(sqlite_url)) == expected_urls(bare_portal, site)


@pytest.mark.parametrize("site", ["gnuboard", "newscms", "generic"])
def test_a_family_site_with_list_url_alone_is_archived_whole(
    bare_portal: Portal, sqlite_url: str, site: str
) -> None:
    crawl(bare_portal, sqlite_url, site)
    assert set(archived(sqlite_url)) == expected_urls(bare_portal, site)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'archive.db'}"


def test_the_inferred_template_is_kept_in_either_archive(
    bare_portal: Portal, database_url: str
) -> None:
    site = f"skin{SKIN_SEEDS[-1]}"
    crawl(bare_portal, database_url, site)
    archive = Archive.open(database_url)
    kept = archive.templates.get(site)
    archive.close()
    assert kept == f"{bare_portal.portal.skins[site].prefix}/view.php?idx={{n}}"
    assert "kept from an earlier run" in crawl(bare_portal, database_url, site).stderr
    assert set(archived(database_url)) == expected_urls(bare_portal, site)


def test_a_backfill_of_a_generated_skin_archives_exactly_its_window(
    bare_portal: Portal, sqlite_url: str
) -> None:
    """Sidebar links to articles outside the window are followed but never keep
    paging going nor end it: the window is archived whole, nothing else."""
    site = "skin3"  # a table list, script-only rows, a "most read" sidebar
    articles = bare_portal.portal.articles(site)
    since, until = articles[25].published.date(), articles[10].published.date()
    crawl(bare_portal, sqlite_url, site, f"since={since}", f"until={until}")
    inside = {
        urls.location(bare_portal.base_url + a.path)
        for a in articles
        if since <= a.published.date() <= until
    }
    assert inside and set(archived(sqlite_url)) == inside
    skin = bare_portal.portal.skins[site]
    list_route = skin.list_url_path.split("?")[0]
    read = [path for path in bare_portal.portal.hits if path.startswith(list_route)]
    assert len(read) == 3  # the window ends on list page 2; page 3 shows it is past
