"""Feeds and sitemaps read as the crawl reads them: dates in Korea time, the
Gnuboard5 ``dc:date``, refusals that are no feed, EUC-KR, gzip within a
size limit, sitemap indexes and Google News dates; their links made canonical
article links, or dropped, as list links are."""

from __future__ import annotations

import gzip
from datetime import date, datetime

import pytest

from crawler.discovery import ListDiscovery
from crawler.discovery.feed_entries import machine_time, parse_feed
from crawler.discovery.sitemap_entries import (
    SitemapUnreadable,
    in_window,
    parse_sitemap,
    robots_sitemaps,
    sitemap_body,
)
from crawler.scope import SiteScope
from crawler.sites import SiteProfile
from pipelines.decoding import decode_html
from pipelines.pages import html_tree
from storage.types import SEOUL

MAX = 1024 * 1024

# the articleView.html CMS's /rss/allArticle.xml: times without a zone
ARTICLEVIEW_FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
<title>경산일보</title>
<link>https://www.example-gs.kr</link>
<description>경산일보 전체기사</description>
<language>ko</language>
<item>
<title><![CDATA[경산시, 청년 창업 지원사업 참가자 모집]]></title>
<link>https://www.example-gs.kr/news/articleView.html?idxno=20512</link>
<description><![CDATA[경산시는 30일 ...]]></description>
<author>김민서 기자</author>
<pubDate>2025-05-30 08:00:00</pubDate>
</item>
<item>
<title><![CDATA[하양읍 행정복지센터 준공]]></title>
<link>https://www.example-gs.kr/news/articleView.html?idxno=20511</link>
<pubDate>2025-05-29 17:45:10</pubDate>
</item>
</channel>
</rss>
"""

# Gnuboard5's bbs/rss.php: RSS 2.0 with the date in dc:date, no pubDate
GNUBOARD_FEED = """<?xml version="1.0" encoding="utf-8" ?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
<title>경일신문 &gt; 경산뉴스</title>
<link>http://www.example-gyeongil.kr/bbs/board.php?bo_table=gs_news</link>
<description>테스트 버전 0.2 (2004-04-26)</description>
<language>ko</language>

<item>
<title>경산 자인단오제 개막</title>
<link>http://www.example-gyeongil.kr/bbs/board.php?bo_table=gs_news&amp;wr_id=1043</link>
<description><![CDATA[<p>경산 자인단오제가 ...</p>]]></description>
<dc:creator>경일신문</dc:creator>
<dc:date>2017-04-19T11:53:00+09:00</dc:date>
</item>
</channel>
</rss>
"""

RDF_FEED = """<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
 xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="http://news.example.kr/">
<title>예시뉴스</title><link>http://news.example.kr/</link>
</channel>
<item rdf:about="http://news.example.kr/news/read.php?no=77">
<title>군위군 귀농 박람회</title>
<link>http://news.example.kr/news/read.php?no=77</link>
<dc:date>2024-03-29T14:12:00+09:00</dc:date>
</item>
</rdf:RDF>
"""

ATOM_FEED = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<title>지역 블로그</title>
<link rel="self" href="https://blog.example.kr/feed.xml"/>
<entry>
<title>마을 도서관 개관</title>
<link rel="alternate" type="text/html" href="/2024/03/library-201.html"/>
<updated>2024-03-30T09:00:00Z</updated>
<published>2024-03-29T23:30:00Z</published>
</entry>
</feed>
"""


def seoul(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=SEOUL)


def test_a_time_without_zone_is_korea_time_not_utc() -> None:
    feed = parse_feed(ARTICLEVIEW_FEED.encode(), "https://www.example-gs.kr/rss/allArticle.xml")
    assert feed.refusal is None
    assert [entry.url for entry in feed.entries] == [
        "https://www.example-gs.kr/news/articleView.html?idxno=20512",
        "https://www.example-gs.kr/news/articleView.html?idxno=20511",
    ]
    first = feed.entries[0].published
    assert first == seoul(2025, 5, 30, 8, 0)
    assert first is not None and first.utcoffset() is not None
    assert first.utcoffset().total_seconds() == 9 * 3600


def test_gnuboard_feed_dates_are_in_dc_date() -> None:
    url = "http://www.example-gyeongil.kr/bbs/rss.php?bo_table=gs_news"
    (entry,) = parse_feed(GNUBOARD_FEED.encode(), url).entries
    assert entry.url.endswith("board.php?bo_table=gs_news&wr_id=1043")
    assert entry.published == seoul(2017, 4, 19, 11, 53)


def test_rdf_and_atom_feeds() -> None:
    (rdf,) = parse_feed(RDF_FEED.encode(), "http://news.example.kr/rss.xml").entries
    assert rdf.url == "http://news.example.kr/news/read.php?no=77"
    assert rdf.published == seoul(2024, 3, 29, 14, 12)
    (atom,) = parse_feed(ATOM_FEED.encode(), "https://blog.example.kr/feed.xml").entries
    assert atom.url == "https://blog.example.kr/2024/03/library-201.html"
    assert atom.published == seoul(2024, 3, 30, 8, 30)  # published, not updated


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Fri, 29 Mar 2024 14:12:00 +0900", seoul(2024, 3, 29, 14, 12)),
        ("Fri, 29 Mar 2024 05:12:00 GMT", seoul(2024, 3, 29, 14, 12)),
        ("Fri, 29 Mar 2024 14:12:00 -0000", seoul(2024, 3, 29, 14, 12)),
        ("2024-03-29 14:12:00", seoul(2024, 3, 29, 14, 12)),
        ("2024-03-29T05:12:00Z", seoul(2024, 3, 29, 14, 12)),
        ("2024-03-29", seoul(2024, 3, 29)),
        ("어제", None),
        ("", None),
    ],
)
def test_machine_times(text: str, expected: datetime | None) -> None:
    assert machine_time(text) == expected


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        # Gnuboard5's rss.php on a board non-members may not read, and with RSS off
        ("비회원 읽기가 가능한 게시판만 RSS 지원합니다.", "text/html; charset=utf-8"),
        ("RSS 보기가 금지되어 있습니다.", None),
        (
            '<html><head><meta charset="utf-8"></head><body><script>'
            "alert('회원만 이용하실 수 있습니다.');history.back();</script></body></html>",
            "text/html",
        ),
    ],
)
def test_a_refusal_is_no_feed(body: str, content_type: str | None) -> None:
    feed = parse_feed(body.encode(), "http://x.example.kr/bbs/rss.php?bo_table=a", content_type)
    assert feed.entries == ()
    assert feed.refusal is not None and feed.refusal.strip()
    assert "<" not in feed.refusal


def test_euc_kr_feeds_decode_also_when_mis_declared() -> None:
    # 똠 is outside EUC-KR proper: only CP949 reads it
    title = "똠방각하 햏자 축제 열려"
    declared = ARTICLEVIEW_FEED.replace("UTF-8", "euc-kr").replace(
        "하양읍 행정복지센터 준공", title
    )
    url = "https://www.example-gs.kr/rss/S1N1.xml"
    for body, content_type in (
        (declared.encode("cp949"), "text/xml"),
        # declared UTF-8 in the file and the header, sent as CP949
        (declared.replace("euc-kr", "UTF-8").encode("cp949"), "text/xml; charset=utf-8"),
    ):
        feed = parse_feed(body, url, content_type)
        assert len(feed.entries) == 2
        assert title in decode_html(body, content_type).text


NEWS_SITEMAP = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
 xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url>
<loc>https://www.example-gs.kr/news/articleView.html?idxno=20512</loc>
<lastmod>2025-06-02T10:00:00+09:00</lastmod>
<news:news>
<news:publication><news:name>경산일보</news:name><news:language>ko</news:language></news:publication>
<news:publication_date>2025-05-30T08:00:00+09:00</news:publication_date>
<news:title>경산시, 청년 창업 지원사업 참가자 모집</news:title>
</news:news>
</url>
<url>
<loc>https://www.example-gs.kr/news/articleView.html?idxno=20400</loc>
<lastmod>2025-04-30</lastmod>
</url>
<url><loc>/news/articleView.html?idxno=20300</loc></url>
</urlset>
"""

SITEMAP_INDEX = """<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://www.example-gs.kr/sitemap/2025-05.xml.gz</loc>
<lastmod>2025-05-31T23:10:00+09:00</lastmod></sitemap>
<sitemap><loc>https://www.example-gs.kr/sitemap/2025-04.xml.gz</loc>
<lastmod>2025-04-30T22:00:00+09:00</lastmod></sitemap>
</sitemapindex>
"""


def test_news_publication_date_is_read_and_decides_the_window() -> None:
    url = "https://www.example-gs.kr/sitemap.xml"
    page = parse_sitemap(NEWS_SITEMAP.encode(), url, MAX)
    assert page is not None and not page.is_index
    news, modified, undated = page.entries
    assert news.published == seoul(2025, 5, 30, 8, 0)
    assert news.lastmod == seoul(2025, 6, 2, 10, 0)
    assert news.date == news.published
    assert undated.url == "https://www.example-gs.kr/news/articleView.html?idxno=20300"
    # a publication date outside the window excludes; a later lastmod alone never does
    assert in_window(news, date(2025, 5, 1), date(2025, 5, 31))
    assert not in_window(news, date(2025, 6, 1), date(2025, 6, 30))
    assert in_window(modified, date(2025, 4, 1), date(2025, 4, 10))
    assert not in_window(modified, date(2025, 5, 1), date(2025, 5, 31))
    assert in_window(undated, date(2025, 5, 1), date(2025, 5, 31))


def test_sitemap_index_children_carry_their_lastmod() -> None:
    page = parse_sitemap(SITEMAP_INDEX.encode(), "https://www.example-gs.kr/sitemap.xml", MAX)
    assert page is not None and page.is_index
    assert [(e.url.rsplit("/", 1)[1], e.lastmod) for e in page.entries] == [
        ("2025-05.xml.gz", seoul(2025, 5, 31, 23, 10)),
        ("2025-04.xml.gz", seoul(2025, 4, 30, 22, 0)),
    ]
    may_hold = [e for e in page.entries if in_window(e, date(2025, 5, 1), date(2025, 5, 15))]
    assert len(may_hold) == 1


def test_gzipped_sitemap_and_gzip_bomb_within_the_size_limit() -> None:
    packed = gzip.compress(NEWS_SITEMAP.encode())
    page = parse_sitemap(packed, "https://www.example-gs.kr/sitemap/2025-05.xml.gz", MAX)
    assert page is not None and len(page.entries) == 3
    # 64 MiB of blanks inside a sitemap, 64 KiB on the wire
    bomb = gzip.compress(b"<urlset>" + b" " * (64 * 1024 * 1024) + b"</urlset>")
    assert len(bomb) < 200_000
    with pytest.raises(SitemapUnreadable):
        sitemap_body(bomb, MAX)
    with pytest.raises(SitemapUnreadable):
        parse_sitemap(bomb, "https://www.example-gs.kr/bomb.xml.gz", MAX)
    with pytest.raises(SitemapUnreadable, match="broken gzip"):
        sitemap_body(b"\x1f\x8b\x08 not gzip at all", MAX)


def test_no_sitemap_and_robots_lines() -> None:
    html = "<html><body><p>페이지를 찾을 수 없습니다.</p></body></html>"
    assert parse_sitemap(html.encode(), "https://www.example-gs.kr/sitemap.xml", MAX) is None
    robots = (
        b"User-agent: *\nDisallow: /admin/\n"
        b"Sitemap: https://www.example-gs.kr/sitemap.xml\n"
        b"sitemap: /sitemap_news.xml\nSitemap: https://www.example-gs.kr/sitemap.xml\n"
    )
    assert robots_sitemaps(robots, "https://www.example-gs.kr/robots.txt") == [
        "https://www.example-gs.kr/sitemap.xml",
        "https://www.example-gs.kr/sitemap_news.xml",
    ]


def test_feed_and_sitemap_links_are_canonical_article_links_or_dropped() -> None:
    # before list page 1: the family the link has the shape of, or the site's cms
    gnuboard = ListDiscovery(
        SiteProfile("gy", "http://www.gy.example.kr/bbs/board.php?bo_table=gs&page={page}")
    )
    assert (
        gnuboard.article_link(
            "http://www.gy.example.kr/bbs/board.php?bo_table=gs&wr_id=7&page=3&utm_source=rss"
        )
        == "http://www.gy.example.kr/bbs/board.php?bo_table=gs&wr_id=7"
    )
    articleview = ListDiscovery(
        SiteProfile(
            "gs", "https://www.gs.example.kr/news/articleList.html?page={page}", "articleview"
        )
    )
    assert (
        articleview.article_link("https://m.gs.example.kr/news/articleView.html?idxno=205&sc=rss")
        == "https://www.gs.example.kr/news/articleView.html?idxno=205"
    )
    for not_article in (
        "https://www.gs.example.kr/news/articleList.html?sc_section_code=S1N1",
        "https://www.gs.example.kr/",
        "https://www.gs.example.kr/bbs/board.php?bo_table=free&wr_id=3",
    ):
        assert articleview.article_link(not_article) is None
    # after list page 1: the template the list showed decides
    discovery = ListDiscovery(
        SiteProfile("example", "http://news.example.kr/news/list.php?page={page}")
    )
    rows = "".join(
        f'<li><a href="/news/read.php?no={n}">지역 소식 {n}번 기사 제목</a></li>'
        for n in range(20, 8, -1)
    )
    html = f'<html><body><ul class="list">{rows}</ul></body></html>'
    discovery.read(html_tree(html), "http://news.example.kr/news/list.php?page=1")
    assert discovery.article_link("http://news.example.kr/news/read.php?no=77#reply") == (
        "http://news.example.kr/news/read.php?no=77"
    )
    assert discovery.article_link("http://news.example.kr/about/map.php?floor=2") is None
    # off the site: canonical, but refused by the site scope as list links are
    scope = SiteScope.of(discovery.profile, 2083)
    elsewhere = discovery.article_link("http://partner.example.com/news/read.php?no=5")
    assert elsewhere is not None and scope.refusal(elsewhere) is not None
