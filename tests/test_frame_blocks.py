"""The page's notices (a satisfaction survey, the 공공누리 licence, a
tip-off block) are taken off by wording and structure, never the body
beside them."""

from __future__ import annotations

from lxml.html import document_fromstring

from pipelines.frame_blocks import drop_frame_blocks

BODY = "한빛군은 청년 창업자 지원 사업을 내년부터 두 배로 늘린다고 밝혔다."


def _after_drop(body: str) -> str:
    tree = document_fromstring(f"<html><body>{body}</body></html>")
    drop_frame_blocks(tree)
    return " ".join(tree.text_content().split())


def test_a_survey_goes_with_its_choices() -> None:
    survey = (
        "<div class='poll'><strong>현재 페이지의 만족도를 평가해 주십시오.</strong>"
        "<label>매우만족</label> <label>보통</label></div>"
    )
    assert _after_drop(f"<div class='view'><p>{BODY}</p>{survey}</div>") == BODY


def test_a_licence_beside_a_short_body_leaves_the_body() -> None:
    licence = "<p>이 게시물은 공공누리 제1유형 조건에 따라 자유롭게 이용이 가능합니다.</p>"
    assert _after_drop(f"<td>{BODY}{licence}</td>") == BODY


def test_a_notice_line_inside_the_body_text_is_left_to_cleanup() -> None:
    text = f"<span>{BODY}<br>{BODY}<br>{BODY}<br>※ '당신의 제보가 뉴스가 됩니다'</span>"
    assert BODY in _after_drop(text)
