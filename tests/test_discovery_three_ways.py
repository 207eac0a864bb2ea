"""End to end: a site's sites.yaml entry written three ways, ``list_url``
alone, with ``cms``, and with an ``article_pattern`` written against the links
as the pages show them (query parameters in the page's order), archives the
same articles, every one, on each family of the sample portal and on
generated skins (unsorted queries, old-CMS boards whose rows open articles by
script only); and ``scrapy probe`` shows what such a pattern matched and what
it did not."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sample_portal import SamplePortal, serve
from tests.conftest import Portal
from tests.test_crawl import archived, crawl
from tests.test_discovery_crawl import expected_urls
from tests.test_probe import probe

pytestmark = pytest.mark.e2e  # every test crawls the sample portal

# an unsorted query (uid=N&section=X), old-CMS boards (rows by script, a
# "most read" box), a board URL with a fixed id after the article's
SKIN_SEEDS = (4, 7, 12, 17)
WAYS = {
    "list_url": {"list_url_only": True},
    "cms": {},
    "article_pattern": {"list_url_only": True, "article_patterns": True},
}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Portal]]:
    """The sample portal with generated skins, and a sites.yaml for each way."""
    sample = SamplePortal(articles_per_site=30, skins=SKIN_SEEDS)
    folder = tmp_path_factory.mktemp("ways")
    with serve(sample) as base_url:
        portals = {}
        for way, options in WAYS.items():
            sites_file = folder / f"{way}.yaml"
            sites_file.write_text(sample.sites_yaml(base_url, **options), encoding="utf-8")
            portals[way] = Portal(sample, base_url, sites_file)
        yield portals


@pytest.mark.parametrize(
    "site", ["gnuboard", "newscms", "generic", *(f"skin{seed}" for seed in SKIN_SEEDS)]
)
def test_three_ways_of_writing_a_site_archive_the_same_articles(
    served: dict[str, Portal], tmp_path: Path, site: str
) -> None:
    expected = expected_urls(served["list_url"], site)
    coverage = {}
    for way, portal in served.items():
        database_url = f"sqlite:///{tmp_path / f'{way}.db'}"
        crawl(portal, database_url, site)
        coverage[way] = set(archived(database_url))
    for way, stored in coverage.items():
        assert stored == expected, f"{way}: {len(stored & expected)} of {len(expected)}"


def test_probe_shows_what_a_pattern_matched_and_what_not(
    served: dict[str, Portal], tmp_path: Path
) -> None:
    portal = served["article_pattern"]
    skin = portal.portal.skins["skin7"]  # read.php?uid=N&section=X
    politics = f"{skin.article_pattern}&section=politics"
    sites_file = tmp_path / "sites.yaml"
    text = portal.sites_file.read_text(encoding="utf-8")
    sites_file.write_text(text.replace(skin.article_pattern, politics), encoding="utf-8")
    code, out, err = probe(Portal(portal.portal, portal.base_url, sites_file), tmp_path, "skin7")
    assert code == 0, err[-2000:]
    lines = out.splitlines()
    matched = lines.index(next(line for line in lines if "article_pattern matched" in line))
    shown = [line.strip() for line in lines[matched + 1 : matched + 4]]
    assert all("&section=politics" in url for url in shown) and len(shown) == 3
    missed = lines[matched + 4]
    assert missed.startswith("article_pattern did not match ") and "for example:" in missed
    assert all(
        f"{skin.prefix}/read.php?uid=" in line and "section=politics" not in line
        for line in lines[matched + 5 : matched + 8]
    )
