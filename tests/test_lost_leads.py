"""A body's first line is kept where readers lose it: written after HTML
comments (a comment's tail), or as the text of a ``<span>`` of
``<br>``-separated lines in a labelled table cell."""

from __future__ import annotations

from lxml.html import fromstring

from pipelines.extraction import extract_article
from pipelines.paragraphs import CONTAINER, body_paragraphs

LINES = (
    "한빛군은 12일 군청 회의실에서 통합지원회의를 처음 열었다.",
    "이번 회의는 내년 시행될 사업에 앞서 기관 간 협력을 다지려고 마련됐다.",
    "군은 회의를 분기마다 열어 대상자 지원 계획을 살필 계획이다.",
)


def test_the_first_line_after_html_comments_is_kept() -> None:
    body = "<br><br>".join(LINES)
    page = (
        "<html><head><title>한빛군, 통합지원회의 개최</title></head><body>"
        "<h1>한빛군, 통합지원회의 개최</h1><div class='article'><p>"
        f"<!-- 이미지 박스 --><!-- article text body -->\n{body}</p></div></body></html>"
    )
    article = extract_article(page.encode(), "text/html; charset=utf-8", "http://127.0.0.1/a", None)
    assert article.paragraphs == LINES


def test_a_span_of_lines_in_a_labelled_cell_keeps_its_first_line() -> None:
    span = "<span>" + "<br>\n<br>\n".join(LINES) + "</span>"
    cell = (
        "<table><tr><th>내용</th><td><div class='photo'><img src='a.jpg'></div>"
        f"<!-- 본문 -->{span}</td></tr></table>"
    )
    assert body_paragraphs(fromstring(cell), "http://127.0.0.1/a", CONTAINER)[-3:] == list(LINES)
