"""sites.yaml: valid profiles load; each malformed field is refused with one
line naming the file, the site and the field, and nothing is crawled."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.sites import (
    DEFAULT_SCHEDULE,
    RENDER_BROWSER,
    SITEMAPS_AUTO,
    SitesConfigError,
    load_sites,
)
from tests.conftest import scrapy

GOOD = """
sites:
  - name: gyeongil
    list_url: "https://www.kiinews.example/bbs/board.php?bo_table=gs&page={page}"
    cms: gnuboard5
  - name: daejeon
    list_url: "https://news.example/news/section_list_all.html?page={page}"
    article_pattern: 'article\\.html\\?no=\\d+'
    schedule: "0 7 * * *"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sites.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_valid_profiles_load(tmp_path: Path) -> None:
    sites = load_sites(write(tmp_path, GOOD))
    assert list(sites) == ["gyeongil", "daejeon"]
    gyeongil, daejeon = sites["gyeongil"], sites["daejeon"]
    assert gyeongil.cms == "gnuboard5" and gyeongil.schedule == DEFAULT_SCHEDULE
    assert gyeongil.list_page_url(3).endswith("bo_table=gs&page=3")
    assert gyeongil.hosts == {"kiinews.example", "www.kiinews.example"}
    assert daejeon.cms is None  # detected from the pages
    assert daejeon.article_pattern is not None and daejeon.schedule == "0 7 * * *"


def test_site_selectors_load(tmp_path: Path) -> None:
    text = """
- name: oldcms
  list_url: "http://old.example/news/list.php?page={page}"
  list_links: "table.board td.subject"
  article_url: "/news/read.php?no={id}"
  article:
    title: ".view_head h3"
    published: ".view_head .date"
    body: "#view_text"
    drop: ".view_text_ad"
"""
    site = load_sites(write(tmp_path, text))["oldcms"]
    assert site.list_links == "table.board td.subject"
    assert site.article_url == "/news/read.php?no={id}"
    assert site.article is not None
    assert (site.article.title, site.article.body, site.article.author) == (
        ".view_head h3",
        "#view_text",
        None,
    )


def test_feeds_and_sitemaps_load(tmp_path: Path) -> None:
    text = """
- name: gs
  list_url: "https://www.example-gs.kr/news/articleList.html?page={page}&view_type=sm"
  feeds: ["/rss/allArticle.xml", "https://example-gs.kr/rss/S1N1.xml"]
  sitemaps: auto
- name: gy
  list_url: "http://gy.example.kr/bbs/board.php?bo_table=gs&page={page}"
  sitemaps: ["/sitemap.xml"]
"""
    sites = load_sites(write(tmp_path, text))
    assert sites["gs"].feeds == (
        "https://www.example-gs.kr/rss/allArticle.xml",
        "https://example-gs.kr/rss/S1N1.xml",
    )
    assert sites["gs"].sitemaps == (SITEMAPS_AUTO,)
    assert sites["gy"].feeds == () and sites["gy"].sitemaps == ("http://gy.example.kr/sitemap.xml",)


def test_requisites_choose_what_runs_keep_of_an_article(tmp_path: Path) -> None:
    text = """
- name: default
  list_url: "https://a.example.kr/news/list.html?page={page}"
- name: files
  list_url: "https://b.example.kr/news/list.html?page={page}"
  requisites: attachments
- name: bare
  list_url: "https://c.example.kr/news/list.html?page={page}"
  requisites: none
"""
    sites = load_sites(write(tmp_path, text))
    assert sites["default"].requisites == {"image", "attachment"}
    assert sites["files"].requisites == {"attachment"}
    assert sites["bare"].requisites == frozenset()


def test_render_browser_loads(tmp_path: Path) -> None:
    text = """
- name: guarded
  list_url: "https://guarded.example.kr/news/list.html?page={page}"
  render: browser
- name: plain
  list_url: "https://plain.example.kr/news/list.html?page={page}"
"""
    sites = load_sites(write(tmp_path, text))
    assert (sites["guarded"].render, sites["plain"].render) == (RENDER_BROWSER, None)


def test_a_plain_list_is_accepted(tmp_path: Path) -> None:
    sites = load_sites(write(tmp_path, "- name: a\n  list_url: 'http://a.example/?p={page}'\n"))
    assert list(sites) == ["a"]


@pytest.mark.parametrize(
    ("entry", "field", "problem"),
    [
        ("name: x", "list_url", "missing"),
        ("name: x\n    list_url: 'http://x.example/list'", "list_url", "{page}"),
        ("name: x\n    list_url: 'ftp://x.example/{page}'", "list_url", "not an http(s) URL"),
        ("name: x\n    list_url: 'http://x.example/{page}'\n    cms: wordpress", "cms", "unknown"),
        (
            "name: x\n    list_url: 'http://x.example/{page}'\n    article_pattern: '(unclosed'",
            "article_pattern",
            "bad regular expression",
        ),
        (
            "name: x\n    list_url: 'http://x.example/{page}'\n    schedule: 'every day'",
            "schedule",
            "bad cron",
        ),
        (
            "name: x\n    list_url: 'http://x.example/{page}'\n    schedule: '0 6 30 2 *'",
            "schedule",
            "never fires",
        ),
        ("name: x\n    list_url: 'http://x.example:99999/{page}'", "list_url", "not a usable URL"),
        ("name: x\n    list_url: 'http://x.example/{page}'\n    listurl: y", "listurl", "unknown"),
        ("name: 'bad name!'\n    list_url: 'http://x.example/{page}'", "name", "letters"),
        (
            "name: x\n    list_url: 'http://x.example/{page}'\n    list_links: 'td >'",
            "list_links",
            "bad CSS selector",
        ),
        (
            "name: x\n    list_url: 'http://x.example/{page}'\n    article_url: '/read.php'",
            "article_url",
            "{id}",
        ),
        (
            "name: x\n    list_url: 'http://x.example/{page}'\n    article:\n      body: 'div['",
            "article.body",
            "bad CSS selector",
        ),
        (
            "name: x\n    list_url: 'http://x.example/{page}'\n    article:\n      date: '.d'",
            "article.date",
            "unknown field",
        ),
        (
            "name: x\n    list_url: 'http://x.example/{page}'\n    article: '.body'",
            "article",
            "must map",
        ),
        (
            "name: x\n    list_url: 'http://x.example/{page}'\n    feeds: '/rss.xml'",
            "feeds",
            "list",
        ),
        (
            "name: x\n    list_url: 'http://x.example/{page}'\n    feeds: ['http://y.example/r']",
            "feeds",
            "on the site's host",
        ),
        (
            "name: x\n    list_url: 'http://x.example/{page}'\n    feeds: [3]",
            "feeds",
            "not a URL",
        ),
        (
            "name: x\n    list_url: 'http://x.example/{page}'\n    sitemaps: yes",
            "sitemaps",
            "list of URLs",
        ),
        (
            "name: x\n    list_url: 'http://x.example/{page}'\n    sitemaps: robots",
            "sitemaps",
            "'auto' (the default), 'off' or a list",
        ),
        (
            "name: x\n    list_url: 'http://x.example/{page}'\n    sitemaps: ['ftp://x.example/s']",
            "sitemaps",
            "http(s)",
        ),
        (
            "name: x\n    list_url: 'http://x.example/{page}'\n    render: chromium",
            "render",
            "must be 'browser'",
        ),
        (
            "name: x\n    list_url: 'http://x.example/{page}'\n    render: true",
            "render",
            "must be 'browser'",
        ),
        (
            "name: x\n    list_url: 'http://x.example/{page}'\n    requisites: photos",
            "requisites",
            "must be one of all, images, attachments, none",
        ),
    ],
)
def test_each_bad_field_is_named(tmp_path: Path, entry: str, field: str, problem: str) -> None:
    path = write(tmp_path, f"sites:\n  - {entry}\n")
    with pytest.raises(SitesConfigError) as raised:
        load_sites(path)
    message = str(raised.value)
    assert "\n" not in message
    assert str(path) in message and f"field '{field}'" in message and problem in message


def test_a_site_without_name_is_named_by_position(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "sites:\n  - name: a\n    list_url: 'http://a.example/{page}'\n"
        "  - list_url: 'http://b.example/{page}'\n",
    )
    with pytest.raises(SitesConfigError, match=r"site #2: field 'name': missing"):
        load_sites(path)


def test_duplicate_names_and_broken_yaml(tmp_path: Path) -> None:
    twice = "sites:\n" + "  - name: a\n    list_url: 'http://a.example/{page}'\n" * 2
    with pytest.raises(SitesConfigError, match="used twice"):
        load_sites(write(tmp_path, twice))
    with pytest.raises(SitesConfigError, match=r"line \d+"):
        load_sites(write(tmp_path, "sites:\n  - name: [unclosed\n"))
    with pytest.raises(SitesConfigError, match="cannot read"):
        load_sites(tmp_path / "missing.yaml")


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ("", "list_url"),
        (
            "    list_url: '{base}/bbs/board.php?page={{page}}'\n"
            "    article_pattern: '[unclosed'\n",
            "article_pattern",
        ),
        ("    list_url: '{base}/bbs/board.php?page={{page}}'\n    cms: xe\n", "cms"),
        (
            "    list_url: '{base}/news/list.php?page={{page}}'\n    article:\n"
            "      title: 'h3 >'\n",
            "article.title",
        ),
    ],
)
def test_crawl_of_a_bad_profile_fetches_nothing(
    portal, tmp_path: Path, extra: str, field: str
) -> None:
    good = f"  - name: fine\n    list_url: '{portal.base_url}/news/?page={{page}}'\n"
    bad = write(
        tmp_path, "sites:\n" + good + "  - name: broken\n" + extra.format(base=portal.base_url)
    )
    result = scrapy(
        "crawl",
        "portal",
        "-a",
        "site=broken",
        database_url=f"sqlite:///{tmp_path / 'a.db'}",
        sites_file=bad,
    )
    assert result.returncode == 2
    error_lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(error_lines) == 1, result.stderr
    assert error_lines[0].startswith(f"newsarchive: error: {bad}: site 'broken': field '{field}'")
    assert sum(portal.portal.hits.values()) == 0


def test_crawl_of_an_unknown_site_or_bad_window_is_refused(portal, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'a.db'}"
    unknown = scrapy(
        "crawl", "portal", "-a", "site=nope", database_url=db, sites_file=portal.sites_file
    )
    assert unknown.returncode == 2 and "no site named 'nope'" in unknown.stderr
    window = scrapy(
        "crawl",
        "portal",
        "-a",
        "site=gnuboard",
        "-a",
        "since=2024-13-01",
        database_url=db,
        sites_file=portal.sites_file,
    )
    assert window.returncode == 2 and "expected a date YYYY-MM-DD" in window.stderr
    assert sum(portal.portal.hits.values()) == 0
