"""The page's notices (a satisfaction survey, the 공공누리 licence, a
tip-off block) are taken off by wording and structure, never the body
beside them."""

from __future__ import annotations

import random
import re

import pytest
from lxml.etree import tostring
from lxml.html import HtmlElement, document_fromstring

from pipelines import frame_blocks, korean_news
from pipelines.frame_blocks import (
    _HEADINGS,
    _body_texts,
    _first_headings,
    _PageTexts,
    drop_frame_blocks,
)

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


def test_a_post_as_short_as_a_comment_is_not_a_comment_section() -> None:
    """A members-only post: its header rows (writer, times, comment count), a
    one-line notice and a reply form look like a comment section, but the
    block holds the post's headline, so it stays for the wall check to read."""
    notice = "이 기사는 유료회원 전용 기사입니다. 로그인 후 이용해 주세요."
    post = (
        "<section id='bo_v'><h2 id='bo_v_title'>한빛군 청년 창업 지원 두 배로</h2>"
        "<div class='info'>작성자 한빛일보 · 댓글 1건 · 조회 1,962회 · 작성일 24-03-29 10:12</div>"
        "<div class='info'>최종수정 24-03-29 11:40 · 출처 한빛군청 기획예산과 보도자료</div>"
        "<div class='info'>입력 2024.03.29 10:12 · 수정 2024.03.29 11:40 · 인쇄 · 공유</div>"
        f"<div id='bo_v_con'><p>{notice}</p></div>"
        "<form><textarea name='wr_content'></textarea><button>등록</button></form></section>"
    )
    title = "<title>한빛군 청년 창업 지원 두 배로 > 군정소식</title>"
    page = f"<html><head>{title}</head><body>{post}</body></html>"
    tree = document_fromstring(page)
    drop_frame_blocks(tree)
    assert notice in " ".join(tree.text_content().split())


def _generated_block(rng: random.Random, depth: int = 0) -> str:
    """Markup of every kind a page's text sits in: elements nested, comments,
    processing instructions, scripts, text before and after each."""
    parts = []
    for _ in range(rng.randint(0, 4)):
        roll = rng.random()
        if roll < 0.15:
            parts.append(f"<!-- {rng.randint(0, 9)} -->")
        elif roll < 0.2:
            parts.append("<?php echo 1 ?>")
        elif roll < 0.45 or depth > 4:
            parts.append(
                rng.choice(["공공누리 제1유형", " 본문 ", "\xa0", "[전화] 123", "", " \n "])
            )
        else:
            tag = rng.choice(
                ["div", "p", "span", "ul", "li", "a", "table", "td", "h2", "h3", "script"]
            )
            parts.append(f"<{tag}>{_generated_block(rng, depth + 1)}</{tag}>")
    return "".join(parts)


def test_the_body_texts_are_xpaths_body_texts() -> None:
    """``_body_texts`` reads off the elements what ``//body//text()`` finds,
    each text with its holder (a tail's is its element's parent), from any
    element of the page."""

    def by_xpath(element: HtmlElement) -> list[tuple[str, HtmlElement | None]]:
        found = []
        for text in element.xpath("//body//text()"):
            holder = text.getparent()
            if holder is not None and text.is_tail:
                holder = holder.getparent()
            found.append((str(text), holder))
        return found

    rng = random.Random(7)
    for _ in range(1000):
        after = rng.choice(["", "<p>after the body</p>", "text after"])
        tree = document_fromstring(f"<html><body>{_generated_block(rng)}</body>{after}</html>")
        for element in [tree, *list(tree.iter())[:3]]:
            expected = sorted((text, _path(at)) for text, at in by_xpath(element))
            assert sorted((text, _path(at)) for text, at in _body_texts(element)) == expected


def test_each_blocks_first_heading_is_found_once_a_page() -> None:
    """``_first_headings`` finds, from the headings up, what each block's own
    walk finds: its first heading that says something."""
    rng = random.Random(11)
    for _ in range(500):
        tree = document_fromstring(f"<html><body>{_generated_block(rng)}</body></html>")
        texts = _PageTexts()
        first = _first_headings(tree, texts)
        for element in tree.iter():
            if element.tag in _HEADINGS:
                continue  # blocks are asked, never headings
            own = next((h for h in element.iter(*_HEADINGS) if texts.text(h)), None)
            assert first.get(element) is own


def _path(element: HtmlElement | None) -> str:
    return "" if element is None else element.getroottree().getpath(element)


NOTICES = [
    "현재 페이지의 만족도를 평가해 주십시오.",
    "이 페이지에 만족하십니까?",
    "이 게시물은 공공누리 제1유형(출처표시) 조건에 따라 자유롭게 이용이 가능합니다.",
    "공공누리 제 4 유형",
    "※ '당신의 제보가 뉴스가 됩니다'",
    "[전화] 02-000-0000",
    " (메일)\xa0news@example.kr\n",
]


def test_a_page_whose_whole_text_holds_no_notice_hint_has_no_notice_line() -> None:
    """Whatever text ``SITE_NOTICE`` finds, ``SITE_NOTICE_HINT`` finds in any
    text that holds it: a page is read text by text only when its whole text
    holds a hint."""
    rng = random.Random(3)
    for _ in range(2000):
        line = rng.choice(NOTICES)
        line = line.replace(" ", rng.choice([" ", "  ", "\n", "\xa0", "\t"]))
        if not korean_news.SITE_NOTICE.search(line):
            continue
        around = [rng.choice([BODY, "", " ", "\n", "본문", "[사진]", "(전화)"]) for _ in range(2)]
        assert korean_news.SITE_NOTICE_HINT.search(around[0] + line + around[1]), line
    unrelated = f"{BODY} 주민 만족도 조사 결과는 다음 달 발표된다."
    assert not korean_news.SITE_NOTICE_HINT.search(unrelated)


def test_notices_are_the_same_read_with_or_without_the_hint(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Pages of every kind of markup, with notice lines or without, lose the
    same blocks whether the whole text was read for a hint first or not."""
    rng = random.Random(11)
    pages = [
        f"<html><body>{_generated_block(rng)}<div>{rng.choice(NOTICES)}</div>"
        f"{_generated_block(rng)}</body></html>"
        if rng.random() < 0.5
        else f"<html><body>{_generated_block(rng)}</body></html>"
        for _ in range(500)
    ]

    def dropped() -> list[bytes]:
        trees = [document_fromstring(page) for page in pages]
        for tree in trees:
            drop_frame_blocks(tree)
        return [tostring(tree) for tree in trees]

    with_hint = dropped()
    monkeypatch.setattr(frame_blocks, "SITE_NOTICE_HINT", re.compile(""))
    assert dropped() == with_hint
