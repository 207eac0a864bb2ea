"""A page whose body scripts fill in gives the article its own data carries:
JSON-LD ``articleBody``, ``__NEXT_DATA__``, or a CMS's content object that an
inline script assigns; nothing is run."""

from __future__ import annotations

import json

import pytest

from pipelines.extraction import extract_article
from pipelines.paragraphs import letters

TITLE = "한빛시, 건설현장 갈취 일당 검거"
LINES = (
    "한빛시 건설현장을 돌며 현장소장을 협박해 돈을 뜯은 일당이 경찰에 붙잡혔다.",
    "경찰은 이들이 노조 간부를 내세워 매달 급여 명목으로 돈을 받았다고 밝혔다.",
    "이들은 2년 동안 현장 12곳에서 모두 3억원을 받아 챙긴 것으로 조사됐다.",
    "경찰은 비슷한 피해가 더 있는지 수사를 이어갈 계획이라고 설명했다.",
)
ELEMENTS = [{"type": "image", "caption": "결의대회 모습"}] + [
    {"type": "text", "content": line} for line in LINES
]
CARRIERS = {
    "json-ld": '<script type="application/ld+json">'
    + json.dumps({"@type": "NewsArticle", "headline": TITLE, "articleBody": "\n".join(LINES)})
    + "</script>",
    "next-data": '<script id="__NEXT_DATA__" type="application/json">'
    + json.dumps({"props": {"pageProps": {"article": {"body": "<p>" + "</p><p>".join(LINES)}}}})
    + "</script>",
    "global-content": "<script>window.Cms=window.Cms||{};Cms.globalContent="
    + json.dumps({"content_elements": ELEMENTS})
    + ';Cms.deployment="9";</script>',
}


@pytest.mark.parametrize("carrier", sorted(CARRIERS))
def test_an_article_only_in_the_pages_data_is_read(carrier: str) -> None:
    page = (
        f'<html><head><meta property="og:title" content="{TITLE}">{CARRIERS[carrier]}</head>'
        f"<body><h1>{TITLE}</h1><div id='app'></div><div class='foot'>한빛일보</div></body></html>"
    )
    article = extract_article(page.encode(), "text/html; charset=utf-8", "http://127.0.0.1/a", None)
    assert letters(article.paragraphs) == letters(LINES)


def test_a_shown_body_is_kept_over_a_shorter_carried_one() -> None:
    shown = "".join(f"<p>{line}</p>" for line in LINES)
    teaser = '<script type="application/ld+json">{"articleBody": "짧다"}</script>'
    head = f"<head><title>{TITLE}</title>{teaser}</head>"
    page = f"<html>{head}<body><h1>{TITLE}</h1><article>{shown}</article></body></html>"
    article = extract_article(page.encode(), "text/html; charset=utf-8", "http://127.0.0.1/a", None)
    assert article.paragraphs == LINES


@pytest.mark.parametrize(
    "credits",
    [
        {"credits": {"by": [{"name": "길동 홍", "properties": {"byline": "홍길동 기자"}}]}},
        {"author": [{"name": "홍길동"}]},
        {"byline": "홍길동 기자 hong@example.kr"},
    ],
)
def test_the_writer_only_the_pages_data_credits_is_the_author(credits: dict) -> None:
    """A byline the page shows nowhere: the object carrying the article
    credits it (its printed byline over a name written the other way round)."""
    related = {"headline": "다른 기사", "credits": {"by": [{"name": "김다른 기자"}]}}
    content = {"content_elements": ELEMENTS, **credits, "related": related}
    carrier = f"<script>Cms.globalContent={json.dumps(content)};</script>"
    page = (
        f'<html><head><meta property="og:title" content="{TITLE}">{carrier}</head>'
        f"<body><h1>{TITLE}</h1><div id='app'></div></body></html>"
    )
    article = extract_article(page.encode(), "text/html; charset=utf-8", "http://127.0.0.1/a", None)
    assert article.author == "홍길동"


def test_a_wire_the_pages_data_credits_is_no_author() -> None:
    content = {"content_elements": ELEMENTS, "credits": {"by": [{"name": "뉴스1"}]}}
    carrier = f"<script>Cms.globalContent={json.dumps(content)};</script>"
    page = f"<html><head><title>{TITLE}</title>{carrier}</head><body><h1>{TITLE}</h1></body></html>"
    article = extract_article(page.encode(), "text/html; charset=utf-8", "http://127.0.0.1/a", None)
    assert article.author is None
