"""The modification stamp a page shows (``수정 2023.05.08 14:22``, 최종수정,
``article:modified_time``, JSON-LD ``dateModified``): read aside the
publication's, never taken for it, and the publication never taken for it."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from lxml.html import document_fromstring

from pipelines import metadata
from pipelines.dates import labelled_modified
from pipelines.extraction import extract_article
from sample_portal import newscms
from sample_portal.content import Article
from storage.types import SEOUL

LEAD = "경산시가 남천 둔치 산책로 4.2㎞ 구간에 야간 조명을 설치한다고 21일 밝혔다."
SECOND = (
    "그동안 밤에 산책로가 어두워 불안하다는 민원이 끊이지 않았다. "
    "시는 눈부심이 적은 조명 300개를 세운다."
)
ARTICLE = f"<p>{LEAD}</p><p>{SECOND}</p><p>김민정 기자 mj@kbmaeil.example</p>"
PUBLISHED = datetime(2023, 5, 7, 9, 30, tzinfo=SEOUL)
MODIFIED = datetime(2023, 5, 8, 14, 22, tzinfo=SEOUL)


def page(head: str, body: str) -> bytes:
    return f"""<!doctype html><html lang="ko"><head><meta charset="utf-8">
<meta property="og:title" content="남천 산책로에 야간 조명">{head}</head>
<body><ul id="gnb"><li><a href="/">홈</a></li></ul>
<div class="content"><div class="article_area">{body}</div></div>
<div class="rank_box"><h3>많이 본 뉴스</h3><ol><li><a href="/1">다른 기사</a>
수정 2025-01-05 10:00</li></ol></div>
<div class="footer">경북매일 | 최종수정 2025-02-01 09:00</div></body></html>""".encode()


def extracted(head: str, byline: str):
    return extract_article(page(head, byline + ARTICLE), None, "http://kbm.example/n/6", None)


SHOWN = [
    "<p>입력 2023.05.07 09:30 | 수정 2023.05.08 14:22</p>",
    "<p>등록일 : 2023-05-07 09:30:00 수정일 : 2023-05-08 14:22:00</p>",
    "<ul><li>입력 2023.05.07 09:30</li><li>최종수정 2023.05.08 14:22</li></ul>",
    "<p>기사입력 2023.05.07 오전 9:30 업데이트 2023.05.08 오후 2:22</p>",
    "<p>승인 2023년 5월 7일 09시 30분 · 수정 : 2023년 5월 8일 14시 22분</p>",
]


@pytest.mark.parametrize("byline", SHOWN)
def test_a_labelled_stamp_beside_the_publication_line(byline: str) -> None:
    article = extracted("", byline)
    assert article.published == PUBLISHED
    assert article.modified == MODIFIED
    assert article.modified.utcoffset() == timedelta(hours=9)


def test_metadata_modified_time_and_json_ld_date_modified() -> None:
    head = (
        '<meta property="article:published_time" content="2023-05-07T00:30:00Z">'
        '<meta property="article:modified_time" content="2023-05-08T05:22:00Z">'
    )
    article = extracted(head, "")
    assert (article.published, article.modified) == (PUBLISHED, MODIFIED)
    assert article.modified.tzinfo == SEOUL
    json_ld = (
        '<script type="application/ld+json">{"@type": "NewsArticle", '
        '"datePublished": "2023-05-07T09:30:00+09:00", '
        '"dateModified": "2023-05-08T14:22:00+09:00"}</script>'
    )
    article = extracted(json_ld, "")
    assert (article.published, article.modified) == (PUBLISHED, MODIFIED)


def test_a_page_that_shows_no_edit_has_none() -> None:
    article = extracted("", "<p>입력 2023.05.07 09:30</p>")
    assert article.published == PUBLISHED
    assert article.modified is None


def test_the_publication_is_never_taken_from_the_modification() -> None:
    head = '<meta property="article:modified_time" content="2023-05-08T14:22:00+09:00">'
    for shown in (head, ""):
        article = extracted(shown, "<p>수정 2023.05.08 14:22</p>")
        assert article.modified == MODIFIED
        assert article.published is None


def test_a_stamp_before_the_publication_is_no_modification() -> None:
    assert extracted("", "<p>입력 2023.05.07 09:30 | 수정 2023.05.01 10:00</p>").modified is None


def test_a_sidebar_or_footer_stamp_is_not_the_articles() -> None:
    tree = document_fromstring(page("", "<p>입력 2023.05.07 09:30</p>" + ARTICLE).decode())
    assert metadata.modified(tree, PUBLISHED) is None


def test_a_label_inside_a_word_or_prose_without_a_date_is_none() -> None:
    assert labelled_modified("예산안을 재수정 2024.03.05 의결") is None
    assert labelled_modified("계획을 수정했다. 2024.03.05") is None
    assert labelled_modified("기사수정 2024.03.05 10:00") == datetime(
        2024, 3, 5, 10, 0, tzinfo=SEOUL
    )


def test_the_sample_cms_stamps_are_read_on_every_page() -> None:
    now = datetime(2024, 4, 1, 12, 0, tzinfo=SEOUL)
    shown = 0
    for no in range(1, 41):
        article = Article(
            site="newscms",
            path=newscms.article_path(1000 + no),
            title=f"경산시 {no}번째 산책로 정비 사업 착수",
            author="김민정",
            published=datetime(2024, 3, 1, 9, 0, tzinfo=SEOUL) + timedelta(hours=13 * no),
            paragraphs=(LEAD, SECOND),
        )
        html = newscms.article_page(article=article, newer=None, older=None, popular=(), now=now)
        found = extract_article(html.encode(), None, f"http://newscms.example{article.path}", None)
        assert found.published == article.published, no
        assert found.modified == newscms.modified_time(article, now), no
        shown += found.modified is not None
    assert 0 < shown < 40
