"""A site's ``article_pattern`` as a user writes it, against the links as the
list pages show them (query parameters in the page's order, not the sorted
order of our canonical URLs), on every family of the sample portal and on
generated skins; and list rows linked only by script when the pattern matches
only a "most read" box's real links. Written three ways (``list_url`` alone,
with ``cms``, with ``article_pattern``), a site's profile finds the same
articles and the same main lists."""

from __future__ import annotations

import re

import pytest

from crawler.discovery import ListDiscovery
from crawler.sites import SiteProfile
from pipelines import urls
from pipelines.pages import html_tree
from sample_portal import SamplePortal
from sample_portal.server import _FAMILIES
from tests.test_discovery import LIST_URL, SITE, page, read

BASE = "http://127.0.0.1:8000"
HOST = "127.0.0.1:8000"
# every URL shape and list layout twice over, old-CMS boards among them
SKIN_SEEDS = tuple(range(24))
WAYS = ("list_url", "cms", "article_pattern")


@pytest.fixture(scope="module")
def sample() -> SamplePortal:
    return SamplePortal(articles_per_site=30, per_page=10, skins=SKIN_SEEDS)


def profile(sample: SamplePortal, site: str, way: str) -> SiteProfile:
    """The site's sites.yaml entry written ``way``."""
    skin = sample.skins.get(site)
    path = skin.list_url_path if skin else _FAMILIES[site].LIST_PATH
    if way == "cms":
        return SiteProfile(site, BASE + path, cms=_FAMILIES[site].CMS if not skin else "generic")
    if way == "article_pattern":
        written = skin.article_pattern if skin else _FAMILIES[site].ARTICLE_PATTERN
        return SiteProfile(site, BASE + path, article_pattern=re.compile(written))
    return SiteProfile(site, BASE + path)


def read_site(sample: SamplePortal, site: str, way: str) -> tuple[set[str], list[set[str]]]:
    """Every article link of the site's list pages, and each page's main list."""
    site_profile = profile(sample, site, way)
    discovery = ListDiscovery(site_profile)
    pages = -(-len([a for a in sample.articles(site) if not a.notice]) // sample.per_page)
    every: set[str] = set()
    mains: list[set[str]] = []
    for number in range(1, pages + 1):
        url = site_profile.list_page_url(number)
        status, _, body = sample.render(url.removeprefix(BASE), HOST)
        assert status == 200
        found = discovery.read(html_tree(body.decode()), url)
        every |= set(found.every)
        mains.append(set(found.main))
    return every, mains


@pytest.mark.parametrize(
    "site", ["gnuboard", "newscms", "generic"] + [f"skin{n}" for n in SKIN_SEEDS]
)
def test_three_ways_of_writing_a_site_find_the_same_articles(
    sample: SamplePortal, site: str
) -> None:
    expected = {urls.location(BASE + a.path) for a in sample.articles(site)}
    found = {way: read_site(sample, site, way) for way in WAYS}
    for way, (every, _) in found.items():
        assert every == expected, way
    mains = [main for _, main in found.values()]
    assert mains[0] == mains[1] == mains[2]


def test_a_pattern_in_the_pages_own_query_order_matches() -> None:
    rows = "".join(
        f'<li><a href="/sub_read.html?uid={n}&amp;section=sc{n % 7}">'
        f"지역 소식 {n}번 기사 제목</a></li>"
        for n in range(5059, 5049, -1)
    )
    main, _, discovery = read(
        page(f"<ul>{rows}</ul>"), article_pattern=re.compile(r"sub_read\.html\?uid=\d+")
    )
    assert main == [
        f"{SITE}/sub_read.html?section=sc{n % 7}&uid={n}" for n in range(5059, 5049, -1)
    ]
    check = discovery.pattern_check
    assert check is not None and len(check.matched) == 10
    assert check.matched[0] == f"{SITE}/sub_read.html?uid=5059&section=sc{5059 % 7}"
    assert f"{SITE}/news/list.php?page=2" in check.missed


OLD_BOARD = page(
    '<table class="list"><tbody>'
    + "".join(
        f"<tr onclick=\"goView('{n}')\"><td>{n}</td><td>지역 소식 {n}번 기사 제목</td>"
        f"<td>2024-03-{n % 28 + 1:02d}</td></tr>"
        for n in range(40171, 40151, -1)
    )
    + '</tbody></table><div class="best"><h3>많이 본 기사</h3><ul>'
    + "".join(
        f'<li><a href="/news/read.php?no={n}">많이 본 기사 {n}번 제목</a></li>'
        for n in (40170, 40160, 40155, 39990)
    )
    + "</ul></div>"
)


def test_script_only_rows_take_the_template_of_the_patterns_links() -> None:
    main, extra, _ = read(OLD_BOARD, article_pattern=re.compile(r"read\.php\?no=\d+"))
    assert main == [f"{SITE}/news/read.php?no={n}" for n in range(40171, 40151, -1)]
    assert extra == [f"{SITE}/news/read.php?no=39990"]
    assert read(OLD_BOARD)[:2] == (main, extra)  # as without the pattern


def test_script_rows_without_pattern_take_the_box_whose_ids_are_near_theirs() -> None:
    widget = "".join(
        f'<li><a href="/bbs/board.php?bo_table=free&amp;wr_id={n}">커뮤니티 글 제목 {n}번</a></li>'
        for n in range(1, 5)
    )
    html = OLD_BOARD.replace("<body>", f'<body><div class="lt"><ul>{widget}</ul></div>', 1)
    main, _, discovery = read(html)
    assert str(discovery.template) == "/news/read.php?no={n}"
    assert main == [f"{SITE}/news/read.php?no={n}" for n in range(40171, 40151, -1)]


def test_a_pattern_that_matches_nothing_takes_no_script_row() -> None:
    main, extra, discovery = read(OLD_BOARD, article_pattern=re.compile(r"articleView\.html"))
    assert main == extra == []
    assert discovery.pattern_check is not None and not discovery.pattern_check.matched


def test_a_feed_link_in_the_pages_own_query_order_is_an_article() -> None:
    pattern = re.compile(r"sub_read\.html\?uid=\d+")
    discovery = ListDiscovery(SiteProfile("example", LIST_URL, article_pattern=pattern))
    url = f"{SITE}/sub_read.html?uid=5059&section=sc6"
    assert discovery.article_link(url) == f"{SITE}/sub_read.html?section=sc6&uid=5059"
