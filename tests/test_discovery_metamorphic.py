"""Metamorphic tests of link discovery: every list page of every sample-portal
site, perturbed as real portals differ (classes renamed or gone, the list in a
table or in cells, half the rows linked by script only, a board link and a
board widget, a sidebar of ten article links, links to another port and to
``javascript:``), gives the same article set and the same main list (so the
same paging decisions) as the page itself. Detection is not flipped by a
board link, a widget or an off-site link."""

from __future__ import annotations

from itertools import count

import pytest

from crawler.discovery import ListDiscovery, ListLinks
from crawler.scope import SiteScope
from crawler.sites import SiteProfile
from pipelines import families, urls
from pipelines.pages import html_tree
from sample_portal import SamplePortal
from sample_portal.server import _FAMILIES
from tests.perturbations import PERTURBATIONS, PageFacts, perturbed

BASE = "http://127.0.0.1:8000"
HOST = "127.0.0.1:8000"
SKIN_SEEDS = (1, 3, 5, 6)
# the article URL of an id where neither the family nor the page tells it
ARTICLE_URLS = {"gnuboard": "/bbs/board.php?bo_table=news&wr_id={id}"}
# sites whose article URL cannot be built from an id (a slug, a section in it)
NO_ID_URL = {"generic", "skin1", "skin5"}
ALL = tuple(PERTURBATIONS)
ADDED_LINKS = ("board-link", "board-widget", "foreign-links", "sidebar-of-ten")


@pytest.fixture(scope="module")
def sample() -> SamplePortal:
    return SamplePortal(articles_per_site=40, per_page=12, skins=SKIN_SEEDS)


def profile(sample: SamplePortal, site: str) -> SiteProfile:
    path = sample.skins[site].list_url_path if site in sample.skins else _FAMILIES[site].LIST_PATH
    return SiteProfile(site, BASE + path, article_url=ARTICLE_URLS.get(site))


def read_all(
    sample: SamplePortal, site: str, names: tuple[str, ...]
) -> list[tuple[set[str], set[str]]]:
    """Main list and every article link of each list page (one past the last), in scope."""
    site_profile = profile(sample, site)
    scope = SiteScope.of(site_profile, 2000)
    discovery = ListDiscovery(site_profile)
    articles = sample.articles(site)
    regular = [a for a in articles if not a.notice]
    every = [BASE + a.path for a in articles]
    pages: list[tuple[set[str], set[str]]] = []
    for number in count(1):
        url = site_profile.list_page_url(number)
        status, _, body = sample.render(url.removeprefix(BASE), HOST)
        assert status == 200
        rows = regular[(number - 1) * sample.per_page : number * sample.per_page]
        shown = [*rows, *(a for a in articles if a.notice)]
        facts = PageFacts(url, {BASE + a.path: a.title for a in shown}, every)
        tree = perturbed(html_tree(body.decode()), facts, names)
        found: ListLinks = discovery.read(tree, url)
        pages.append(
            (
                {u for u in found.main if scope.refusal(u) is None},
                {u for u in found.every if scope.refusal(u) is None},
            )
        )
        if not rows:
            return pages
    raise AssertionError("unreachable")


def applicable(site: str, names: tuple[str, ...]) -> tuple[str, ...]:
    if site in NO_ID_URL:
        return tuple(name for name in names if name != "script-only-rows")
    return names


SITES = ("gnuboard", "newscms", "generic", *(f"skin{seed}" for seed in SKIN_SEEDS))


@pytest.mark.parametrize("site", SITES)
@pytest.mark.parametrize("names", [*((name,) for name in ALL), ALL], ids=[*ALL, "all"])
def test_perturbed_list_pages_give_the_same_articles_and_main_list(
    sample: SamplePortal, site: str, names: tuple[str, ...]
) -> None:
    names = applicable(site, names)
    plain = read_all(sample, site, ())
    changed = read_all(sample, site, names)
    expected = {urls.location(BASE + a.path) for a in sample.articles(site)}
    assert len(changed) == len(plain)
    assert set().union(*(every for _, every in plain)) == expected
    for (main, every), (main_after, every_after) in zip(plain, changed, strict=True):
        assert main_after == main  # the same paging decisions
        assert every <= every_after <= expected  # a sidebar adds the site's articles only


@pytest.mark.parametrize("site", ["gnuboard", "newscms", "generic", "skin3"])
@pytest.mark.parametrize(
    "names", [("board-link",), ("board-widget",), ("foreign-links",), ADDED_LINKS]
)
def test_detection_is_not_flipped_by_a_board_link_a_widget_or_an_off_site_link(
    sample: SamplePortal, site: str, names: tuple[str, ...]
) -> None:
    site_profile = profile(sample, site)
    url = site_profile.list_page_url(1)
    tree = html_tree(sample.render(url.removeprefix(BASE), HOST)[2].decode())
    articles = sample.articles(site)
    listed = {BASE + a.path: a.title for a in articles[: sample.per_page]}
    facts = PageFacts(url, listed, [BASE + a.path for a in articles])
    before = families.detect(tree, url).name
    assert before == {"gnuboard": "gnuboard5", "newscms": "newscms"}.get(site, "generic")
    assert families.detect(perturbed(tree, facts, applicable(site, names)), url).name == before
