"""Extraction on markup shaped like real portals' (written here, modelled on
what real Korean news pages do): a Gnuboard post written without an editor,
a body printed twice with other wrapping, site names around headlines,
photo credits beside bylines, wire and desk bylines, times shown only on
the page, promo and corrections lines closing a body."""

from __future__ import annotations

from datetime import datetime

import pytest

from pipelines.extraction import extract_article
from storage.types import SEOUL

LEAD = "경산시가 남천 둔치 산책로 4.2㎞ 구간에 야간 조명을 설치한다고 21일 밝혔다."
SECOND = (
    "그동안 밤에 산책로가 어두워 불안하다는 민원이 끊이지 않았다. "
    "시는 눈부심이 적은 조명 300개를 세운다."
)
THIRD = "공사는 8월 말까지 이어지며, 공사 구간은 부분 통제된다."


def gnuboard_post(content: str) -> bytes:
    """A Gnuboard5 ``basic`` skin view page around ``content`` (``#bo_v_con``)."""
    return f"""<!doctype html><html lang="ko"><head><meta charset="utf-8">
<title>경산시, 남천 산책로에 야간 조명 &gt; 뉴스 | 경산일보</title></head><body>
<div id="hd"><h1 id="hd_h1">경산일보</h1></div>
<article id="bo_v">
<header><h2 id="bo_v_title">
<span class="bo_v_tit">경산시, 남천 산책로에 야간 조명</span></h2></header>
<section id="bo_v_info"><h2>페이지 정보</h2>
<strong><span class="sv_member">경산일보</span></strong>
<strong class="if_date">작성일 24-03-21 10:05</strong></section>
<section id="bo_v_atc"><h2 id="bo_v_atc_title">본문</h2>
<div id="bo_v_con">{content}</div></section>
<div id="bo_v_share"><a href="#">페이스북</a> <a href="#">트위터</a></div>
</article>
<aside id="hd_pop"><h2>많이 본 뉴스</h2><ul><li><a href="?wr_id=1">다른 기사</a></li></ul></aside>
</body></html>""".encode()


URL = "http://www.gyeongsan-ilbo.example/bbs/board.php?bo_table=news&wr_id=7001"


def test_a_bare_text_lead_is_kept() -> None:
    """A post written without an editor: the lead is bare text before the first <p>."""
    content = (
        f"\n{LEAD}<br><br>\n<p>{SECOND}</p>\n<p>{THIRD}</p>\n"
        "<p>김민정 기자 mj@gyeongsan-ilbo.example</p>"
    )
    article = extract_article(gnuboard_post(content), None, URL, "gnuboard5")
    assert article.paragraphs == (LEAD, SECOND, THIRD)
    assert article.author == "김민정"


def test_text_around_a_photo_and_inline_tails_is_kept() -> None:
    content = (
        '<figure><img src="/data/editor/2403/a.jpg" alt=""><figcaption></figcaption></figure>'
        f"{LEAD}<br><br>"
        f"<span>{SECOND[:20]}</span>{SECOND[20:]}"
        '<div class="img_box"><img src="/data/b.jpg">'
        '<p class="photo_txt">산책로에 세울 조명 (경산시 제공)</p></div>'
        f"{THIRD}"
    )
    article = extract_article(gnuboard_post(content), None, URL, "gnuboard5")
    assert article.paragraphs == (LEAD, SECOND, THIRD)


def test_a_body_printed_twice_with_other_wrapping_is_kept_once() -> None:
    """The first copy has a bare-text lead; the copy has every line in a <p>, and
    its second and third paragraphs run together in one."""
    content = (
        f"[경산일보=김민정 기자] {LEAD}<br>\n<p>{SECOND}</p><p>{THIRD}</p>"
        "<p>김민정 기자 mj@gyeongsan-ilbo.example</p>"
        f"<p>[경산일보=김민정 기자] {LEAD}</p><p>{SECOND} {THIRD}</p>"
    )
    article = extract_article(gnuboard_post(content), None, URL, "gnuboard5")
    assert article.paragraphs == (LEAD, SECOND, THIRD)


def generic_page(head: str, body: str) -> bytes:
    return f"""<!doctype html><html lang="ko"><head><meta charset="utf-8">{head}</head>
<body><ul id="gnb"><li><a href="/">홈</a></li><li><a href="/list?sec=pol">정치</a></li>
<li><a href="/list?sec=soc">사회</a></li></ul>
<div class="content"><div class="article_area">{body}</div></div>
<div class="footer">경북매일 | 경북 포항시 | 등록번호 경북 아00001</div></body></html>""".encode()


ARTICLE = f"<p>{LEAD}</p><p>{SECOND}</p><p>{THIRD}</p><p>김민정 기자 mj@kbmaeil.example</p>"


@pytest.mark.parametrize(
    ("head", "body", "title"),
    [
        # og:title with the site's name after a separator
        (
            '<meta property="og:title" content="남천 산책로에 야간 조명 - 경북매일">'
            '<meta property="og:site_name" content="경북매일">',
            ARTICLE,
            "남천 산책로에 야간 조명",
        ),
        # the site's name and a section the page's menu links to: -정치ㅣ경북매일
        (
            '<meta property="og:title" content="남천 산책로에 야간 조명-정치ㅣ경북매일">'
            '<meta property="og:site_name" content="경북매일">',
            ARTICLE,
            "남천 산책로에 야간 조명",
        ),
        # a headline that merely names the site keeps it
        (
            '<meta property="og:title" content="경북매일 창간 30주년 기념식 열려">'
            '<meta property="og:site_name" content="경북매일">',
            ARTICLE,
            "경북매일 창간 30주년 기념식 열려",
        ),
        (
            '<meta property="og:title" content="경북매일 창간 30주년 기념식 열려 | 경북매일">'
            '<meta property="og:site_name" content="경북매일">',
            ARTICLE,
            "경북매일 창간 30주년 기념식 열려",
        ),
        # the shown headline wins: (2보) as shown, no " #Site" tag
        (
            '<meta property="og:title" content="고용 9만7천명 증가…9년 만에 최소[2보] #Kbm">',
            f"<h2>고용 9만7천명 증가…9년 만에 최소(2보)</h2>{ARTICLE}",
            "고용 9만7천명 증가…9년 만에 최소(2보)",
        ),
        # a logo <h1> is not the headline
        (
            "<title>남천 산책로에 야간 조명 - 경북매일</title>",
            f"<h1>경북매일</h1><h3>남천 산책로에 야간 조명</h3>{ARTICLE}",
            "남천 산책로에 야간 조명",
        ),
    ],
)
def test_the_site_name_is_stripped_from_titles_but_never_a_headline(
    head: str, body: str, title: str
) -> None:
    article = extract_article(generic_page(head, body), None, "http://kbm.example/n/1", None)
    assert article.title == title


def test_a_photo_credit_is_never_the_author() -> None:
    body = (
        '<table class="news_photo"><tr><td><img src="/p/1.jpg"></td></tr>'
        '<tr><td class="caption">시민들이 산책로를 걷고 있다. /이병화 기자</td></tr></table>'
        f"{LEAD}<br><br>{SECOND}<br><br>{THIRD}<br><br>"
        "<p>사진=박사진 기자</p>"
    )
    head = '<meta property="og:title" content="남천 산책로에 야간 조명">'
    article = extract_article(
        generic_page(head, body + "<p>조재형 기자 jj@kbmaeil.example</p>"),
        None,
        "http://kbm.example/n/2",
        None,
    )
    assert article.author == "조재형"
    only_credits = extract_article(generic_page(head, body), None, "http://kbm.example/n/3", None)
    assert only_credits.author is None
    assert LEAD in only_credits.paragraphs


@pytest.mark.parametrize(
    ("head", "byline"),
    [
        ('<meta property="dable:author" content="연합">', "<p>(서울=연합뉴스)</p>"),
        (
            '<meta property="article:author" content="https://www.facebook.com/kbmaeil">',
            "<p>[경북매일] 디지털뉴스팀 = </p>",
        ),
        (
            '<meta name="author" content="경북매일">'
            '<meta property="og:site_name" content="경북매일">',
            "",
        ),
    ],
)
def test_a_wire_a_desk_the_site_or_a_url_is_no_author(head: str, byline: str) -> None:
    head += '<meta property="og:title" content="남천 산책로에 야간 조명">'
    body = f"{byline}<p>{LEAD}</p><p>{SECOND}</p><p>{THIRD}</p>"
    article = extract_article(generic_page(head, body), None, "http://kbm.example/n/4", None)
    assert article.author is None


def test_the_reporters_of_a_wire_byline_and_of_a_shown_byline() -> None:
    head = '<meta property="og:title" content="남천 산책로에 야간 조명">'
    wire = f"<p>(경산=연합뉴스) 이세원 이대희 민경락 기자 = {LEAD}</p><p>{SECOND}</p><p>{THIRD}</p>"
    article = extract_article(generic_page(head, wire), None, "http://kbm.example/n/5", None)
    assert article.author == "이세원, 이대희, 민경락"
    shown = (
        f"<ul><li><a href='/r?k=1'>김정훈 기자</a>|입력 : 2024.03.21 11:25</li></ul>{ARTICLE[:-45]}"
    )
    head += '<meta name="author" content="Kbm">'
    article = extract_article(generic_page(head, shown), None, "http://kbm.example/n/6", None)
    assert article.author == "김정훈"


def test_a_stamp_shown_with_its_time_wins_over_midnight_metadata() -> None:
    head = (
        '<meta property="og:title" content="남천 산책로에 야간 조명">'
        '<meta itemprop="datePublished" content="2024-03-21">'
    )
    stamp = "<p class='date'><span>입력 2024.03.21 14:50</span></p>"
    article = extract_article(
        generic_page(head, stamp + ARTICLE), None, "http://kbm.example/n/7", None
    )
    assert article.published == datetime(2024, 3, 21, 14, 50, tzinfo=SEOUL)
    unlabelled = "<p><span class='name'>김민정 기자</span><span>2024/03/21 09:07</span></p>"
    article = extract_article(
        generic_page(head, unlabelled + ARTICLE), None, "http://kbm.example/n/8", None
    )
    assert article.published == datetime(2024, 3, 21, 9, 7, tzinfo=SEOUL)
    edited = "<p><span>김민정 기자</span> <span>수정 2024.03.21 18:30</span></p>"
    article = extract_article(
        generic_page(head, edited + ARTICLE), None, "http://kbm.example/n/10", None
    )
    assert article.published == datetime(2024, 3, 21, tzinfo=SEOUL)


def test_promo_corrections_and_button_lines_closing_a_body_go() -> None:
    content = (
        f"<p>{LEAD}</p><p>{SECOND}</p><p>{THIRD}</p>"
        "<p>▶ 경산일보 카카오톡 채널 추가하고 주요 뉴스 받아보기</p>"
        "<p>▶ 제보하기: 전화 053-000-0000 / 이메일 jebo@gyeongsan-ilbo.example</p>"
        "<p>경산일보의 기사에 대해 반론·정정·추후 보도를 청구하실 분은 "
        "아래로 연락주시길 바랍니다.</p>"
        "<p>기사 URL이 복사되었습니다.</p><p>뉴스 &gt; 사회 &gt; 경산</p>"
    )
    article = extract_article(gnuboard_post(content), None, URL, "gnuboard5")
    assert article.paragraphs == (LEAD, SECOND, THIRD)


def test_a_page_whose_text_the_measured_settings_miss_is_read_for_recall() -> None:
    """Old skins wrap the whole body in a link (to a photo viewer); trafilatura's
    precision reading takes it for a link list and finds no text."""
    body = f"<div class='view'><a href='/photo/view?no=7'>{LEAD}<br><br>{SECOND}</a></div>"
    head = '<meta property="og:title" content="남천 산책로에 야간 조명">'
    article = extract_article(generic_page(head, body), None, "http://kbm.example/n/9", None)
    assert article.paragraphs == (LEAD, SECOND)
