"""Members-only walls in Korean CMSes' own wording are no article, and are
kept to be tried again; real articles that mention members or logging in,
or whose frame holds a login link or box, are archived as before."""

from __future__ import annotations

import pytest

from crawler.items import outcome_of
from pipelines.article_page import PageError, PageProblem, extract_and_fingerprint
from pipelines.walls import members_only, wall_notice
from storage.models import Outcome

URL = "http://127.0.0.1/news/articleView.html?idxno=1"
HTML = "text/html; charset=utf-8"
# a real article's paragraphs: long enough that no teaser is this long
STORY = [
    "경산시는 올해 하반기부터 지역 소상공인을 위한 경영 안정 자금 지원 대상을 "
    "크게 늘린다고 밝혔다. 시는 이번 조치로 약 1200개 업체가 추가로 혜택을 받을 것으로 내다봤다.",
    "지원 대상은 관내에 사업자 등록을 하고 6개월 이상 영업한 업체로, "
    "업체당 최대 2000만 원까지 연 2% 이자를 보전받는다. "
    "신청은 다음 달 1일부터 시 누리집과 읍면동 행정복지센터에서 받는다.",
    "시 관계자는 고금리와 소비 위축으로 어려움을 겪는 소상공인에게 "
    "실질적인 도움이 되기를 기대한다며 예산이 소진될 때까지 접수를 이어갈 계획이라고 말했다.",
]


def page(body: str, frame: str = "") -> bytes:
    """An article page in a news site's full template, ``body`` in its article view."""
    return f"""<!doctype html><html lang="ko"><head><meta charset="utf-8">
<title>경산시, 소상공인 경영 안정 자금 확대 - 경일신문</title>
<meta property="og:title" content="경산시, 소상공인 경영 안정 자금 확대"></head><body>
<header><a href="/">경일신문</a>
<nav><a href="/news/list.html">전체기사</a> <a href="/member/login.html">로그인</a>
 <a href="/member/join.html">회원가입</a></nav>{frame}</header>
<article><h1 class="heading">경산시, 소상공인 경영 안정 자금 확대</h1>
<div class="info-text">입력 2024.03.29 10:00 | 홍길동 기자</div>
<div id="article-view-content-div">{body}</div></article>
<footer>Copyright 경일신문 All rights reserved.</footer></body></html>""".encode()


def paragraphs(*lines: str) -> str:
    return "".join(f"<p>{line}</p>\n" for line in lines)


# what walls say, as the CMSes ship them
WALLS = {
    "articleView/ndsoft paywall": paragraphs(
        "이 기사는 유료회원 전용 기사입니다.",
        "유료회원만 열람 가능합니다. 로그인 후 이용해 주세요.",
    ),
    "articleView subscribers": paragraphs(
        "구독자 전용 기사입니다. 구독 후 전체 기사를 읽으실 수 있습니다."
    ),
    "Gnuboard board notice": paragraphs(
        "글을 읽을 권한이 없습니다.", "회원이시라면 로그인 후 이용해 보십시오."
    ),
    "XE/Rhymix": paragraphs("권한이 없습니다."),
    "XE/Rhymix secret post": paragraphs("비밀글입니다."),
    "eGovFrame board": paragraphs("로그인 후 이용하실 수 있습니다."),
    "eGovFrame access": paragraphs("해당 게시물에 대한 접근 권한이 없습니다."),
    "WordPress members plugin": paragraphs("이 콘텐츠는 회원만 볼 수 있습니다. 로그인하세요."),
    "WordPress English": paragraphs(
        "This content is for members only. Log in to read the article."
    ),
    "paywall teaser": paragraphs(STORY[0], "이후 내용은 유료회원만 보실 수 있습니다."),
    "login required": paragraphs("로그인이 필요한 서비스입니다"),
}


@pytest.mark.parametrize("cms", sorted(WALLS))
def test_a_members_only_wall_in_the_full_template_is_no_article(cms: str) -> None:
    result = extract_and_fingerprint(page(WALLS[cms]), HTML, URL, None)
    assert isinstance(result, PageError), cms
    assert result.problem is PageProblem.MEMBERS_ONLY
    assert str(result).startswith("not an article (members only): ")


def test_a_members_only_page_is_kept_to_be_tried_again() -> None:
    walled = PageError(PageProblem.MEMBERS_ONLY, "wall notice: 회원 전용 기사입니다.")
    assert outcome_of(walled) is Outcome.FAILED  # later runs fetch FAILED pages again
    gone = PageError(PageProblem.NOT_ARTICLE, "alert page: 글이 존재하지 않습니다")
    assert outcome_of(gone) is Outcome.NOT_ARTICLE


@pytest.mark.parametrize(
    "wall",
    [
        # Gnuboard's alert for a members-only post
        "<script>alert('글을 읽을 권한이 없습니다.\\n\\n회원이시라면 로그인 후 이용해 보십시오.');"
        "history.back();</script>",
        # a login form in place of the article
        '<form action="/member/login_check.html"><p>로그인하셔야 본 기사를 보실 수 있습니다.</p>'
        '<input name="user_id"><input type="password" name="user_pw"></form>',
    ],
)
def test_alerts_and_login_forms_of_walls_are_members_only(wall: str) -> None:
    body = f"<html><body>{wall}</body></html>".encode()
    result = extract_and_fingerprint(body, HTML, URL, None)
    assert isinstance(result, PageError) and result.problem is PageProblem.MEMBERS_ONLY


def test_a_deleted_post_alert_stays_not_an_article() -> None:
    body = "<html><body><script>alert('글이 존재하지 않습니다.');</script></body></html>"
    result = extract_and_fingerprint(body.encode(), HTML, URL, None)
    assert isinstance(result, PageError) and result.problem is PageProblem.NOT_ARTICLE


MENTIONS = {
    "members in the news": [
        *STORY,
        "이번 설명회는 상공회의소 회원만 참석할 수 있다.",
        "협회는 유료 회원 수가 지난해보다 30% 늘었다고 밝혔다.",
    ],
    "logging in, reported": [
        *STORY[:2],
        "신청은 시 누리집에 로그인 후 신청서를 내면 된다.",
    ],
    "a short brief about a members' service": [
        "경산시립도서관은 다음 달부터 회원만 이용할 수 있던 전자책 서비스를 모든 시민에게 연다.",
        "도서관 누리집에 로그인 후 이용하면 된다고 도서관은 밝혔다.",
    ],
    "a quote about permissions": [
        *STORY[:2],
        '시 관계자는 "담당 부서에 권한이 없습니다"라고 말했다.',
    ],
}


@pytest.mark.parametrize("case", sorted(MENTIONS))
def test_an_article_mentioning_members_or_login_is_archived(case: str) -> None:
    result = extract_and_fingerprint(page(paragraphs(*MENTIONS[case])), HTML, URL, None)
    assert not isinstance(result, PageError), (case, result)
    article, _ = result
    assert article.paragraphs[-1] == MENTIONS[case][-1]


def test_an_article_whose_frame_has_a_login_box_is_archived() -> None:
    login_box = (
        '<form action="/member/login_check.html"><input name="user_id">'
        '<input type="password" name="user_pw"><button>로그인</button> '
        '<a href="/member/join.html">회원가입</a>'
        '<a href="/member/find.html">아이디/비밀번호 찾기</a>'
        "</form>"
    )
    result = extract_and_fingerprint(page(paragraphs(*STORY), login_box), HTML, URL, None)
    assert not isinstance(result, PageError), result
    assert result[0].paragraphs == tuple(STORY)


@pytest.mark.parametrize(
    ("paragraph", "notice"),
    [
        ("회원 전용 기사", True),
        ("로그인 후 이용 가능", True),
        ("유료회원만 열람 가능합니다.", True),
        ("이 기사는 로그인 후 보실 수 있습니다.", True),
        ("조합 회원만 열람할 수 있다.", False),  # news reports it: a plain statement
        ("유료 회원제를 도입했다.", False),
        ("회원 " * 120, False),  # no wall's words, and too long for a notice
    ],
)
def test_a_wall_notice_speaks_to_the_reader(paragraph: str, notice: bool) -> None:
    assert wall_notice(paragraph) is notice


def test_an_article_ending_in_a_notice_like_line_is_no_wall() -> None:
    assert members_only([*STORY, "로그인 후 이용해 주세요."]) is None
    assert members_only([STORY[0], "로그인 후 이용해 주세요."]) == "로그인 후 이용해 주세요."
