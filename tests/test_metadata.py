"""Page metadata for portals no family knows: the article's own date, never a
sidebar's; the headline without the site's name; the byline."""

from __future__ import annotations

from datetime import datetime

from lxml.html import document_fromstring

from pipelines import metadata
from pipelines.dates import is_date_line, labelled_published, published_in
from pipelines.extraction import extract_article
from storage.types import SEOUL

RANKING = (
    '<div class="rank_box"><h3>많이 본 뉴스</h3><ol>'
    "<li><a href='/1'>다른 기사</a> 등록 2025-01-05 10:00</li></ol></div>"
)


def tree(body: str, head: str = ""):
    return document_fromstring(f"<html><head>{head}</head><body>{body}</body></html>")


def test_a_sidebar_date_is_never_the_articles() -> None:
    page = tree(
        f"{RANKING}<aside>입력 2025-02-01 09:00</aside>"
        "<div class='view'><h2>제목</h2>"
        "<p>홍길동 기자 | 입력 2024.03.29 14:12 | 수정 2024.03.30 09:00</p>"
        "<div>본문</div></div><div id='footer'>등록일 : 2010-05-12</div>"
    )
    assert metadata.published(page) == datetime(2024, 3, 29, 14, 12, tzinfo=SEOUL)


def test_metadata_first_then_time_in_the_article() -> None:
    head = '<meta property="article:published_time" content="2019-05-08T05:36:38Z">'
    assert metadata.published(tree("<p>입력 2024.03.29 14:12</p>", head)) == datetime(
        2019, 5, 8, 14, 36, 38, tzinfo=SEOUL
    )
    sidebar_time = (
        "<aside><article><time datetime='2025-01-01T09:00:00+09:00'>1월 1일</time></article>"
        "</aside><article><time datetime='2024-03-29T14:12:00+09:00'>3월 29일</time></article>"
    )
    assert metadata.published(tree(sidebar_time)) == datetime(2024, 3, 29, 14, 12, tzinfo=SEOUL)


def test_a_post_wrapped_in_a_form_shows_its_time() -> None:
    """Boards wrap a whole post in a <form>: its 작성일 is the post's; a search
    form's date is not."""
    post = (
        "<form><input type='text' name='q'> 2010-01-01 09:00</form>"
        "<form id='boardForm'><div class='head'>한빛군, 청년 창업 지원</div>"
        "<div class='info'><span>작성일 : 2025-12-05 17:09</span></div>"
        "<p>한빛군은 청년 창업자 지원 사업을 내년부터 두 배로 늘린다.</p>"
        "</form>"
    )
    assert metadata.published(tree(post)) == datetime(2025, 12, 5, 17, 9, tzinfo=SEOUL)


def test_a_date_a_definition_list_labels() -> None:
    for label in ("날짜", "작성일", "등록일자"):
        shown = f"<div class='box'><h3>헤드라인</h3><dl><dt>{label}</dt><dd>2025.12.09 </dd>"
        shown += "<dt>조회수</dt><dd>28</dd></dl></div>"
        assert metadata.published(tree(shown)) == datetime(2025, 12, 9, tzinfo=SEOUL), label


def test_no_date_at_all() -> None:
    assert metadata.published(tree(f"{RANKING}<p>본문만 있는 페이지</p>")) is None


def test_korean_date_labels() -> None:
    assert published_in("작성일 17-04-19 11:53") == datetime(2017, 4, 19, 11, 53, tzinfo=SEOUL)
    assert published_in("수정 2020.11.22 09:00 입력 2020.11.21 08:08") == datetime(
        2020, 11, 21, 8, 8, tzinfo=SEOUL
    )
    assert labelled_published("기사입력 2008-10-10 오후 02:05:00") == datetime(
        2008, 10, 10, 14, 5, tzinfo=SEOUL
    )
    assert labelled_published("수정 2020.11.22 09:00") is None
    assert labelled_published("작성일 2024년 2월 1일 (목) 13시 2분") == datetime(
        2024, 2, 1, 13, 2, tzinfo=SEOUL
    )
    assert is_date_line("승인 2019.05.08 14:36")
    assert not is_date_line("행사는 2024년 5월 3일부터 열린다.")


def test_headline_without_the_site_name() -> None:
    head = (
        '<meta property="og:title" content="광주시, 산업 전략 발표 - 경북일보사">'
        '<meta property="og:site_name" content="경북일보사">'
    )
    assert metadata.title(tree("", head)) == "광주시, 산업 전략 발표"
    logo_first = tree(
        "<h1 class='logo'>진주시민신문</h1><h2>진주 남강유등축제 유등 7만개 띄운다</h2>",
        "<title>진주 남강유등축제 유등 7만개 띄운다 &lt; 지역 &lt; 기사본문 - 진주시민신문</title>",
    )
    assert metadata.title(logo_first) == "진주 남강유등축제 유등 7만개 띄운다"
    title_only = tree("", "<title>거창 사과 수확 체험 관광 인기 | 거창타임즈</title>")
    assert metadata.title(title_only) == "거창 사과 수확 체험 관광 인기"


def test_a_title_that_is_the_sites_frame_is_not_the_headline() -> None:
    """The site's name and board (og:title, <title>) name no post: its
    제목 cell does; a keyword list is no title either."""
    board = (
        "<title>소통마당 | 보도자료 | 한빛군청</title>"
        '<meta property="og:title" content="한빛군청누리집 - 보도자료 |">'
    )
    cell = "<table><tr><th>제목</th><td>한빛군, 청년 창업 지원금 확대</td></tr></table>"
    assert metadata.title(tree(cell, board)) == "한빛군, 청년 창업 지원금 확대"
    keywords = (
        '<meta name="keywords" content="푸른도청, 푸른도, 도청, 분야별정보">'
        '<meta property="og:title" content="푸른도청, 푸른도, 도청, Purun-do">'
        "<title>푸른도, 하천 수질 조사 결과 발표 | 보도자료&gt;도정소식&gt;푸른도</title>"
    )
    subject = "<div class='subject'>푸른도, 하천 수질 조사 결과 발표</div>"
    assert metadata.title(tree(subject, keywords)) == "푸른도, 하천 수질 조사 결과 발표"
    tail = (
        '<meta name="keywords" content="새울시청, 새울시, Saeul City">'
        '<meta property="og:title" content="새울시, 1,200명 일자리 지원, 새울시, Saeul City">'
    )
    assert metadata.title(tree("", tail)) == "새울시, 1,200명 일자리 지원"


def test_a_generic_title_gives_the_posts_longest_titled_text() -> None:
    """A breadcrumb and a pop-up's title are titled too, but no headline."""
    body = (
        "<div class='sub-tit'><a href='/'>홈</a> <a href='/m'>알림마당</a></div>"
        "<div class='title-box'>자동 로그아웃 안내</div>"
        "<p class='tit'>한빛군 누리집, 웹 접근성 인증 획득</p>"
    )
    assert metadata.title(tree(body, "<title>알림마당>한빛뉴스>보도자료 > 상세</title>")) == (
        "한빛군 누리집, 웹 접근성 인증 획득"
    )


def test_a_headline_that_a_link_repeats_is_still_the_title() -> None:
    body = "<h1>새 역사 문 연다</h1><a href='/a/1'>새 역사 문 연다</a>"
    assert metadata.title(tree(body, '<meta property="og:title" content="새 역사 문 연다">')) == (
        "새 역사 문 연다"
    )


def test_byline_elements() -> None:
    wordpress = tree(
        "<aside class='widget'><span class='byline'>다른 사람</span></aside>"
        "<span class='byline'> 작성자: <span class='author vcard'><a class='url fn n'>남궁선</a>"
        "</span></span>"
    )
    assert metadata.author(wordpress) == "작성자: 남궁선"
    record = '{"@type": "NewsArticle", "author": [{"name": "A"}, {"name": "B"}]}'
    json_ld = f'<script type="application/ld+json">{record}</script>'
    assert metadata.author(tree("", json_ld)) == "A, B"


def test_the_author_is_read_from_the_page_as_fetched_not_as_extraction_left_it() -> None:
    """Extracting the body drops link lists; an author link in one is still read."""
    page = (
        "<html><head><title>경산시 소식</title></head><body><article><h1>경산시 소식</h1>"
        "<ul><li><a rel='author' href='/u/1'>홍길동</a></li>"
        "<li><a href='/a'>공유</a></li><li><a href='/b'>인쇄</a></li></ul>"
        "<p>경산시가 올해 10대 전략을 발표했다. 시는 지역 발전을 위해 예산을 늘린다.</p>"
        "<p>둘째 문단에서는 세부 계획을 설명한다. 주민 의견도 듣기로 했다.</p>"
        "</article></body></html>"
    ).encode()
    article = extract_article(page, "text/html; charset=utf-8", "http://blog.kr/view?id=1", None)
    assert article.author == "홍길동"
