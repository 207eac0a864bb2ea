"""Versions of an article: which revisits are another version and which are
the same article shown again, and the word-level diff between two versions."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from itertools import pairwise

import pytest

from pipelines.dates import SEOUL
from pipelines.versions import VersionFields, differs, normalized_for_comparison, word_diff

BODY = (
    "경산시는 내년도 본예산으로 3억원을 편성했다고 29일 밝혔다.\n\n"
    "시는 청년 창업 지원과 전통시장 활성화에 예산을 집중할 계획이다.\n\n"
    '홍길동 시장은 "시민 삶에 보탬이 되도록 하겠다"고 말했다.'
)
FIRST = VersionFields(
    title="경산시, 내년 본예산 3억원 편성",
    body=BODY,
    author="홍길동 기자",
    modified=datetime(2024, 3, 29, 14, 12, tzinfo=SEOUL),
)

SAME = {
    "view count only": replace(FIRST, body="조회수 1,234\n\n" + BODY + "\n\n조회 57"),
    "view count in the stamp line": replace(
        FIRST, body=BODY + "\n\n입력 2024.03.29 14:12 | 조회 1,204 | 댓글 3"
    ),
    "whitespace only": replace(
        FIRST,
        title="경산시,  내년 본예산 3억원  편성 ",
        body=BODY.replace(" ", "  ").replace("\n\n", "\n \n\n") + "\n\n\n",
        author=" 홍길동  기자",
    ),
    "a paragraph broken otherwise": replace(FIRST, body=BODY.replace("\n\n", " ", 1)),
    "full-width digits": replace(FIRST, body=BODY.replace("3억원", "３억원")),
    "sidebar line only": replace(
        FIRST,
        body=BODY
        + "\n\n관련기사\n경산시 청년 창업 박람회 개최\n영천시, 전통시장 주차장 확충"
        + "\n\n많이 본 뉴스\n대구 아파트값 3주째 하락",
    ),
    "ad slot only": replace(
        FIRST,
        body="광고\n\n" + BODY + "\n\n[AD]\n\n(adsbygoogle = window.adsbygoogle || []).push({});",
    ),
    "share and print buttons": replace(FIRST, body=f"{BODY}\n\n페이스북 트위터 URL복사 인쇄"),
    "a promo line": replace(FIRST, body=f"{BODY}\n\n▶ 경산신문 카카오톡 채널 추가하고 받아보기"),
    "the stamp no longer shown": replace(FIRST, modified=None),
    "the same stamp in another zone": replace(
        FIRST, modified=datetime(2024, 3, 29, 5, 12, tzinfo=UTC)
    ),
}

CHANGED = {
    "a changed figure": replace(FIRST, body=BODY.replace("3억원", "5억원")),
    "a retitle": replace(FIRST, title="경산시, 청년·전통시장에 본예산 집중"),
    "an appended [수정] line": replace(FIRST, body=BODY + "\n\n[수정] 예산 규모를 바로잡았습니다."),
    "an appended 정정보도 notice": replace(
        FIRST,
        body=BODY + "\n\n정정보도문 본지는 3월 29일자 보도에서 예산을 3억원으로 보도했으나"
        " 사실은 5억원이기에 바로잡습니다.",
    ),
    "a changed author": replace(FIRST, author="김철수 기자"),
    "an author added": replace(replace(FIRST, author=None), author="홍길동 기자"),
    "a changed modification time": replace(
        FIRST, modified=datetime(2024, 3, 30, 9, 0, tzinfo=SEOUL)
    ),
    "a changed count in a sentence": replace(
        FIRST, body=BODY + "\n\n위원회는 후보 추천 5명을 받았다."
    ),
    "a dropped sentence": replace(FIRST, body=BODY.rsplit("\n\n", 1)[0]),
    "a changed name in a headline-like line": replace(
        FIRST, body=BODY.replace("홍길동 시장", "김철수 시장")
    ),
}


@pytest.mark.parametrize("case", SAME)
def test_no_change(case: str) -> None:
    assert not differs(FIRST, SAME[case])


@pytest.mark.parametrize("case", CHANGED)
def test_a_change(case: str) -> None:
    old = replace(FIRST, author=None) if case == "an author added" else FIRST
    if case == "a changed count in a sentence":
        old = replace(FIRST, body=BODY + "\n\n위원회는 후보 추천 3명을 받았다.")
    assert differs(old, CHANGED[case])


def test_a_stamp_first_shown_is_a_change() -> None:
    assert differs(replace(FIRST, modified=None), FIRST)


def test_normalized_text_keeps_the_article_and_a_correction() -> None:
    text = normalized_for_comparison(
        "조회수 12\n\n본문  첫 문단이다.\n\n관련기사\n다른 기사 제목\n\n정정보도 바로잡습니다."
    )
    assert text == "본문 첫 문단이다.\n정정보도 바로잡습니다."


def test_a_box_ends_at_the_first_sentence() -> None:
    text = normalized_for_comparison("관련기사\n다른 기사 제목\n시는 계획을 밝혔다.")
    assert text == "시는 계획을 밝혔다."


def _rebuilt(pieces: list[tuple[str, str]], side: str) -> str:
    return "".join(text for op, text in pieces if op in ("equal", side))


def test_a_changed_figure_is_a_small_change() -> None:
    pieces = word_diff(BODY, BODY.replace("3억원", "5억원"))
    assert [piece for piece in pieces if piece[0] != "equal"] == [
        ("delete", "3"),
        ("insert", "5"),
    ]


def test_a_rewritten_sentence_is_one_change_not_scattered_letters() -> None:
    old = "시는 청년 창업 지원에 집중한다."
    new = "시는 노인 복지 확대를 추진한다."
    assert word_diff(old, new) == [
        ("equal", "시는 "),
        ("delete", "청년 창업 지원에 집중"),
        ("insert", "노인 복지 확대를 추진"),
        ("equal", "한다."),
    ]


def test_an_appended_notice_is_one_insert() -> None:
    notice = "\n\n[수정] 예산 규모를 바로잡았습니다."
    assert word_diff(BODY, BODY + notice) == [("equal", BODY), ("insert", notice)]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (BODY, BODY.replace("3억원", "5억원")),
        (BODY, ""),
        ("", BODY),
        (BODY, BODY.replace("\n\n", "\n")),
        ("가 나 다", "가  나다 라"),
    ],
)
def test_the_pieces_rebuild_both_texts(old: str, new: str) -> None:
    pieces = word_diff(old, new)
    assert _rebuilt(pieces, "delete") == old
    assert _rebuilt(pieces, "insert") == new
    assert all(text for _, text in pieces)
    assert all(a[0] != b[0] for a, b in pairwise(pieces))


def test_equal_texts_are_one_piece() -> None:
    assert word_diff(BODY, BODY) == [("equal", BODY)]
    assert word_diff("", "") == []
