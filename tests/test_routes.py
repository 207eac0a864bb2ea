"""The routes a page shows besides its links (crawler.discovery.announced_routes), the
sites.yaml fields that add or switch them off, and how a partial run ends
(crawler.partial)."""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler

from crawler.discovery.announced_routes import (
    announced_feeds,
    is_shell,
    json_links,
    list_api,
    usual_feeds,
)
from crawler.partial import partial_end
from crawler.sites import SITEMAPS_AUTO, SitesConfigError, load_sites
from pipelines import families
from pipelines.pages import html_tree
from sample_portal.outlets import Outlet
from storage.run_records import RunStatus

PAGE = "http://news.example.kr/news?page=1"


def page(body: str, head: str = "") -> str:
    return f"<html><head><title>t</title>{head}</head><body>{body}</body></html>"


def test_list_api_from_next_data() -> None:
    data = '{"props":{"pageProps":{"moreApi":"/api/news?page=2&size=10"}}}'
    tree = html_tree(page(f'<script id="__NEXT_DATA__" type="application/json">{data}</script>'))
    found = list_api(tree, PAGE)
    assert found is not None
    assert found.page_url(3) == "http://news.example.kr/api/news?page=3&size=10"


def test_list_api_from_a_script_that_adds_the_page_number() -> None:
    code = "function more(){ page += 1; fetch('/api/v1/list?cat=7&pageNo=' + page + '&rows=20') }"
    found = list_api(html_tree(page(f"<script>{code}</script>")), PAGE)
    assert found is not None
    assert found.page_url(2) == "http://news.example.kr/api/v1/list?cat=7&pageNo=2&rows=20"


def test_the_list_page_paged_by_its_script_is_no_list_api() -> None:
    code = "function go(p){ location.href = '/news?page=' + p + '&sc=1'; }"
    assert list_api(html_tree(page(f"<script>{code}</script>")), PAGE) is None
    assert list_api(html_tree(page('<script src="/app.js?page=2"></script>')), PAGE) is None


def test_json_links_by_url_else_by_id_in_article_url() -> None:
    data = {"data": {"items": [{"url": "/news/a-b", "author": {"name": "x"}}, {"url": "c"}]}}
    assert json_links(data, PAGE) == ["http://news.example.kr/news/a-b"]
    by_id = {"list": [{"idxno": 17, "title": "t"}, {"idxno": "18"}]}
    assert json_links(by_id, PAGE) == []
    assert json_links(by_id, PAGE, "/news/articleView.html?idxno={id}") == [
        "http://news.example.kr/news/articleView.html?idxno=17",
        "http://news.example.kr/news/articleView.html?idxno=18",
    ]


def test_empty_shell_and_a_page_that_shows_text() -> None:
    shell = page('<div id="app"></div><noscript>x</noscript><script src="/a.js"></script>')
    assert is_shell(html_tree(shell))
    shown = page("<main>" + "지역 소식을 전합니다. " * 20 + "</main><script>x()</script>")
    assert not is_shell(html_tree(shown))
    assert not is_shell(html_tree(page("<p>짧은 글</p>")))  # no scripts: no shell


def test_announced_and_usual_feeds() -> None:
    head = (
        '<link rel="alternate" type="application/rss+xml" href="/rss.xml">'
        '<link rel="alternate" type="application/atom+xml" href="/rss.xml">'
        '<link rel="alternate" hreflang="en" href="/en/">'
    )
    assert announced_feeds(html_tree(page("", head)), PAGE) == ["http://news.example.kr/rss.xml"]
    board = "http://x.kr/bbs/board.php?bo_table=news&page={page}"
    assert "http://x.kr/bbs/rss.php?bo_table=news" in usual_feeds(families.get("gnuboard5"), board)


def test_sites_yaml_switches_routes_off_and_names_a_list_api(tmp_path: Path) -> None:
    path = tmp_path / "sites.yaml"
    path.write_text(
        "sites:\n"
        "  - name: a\n    list_url: 'http://a.kr/news?page={page}'\n"
        "  - name: b\n    list_url: 'http://b.kr/news?page={page}'\n"
        "    feeds: off\n    sitemaps: off\n    list_api: '/api/news?page={page}&size=10'\n",
        encoding="utf-8",
    )
    sites = load_sites(path)
    assert sites["a"].find_feeds and sites["a"].sitemaps == (SITEMAPS_AUTO,)
    assert not sites["b"].find_feeds and not sites["b"].find_sitemaps
    assert sites["b"].feeds == () and sites["b"].sitemaps == ()
    assert sites["b"].list_api == "http://b.kr/api/news?page={page}&size=10"
    path.write_text(
        "- name: c\n  list_url: 'http://c.kr/?page={page}'\n  list_api: '/api/news'\n",
        encoding="utf-8",
    )
    with pytest.raises(SitesConfigError, match="list_api"):
        load_sites(path)


def stats(**values: object) -> MemoryStatsCollector:
    collector = MemoryStatsCollector(get_crawler())
    for key, value in values.items():
        collector.set_value(key.replace("__", "/"), value)
    return collector


def test_partial_end() -> None:
    early = "site x: list page 2 repeats list page 1"
    ended = partial_end(stats(list__ended_early=early), 0.9)
    assert ended is not None and ended[0] == RunStatus.LIST_ENDED_EARLY
    assert ended[1].startswith(early)
    assert partial_end(stats(list__ended_early=early, routes__links=5), 0.9) is None
    short = partial_end(stats(routes__announced=45, routes__articles=35), 0.9)
    assert short is not None and short[0] == RunStatus.SHORT_OF_ROUTES
    assert "35 of the 45" in short[1]
    assert partial_end(stats(routes__announced=45, routes__articles=41), 0.9) is None
    assert partial_end(stats(), 0.9) is None


def test_outlet_slugs_hold_no_digit_and_next_pages_repeat() -> None:
    outlet = Outlet("next")
    assert not any(ch.isdigit() for a in outlet.articles() for ch in a.path)
    first = outlet.render("/news?page=1")[2]
    assert outlet.render("/news?page=2")[2] == first
    assert b"__NEXT_DATA__" in first and b"/api/news?page=2" in first
