"""URL canonicalization: tracking and session parameters, fragments, order,
and what each family knows (article parameters, print and mobile views)."""

from __future__ import annotations

import pytest
from lxml.html import document_fromstring

from pipelines import families
from pipelines.urls import canonical_url, location

GNUBOARD = "http://www.gyeongil.kr/bbs/board.php?bo_table=news&wr_id=5"
NEWSCMS = "https://www.samplenews.kr/news/article.html?no=123"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTP://WWW.Example.kr:80/a/b?y=2&x=1#top", "http://www.example.kr/a/b?x=1&y=2"),
        ("http://x.kr/a?id=7&utm_source=naver&utm_medium=news&fbclid=abc", "http://x.kr/a?id=7"),
        ("http://x.kr/a?id=7&PHPSESSID=f00&sid=1", "http://x.kr/a?id=7"),
        ("http://x.kr/a;jsessionid=ABC123?id=7", "http://x.kr/a?id=7"),
        ("http://x.kr/기사/7", "http://x.kr/%EA%B8%B0%EC%82%AC/7"),
    ],
)
def test_location_drops_what_names_no_place(url: str, expected: str) -> None:
    assert location(url) == expected


@pytest.mark.parametrize(
    "variant",
    [
        GNUBOARD,
        "http://www.gyeongil.kr/bbs/board.php?wr_id=5&bo_table=news",
        "http://www.gyeongil.kr/bbs/board.php?bo_table=news&wr_id=5&page=3",
        "http://www.gyeongil.kr/bbs/board.php?bo_table=news&wr_id=5&sca=%EC%A0%95%EC%B9%98&page=2",
        "http://www.gyeongil.kr/bbs/board.php?bo_table=news&wr_id=5&utm_source=kakao#c_12",
        "http://m.gyeongil.kr/bbs/board.php?bo_table=news&wr_id=5&device=mobile",
    ],
)
def test_gnuboard_variants_fold_into_one_url(variant: str) -> None:
    family = families.get("gnuboard5")
    home = "http://www.gyeongil.kr/bbs/board.php?bo_table=news&page=1"
    assert family.canonical_url(variant, home=home) == GNUBOARD


@pytest.mark.parametrize(
    "variant",
    [
        NEWSCMS,
        "https://www.samplenews.kr/news/article_print.html?no=123",
        "https://www.samplenews.kr/m/news/article.html?no=123&sc_code=&page=",
        "https://m.samplenews.kr/news/article.html?no=123",
        "https://mobile.samplenews.kr/news/article.html?no=123&ref=daum",
    ],
)
def test_newscms_print_and_mobile_views_fold_into_the_article(variant: str) -> None:
    home = "https://www.samplenews.kr/news/section_list_all.html?page=1"
    assert families.get("newscms").canonical_url(variant, home=home) == NEWSCMS


def test_mobile_host_without_a_home_drops_the_prefix() -> None:
    assert canonical_url("http://m.news.kr/a?id=1") == "http://news.kr/a?id=1"
    # another domain is left alone
    assert canonical_url("http://m.other.kr/a", home="http://www.news.kr/") == "http://other.kr/a"


def test_generic_family_keeps_every_parameter_that_may_name_the_article() -> None:
    family = families.get("generic")
    url = "http://blog.kr/view.php?id=9&cat=3&utm_campaign=x"
    assert family.canonical_url(url) == "http://blog.kr/view.php?cat=3&id=9"


def test_list_links_keep_the_places_each_article_was_linked_by() -> None:
    page = "http://www.gyeongil.kr/bbs/board.php?bo_table=news&page=3"
    tree = document_fromstring(
        """<div id="bo_list">
        <a href="./board.php?bo_table=news&amp;wr_id=5&amp;page=3">기사</a>
        <a href="./board.php?bo_table=news&amp;wr_id=5&amp;page=3#c_1">댓글</a>
        <a href="http://m.gyeongil.kr/bbs/board.php?bo_table=news&amp;wr_id=5">모바일</a>
        <a href="./board.php?bo_table=news&amp;wr_id=4&amp;utm_source=x">다른 기사</a>
        <a href="./board.php?bo_table=news&amp;page=4">다음</a>
        </div>"""
    )
    linked = families.get("gnuboard5").linked_articles(tree, page)
    assert linked == {
        GNUBOARD: [
            "http://www.gyeongil.kr/bbs/board.php?bo_table=news&page=3&wr_id=5",
            "http://m.gyeongil.kr/bbs/board.php?bo_table=news&wr_id=5",
        ],
        GNUBOARD.replace("wr_id=5", "wr_id=4"): [GNUBOARD.replace("wr_id=5", "wr_id=4")],
    }


def test_malformed_links_on_a_list_page_are_skipped() -> None:
    page = "http://www.gyeongil.kr/bbs/board.php?bo_table=news&page=1"
    tree = document_fromstring(
        """<div id="bo_list">
        <a href="http://[broken/bbs/board.php?bo_table=news&amp;wr_id=9">IPv6</a>
        <a href="//www.gyeongil.kr:99999/bbs/board.php?bo_table=news&amp;wr_id=8">포트</a>
        <a href="./board.php?bo_table=news&amp;wr_id=5">기사</a>
        </div>"""
    )
    assert list(families.get("gnuboard5").linked_articles(tree, page)) == [GNUBOARD]


def test_a_site_on_a_mobile_host_keeps_its_host() -> None:
    home = "https://m.samplenews.kr/news/articleList.html?page=1"
    url = "https://m.samplenews.kr/news/article.html?no=123"
    assert families.get("newscms").canonical_url(url, home=home) == url
