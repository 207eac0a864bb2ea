"""The sample portal: its pages carry every article it claims to publish, and nothing else."""

from __future__ import annotations

import http.client
import re
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import lxml.html
import pytest
import yaml

from sample_portal import Article, SamplePortal, serve

ROOT = Path(__file__).resolve().parent.parent
SEOUL = "Asia/Seoul"
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))
# where each family puts article links on its list pages
LIST_LINKS = {
    "gnuboard": '//td[@class="td_subject"]/div[@class="bo_tit"]/a/@href',
    "newscms": '//ul[@class="art_list_all"]/li/a/@href',
    "generic": '//article[@class="post-summary"]/h2/a/@href',
}
# and the "other articles" boxes on article pages
SIDEBAR_LINKS = {
    "gnuboard": '//section[@class="popular_news"]//a | //div[@class="lat"]//li/a',
    "newscms": '//ol[@class="rank"]/li/a',
    "generic": "//aside//li/a",
}
SIDEBAR_TITLE = {
    "gnuboard": "string(.)",
    "newscms": 'string(span[@class="tit"])',
    "generic": "string(.)",
}


def fetch(url: str) -> tuple[int, str, str]:
    """Status, content type and text of a GET (no proxies: 127.0.0.1 only)."""
    with _OPENER.open(url, timeout=10) as response:
        body = response.read()
        assert int(response.headers["Content-Length"]) == len(body)
        return response.status, response.headers["Content-Type"], body.decode("utf-8")


def doc(html: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(html)


def canonical(href: str) -> str:
    """An article link as its Article.path: path and query, without Gnuboard's `&page=N`."""
    parts = urlsplit(href)
    return re.sub(r"&page=\d+", "", f"{parts.path}?{parts.query}" if parts.query else parts.path)


def sentences(article: Article) -> list[str]:
    return [s for p in article.paragraphs for s in re.split(r"(?<=[.!?])\s+", p) if s]


def assert_distinct(articles: list[Article]) -> None:
    """No two articles share more than one sentence; no two share a title."""
    owners: dict[str, list[int]] = {}
    for i, article in enumerate(articles):
        for sentence in set(sentences(article)):
            owners.setdefault(sentence, []).append(i)
    shared: dict[tuple[int, int], int] = {}
    for ids in owners.values():
        for a in ids:
            for b in ids:
                if a < b:
                    shared[a, b] = shared.get((a, b), 0) + 1
    assert max(shared.values(), default=0) <= 1
    assert len({a.title for a in articles}) == len(articles)


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[SamplePortal, str]]:
    portal = SamplePortal(articles_per_site=40, per_page=15, seed=1)
    with serve(portal) as base_url:
        yield portal, base_url


@pytest.fixture(scope="module")
def large() -> SamplePortal:
    return SamplePortal(articles_per_site=2000, per_page=20, seed=7)


def walk_list(site: str, base_url: str, portal: SamplePortal) -> list[list[str]]:
    """Article paths on each list page, from page 1 up to the first page without any."""
    listed = yaml.safe_load(portal.sites_yaml(base_url))["sites"]
    template = next(entry["list_url"] for entry in listed if entry["name"] == site)
    pages = []
    for page in range(1, 100):
        status, content_type, html = fetch(template.format(page=page))
        assert (status, content_type) == (200, "text/html; charset=utf-8")
        paths = [canonical(href) for href in doc(html).xpath(LIST_LINKS[site])]
        notices = [a.path for a in portal.articles(site) if a.notice]
        if not [p for p in paths if p not in notices]:
            assert paths == []  # past the end: no rows at all, not even notices
            return pages
        assert paths[: len(notices)] == notices  # Gnuboard pins its notices on every page
        pages.append(paths[len(notices) :])
    raise AssertionError("list pages never end")


@pytest.mark.parametrize("site", ["gnuboard", "newscms", "generic"])
def test_list_pages_reach_every_article_newest_first(
    site: str, served: tuple[SamplePortal, str]
) -> None:
    portal, base_url = served
    pages = walk_list(site, base_url, portal)
    regular = [a.path for a in portal.articles(site) if not a.notice]
    assert [p for page in pages for p in page] == regular
    assert all(len(page) == 15 for page in pages[:-1])


def test_sites_yaml() -> None:
    portal = SamplePortal(articles_per_site=3, sites=["generic", "gnuboard"])
    assert yaml.safe_load(portal.sites_yaml("http://127.0.0.1:8080/")) == {
        "sites": [
            {
                "name": "gnuboard",
                "cms": "gnuboard5",
                "list_url": "http://127.0.0.1:8080/bbs/board.php?bo_table=news&page={page}",
            },
            {
                "name": "generic",
                "cms": "generic",
                "list_url": "http://127.0.0.1:8080/blog/?page={page}",
            },
        ]
    }


def test_article_records() -> None:
    portal = SamplePortal(articles_per_site=30)
    assert portal.sites == ["gnuboard", "newscms", "generic"]
    gnuboard = portal.articles("gnuboard")
    notices = [a for a in gnuboard if a.notice]
    assert len(gnuboard) == 32
    assert [a.path.rsplit("=", 1)[1] for a in notices] == ["2", "1"]
    assert all(n.published < a.published for n in notices for a in gnuboard if not a.notice)
    for site in portal.sites:
        articles = portal.articles(site)
        assert [a.published for a in articles] == sorted(
            (a.published for a in articles), reverse=True
        )
        for a in articles:
            assert str(a.published.tzinfo) == SEOUL and a.site == site
            assert 1 <= len(a.paragraphs) <= 9 and a.title and "기자" not in a.author
            assert site == "newscms" or a.published.second == 0


@pytest.mark.parametrize("site", ["gnuboard", "newscms", "generic"])
def test_article_page_carries_title_author_date_and_every_paragraph(
    site: str, served: tuple[SamplePortal, str]
) -> None:
    portal, base_url = served
    article = portal.articles(site)[3]
    status, _, html = fetch(base_url + article.path)
    page = doc(html)
    assert status == 200
    if site == "gnuboard":
        assert page.xpath('string(//span[@class="bo_v_tit"])').strip() == article.title
        assert article.published.strftime("%y-%m-%d %H:%M") in page.xpath(
            'string(//strong[@class="if_date"])'
        )
        body = page.xpath('string(//div[@id="bo_v_con"])')
        assert article.author in body  # the reporter's byline sits in the post itself
    elif site == "newscms":
        assert page.xpath('string(//h2[@class="art_title"])') == article.title
        assert page.xpath('string(//ul[@class="art_info"]/li[@class="name"])') == (
            f"{article.author} 기자"
        )
        assert page.xpath('string(//ul[@class="art_info"]/li[@class="date"][1])') == (
            article.published.strftime("등록 %Y-%m-%d %H:%M:%S")
        )
        body = page.xpath('string(//div[@id="news_body_area"])')
    else:
        assert page.xpath("string(//article/h1)") == article.title
        assert page.xpath('string(//article/p[@class="byline"])') == f"글 {article.author}"
        assert page.xpath("string(//article/time/@datetime)") == article.published.isoformat()
        body = page.xpath("string(//article)")
    assert all(paragraph in body for paragraph in article.paragraphs)


def test_every_article_renders_without_a_server() -> None:
    portal = SamplePortal(articles_per_site=60, seed=3)
    bodies = {
        "gnuboard": '//div[@id="bo_v_con"]',
        "newscms": '//div[@id="news_body_area"]',
        "generic": "//article",
    }
    for site in portal.sites:
        for article in portal.articles(site):
            status, headers, body = portal.render(article.path)
            assert status == 200 and headers["Content-Length"] == str(len(body))
            text = doc(body.decode()).xpath(f"string({bodies[site]})")
            assert all(paragraph in text for paragraph in article.paragraphs), article.path
            if site == "gnuboard" and not article.notice:
                assert article.author in text, article.path


@pytest.mark.parametrize("site", ["gnuboard", "newscms", "generic"])
def test_sidebars_list_other_articles(site: str, served: tuple[SamplePortal, str]) -> None:
    portal, base_url = served
    article = portal.articles(site)[5]
    titles = {a.path: a.title for a in portal.articles(site)}
    links = doc(fetch(base_url + article.path)[2]).xpath(SIDEBAR_LINKS[site])
    assert len(links) == {"gnuboard": 15, "newscms": 7, "generic": 5}[site]
    for link in links:
        path = canonical(link.get("href"))
        assert path != article.path
        assert link.xpath(SIDEBAR_TITLE[site]).strip() == titles[path]


def test_publish_puts_new_articles_on_top() -> None:
    portal = SamplePortal(articles_per_site=20, per_page=10)
    with serve(portal) as base_url:
        for site in portal.sites:
            before = walk_list(site, base_url, portal)[0]  # also fills the page cache
            fresh = portal.publish(site, 2)
            assert portal.articles(site)[:2] == fresh
            assert fresh[0].published >= fresh[1].published > portal.articles(site)[2].published
            assert fresh[0].published.second == 0
            first_page = walk_list(site, base_url, portal)[0]
            assert first_page == [fresh[0].path, fresh[1].path, *before[:8]]
            assert fetch(base_url + fresh[0].path)[0] == 200
        assert fresh[0].path.endswith("-22.html")
        row = doc(fetch(f"{base_url}/bbs/board.php?bo_table=news")[2]).xpath(
            '//tr[not(contains(@class, "bo_notice"))]/td[@class="td_datetime"]'
        )[0]
        newest = portal.articles("gnuboard")[0]
        assert newest.path.endswith("wr_id=24")
        assert row.text in (f"{newest.published:%H:%M}", f"{newest.published:%m-%d}")


def test_robots_hits_and_error_pages(served: tuple[SamplePortal, str]) -> None:
    portal, base_url = served
    status, content_type, text = fetch(base_url + "/robots.txt")
    assert (status, content_type) == (200, "text/plain; charset=utf-8")
    assert text == (
        "User-agent: *\nDisallow: /bbs/login.php\nDisallow: /bbs/register.php\nDisallow: /admin/\n"
    )
    missing = "/bbs/board.php?bo_table=news&wr_id=9999&page=2"
    status, _, html = fetch(base_url + missing)
    assert status == 200 and 'alert("글이 존재하지 않습니다.\\n\\n' in html
    for path in ("/news/article.html?no=9999", "/blog/2024/01/01/nothing-1.html", "/nowhere"):
        with pytest.raises(urllib.error.HTTPError) as error:
            fetch(base_url + path)
        assert error.value.code == 404
    assert fetch(base_url + "/bbs/board.php?bo_table=notice")[0] == 200
    assert portal.hits["/robots.txt"] >= 1 and portal.hits[missing] == 1
    assert portal.hits["/nowhere"] == 1


def test_keep_alive(served: tuple[SamplePortal, str]) -> None:
    _, base_url = served
    connection = http.client.HTTPConnection(urlsplit(base_url).netloc, timeout=10)
    try:
        for path in ("/robots.txt", "/news/article.html?no=1", "/blog/"):
            connection.request("GET", path)
            response = connection.getresponse()
            assert response.status == 200 and response.version == 11
            assert len(response.read()) == int(response.headers["Content-Length"])
    finally:
        connection.close()


def test_same_seed_same_portal() -> None:
    one, two = SamplePortal(seed=5), SamplePortal(seed=5)
    for site in one.sites:
        assert one.articles(site) == two.articles(site)
        assert one.render(one.articles(site)[4].path) == two.render(two.articles(site)[4].path)
    assert SamplePortal(seed=6).articles("newscms") != one.articles("newscms")


def test_large_portal_is_distinct_and_renders(large: SamplePortal) -> None:
    everything = [a for site in large.sites for a in large.articles(site)]
    assert len(everything) == 6002
    assert_distinct(everything)
    assert sum(len(a.paragraphs) == 1 for a in everything) > 50
    assert sum(", " in a.author for a in everything) > 300
    oldest = large.articles("newscms")[-1]
    assert large.render(oldest.path)[0] == 200
    assert large.render("/bbs/board.php?bo_table=news&page=100")[0] == 200
    assert "글이 없습니다." in large.render("/blog/?page=101")[2].decode()


def test_cli_serves_until_sigterm() -> None:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sample_portal",
            "--articles",
            "5",
            "--per-page",
            "3",
            "--port",
            "0",
            "--sites",
            "gnuboard,newscms",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline() if process.stdout else ""
        assert re.fullmatch(r"READY http://127\.0\.0\.1:\d+\n", line)
        base_url = line.split()[1]
        assert fetch(base_url + "/news/article.html?no=5")[0] == 200
        with pytest.raises(urllib.error.HTTPError):
            fetch(base_url + "/blog/")
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=10)
    assert (process.returncode, out, err) == (0, "", "")
