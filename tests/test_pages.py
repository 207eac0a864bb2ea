"""Page-level refusals: what portals serve in place of an article is refused
with a reason, real article pages of every family are not, and broken bytes
are made parseable. Pages come from the sample portal, fetched over HTTP."""

from __future__ import annotations

import random
import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from lxml.etree import tostring
from lxml.html import HtmlComment, HtmlElement, document_fromstring

from pipelines.extraction import NotAnArticle, extract_article
from pipelines.pages import (
    Unparseable,
    html_tree,
    parseable,
    refusal,
    shows_more_than,
    shows_text,
    tree_refusal,
)
from sample_portal import SamplePortal, serve
from sample_portal.article_skins import ArticleSkin, Parts
from sample_portal.faults import CASES

FAMILY = {"gnuboard": "gnuboard5", "newscms": "newscms", "generic": "generic"}
REASONS = {
    "deleted-post": "alert page: 글이 존재하지 않습니다",
    "members-only": "members only: alert page: 글을 읽을 권한이 없습니다",
    "password-wall": "members only: login wall: 비밀글 보기",
    "login-wall": "members only: login wall: 이 기사는",
    "pdf": "an attachment (PDF document)",
    "hwp": "an attachment (Office or HWP document)",
    "empty": "empty page",
}
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def fetch(url: str) -> tuple[bytes, str | None]:
    with _OPENER.open(url, timeout=10) as response:
        return response.read(), response.headers.get("Content-Type")


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[SamplePortal, str]]:
    names = [
        name for name, case in CASES.items() if case.group in ("not an article", "members only")
    ]
    portal = SamplePortal(articles_per_site=6, per_page=5, faults=names)
    with serve(portal) as base_url:
        yield portal, base_url


@pytest.mark.parametrize("site", ["gnuboard", "newscms", "generic"])
def test_article_pages_of_every_family_pass(served: tuple[SamplePortal, str], site: str) -> None:
    portal, base_url = served
    for article in portal.articles(site)[:3]:
        body, content_type = fetch(base_url + article.path)
        assert refusal(body, content_type) is None
        assert tree_refusal(document_fromstring(body.decode("utf-8"))) is None
        assert extract_article(body, content_type, base_url + article.path, FAMILY[site]).title


@pytest.mark.parametrize("site", ["gnuboard", "newscms", "generic"])
@pytest.mark.parametrize("case", sorted(REASONS))
def test_pages_served_instead_of_articles_are_refused(
    served: tuple[SamplePortal, str], site: str, case: str
) -> None:
    portal, base_url = served
    url = base_url + portal.faults.planted(site)[case].path
    body, content_type = fetch(url)
    with pytest.raises(NotAnArticle, match=re.escape(REASONS[case])):
        extract_article(body, content_type, url, FAMILY[site])


def test_a_404_page_is_served_as_such(served: tuple[SamplePortal, str]) -> None:
    portal, base_url = served
    with pytest.raises(urllib.error.HTTPError) as raised:
        fetch(base_url + portal.faults.planted("newscms")["http-404"].path)
    assert raised.value.code == 404


@pytest.mark.parametrize(
    ("body", "content_type", "expected"),
    [
        (b"%PDF-1.7\n...", "text/html; charset=utf-8", "an attachment (PDF document)"),
        (b"\xff\xd8\xff\xe0JFIF", None, "an attachment (JPEG image)"),
        (b"<!doctype html><p>x</p>", "application/octet-stream", None),
        (b"\xef\xbb\xbf<html><p>x</p></html>", "text/plain", None),
        (b"just some words", "text/plain; charset=utf-8", "not a web page (text/plain)"),
        (b"{}", "application/json", "not a web page (application/json)"),
        (b"words without markup", None, None),
    ],
)
def test_the_bytes_decide_over_the_content_type(
    body: bytes, content_type: str | None, expected: str | None
) -> None:
    assert refusal(body, content_type) == expected


def test_control_characters_are_removed_before_parsing() -> None:
    text = parseable("<p>경산\x00시가\x01 추진\x0b한다.\x7f</p>\n\t<p>둘째</p>")
    assert text == "<p>경산시가 추진한다.</p>\n\t<p>둘째</p>"
    assert "\ufffd" not in document_fromstring(text).text_content()


def test_an_article_with_a_login_box_in_its_sidebar_passes() -> None:
    page = (
        "<html><body><article><h1>경산시 소식</h1><p>본문입니다.</p></article>"
        '<div id="aside"><form><input type="text" name="mb_id">'
        '<input type="password" name="mb_password"> 회원로그인 ID/PW 찾기</form></div>'
        "</body></html>"
    )
    assert tree_refusal(document_fromstring(page)) is None


@pytest.mark.parametrize(
    "blank", ["", "&nbsp;", "\u3000", "<div> \n </div><noscript>JS를 켜 주세요</noscript>"]
)
def test_an_alert_page_with_only_blank_text_is_refused(blank: str) -> None:
    page = (
        f"<html><body>{blank}<script>alert('글이 존재하지 않습니다.\\n목록으로 돌아갑니다');"
        "history.back();</script></body></html>"
    )
    assert tree_refusal(document_fromstring(page)) == (
        "alert page: 글이 존재하지 않습니다. 목록으로 돌아갑니다"
    )


# what a reader sees, as XPath says it: a text of the body, not blank, in no unseen element
SHOWN_TEXT = (
    "//body//text()[normalize-space(translate(., '\u00a0\u3000', '  '))]"
    "[not(ancestor::script or ancestor::style or ancestor::noscript or ancestor::template)]"
)
_TAGS = ("div", "p", "span", "b", "li", "script", "style", "noscript", "template")
_TEXTS = ("", " ", "\u00a0", "\u3000", "\t\n", "\u2003", "본문", " \u00a0 ")


def _fragment(rng: random.Random, depth: int = 0) -> str:
    """Generated markup: seen and unseen elements, comments, blank and shown texts and tails."""
    parts = []
    for _ in range(rng.randint(0, 3)):
        roll = rng.random()
        if roll < 0.15:
            parts.append(f"<!--{rng.choice(_TEXTS)}-->")
        elif roll < 0.3 or depth > 3:
            parts.append(rng.choice(_TEXTS))
        else:
            tag = rng.choice(_TAGS)
            inner = f"{rng.choice(_TEXTS)}{_fragment(rng, depth + 1)}"
            parts.append(f"<{tag}>{inner}</{tag}>{rng.choice(_TEXTS)}")
    return "".join(parts)


def test_shows_text_is_what_xpath_says_a_reader_sees() -> None:
    rng = random.Random(7)
    for _ in range(3000):
        page = f"<html><head><title>t</title></head><body>{_fragment(rng)}</body></html>"
        tree = document_fromstring(page)
        assert shows_text(tree) == bool(tree.xpath(SHOWN_TEXT)), page


def test_shows_more_than_counts_what_xpath_says_a_reader_sees() -> None:
    """The characters other than white space of the texts a reader sees, as
    XPath finds them: a bound of the text ``bot_check`` reads by XPath."""
    rng = random.Random(11)
    for _ in range(3000):
        page = f"<html><head><title>t</title></head><body>{_fragment(rng)}</body></html>"
        tree = document_fromstring(page)
        shown = sum(len("".join(text.split())) for text in tree.xpath(SHOWN_TEXT))
        for characters in (0, 1, 2, 3, 5, 8):
            assert shows_more_than(tree, characters) == (shown > characters), page


def test_an_alert_script_on_a_page_with_text_is_no_refusal() -> None:
    page = "<html><body><p>본문입니다.</p><script>alert('저장했습니다');</script></body></html>"
    assert tree_refusal(document_fromstring(page)) is None


def test_a_page_declaring_its_encoding_in_an_xml_declaration_is_parsed() -> None:
    xhtml = (
        '<?xml version="1.0" encoding="euc-kr"?>\n<!DOCTYPE html>'
        '<html xmlns="http://www.w3.org/1999/xhtml"><body><p>경산시 소식</p></body></html>'
    )
    assert html_tree(xhtml).text_content() == "경산시 소식"
    with pytest.raises(Unparseable, match="empty page"):
        html_tree('<?xml version="1.0"?>\n \x00 ')


@pytest.mark.parametrize("seed", range(0, 48, 4))
def test_html_tree_reads_a_page_as_lxml_html_does(seed: int) -> None:
    """Its own parser (one element class, in C) gives the tree lxml.html's
    gives, forms, fields, comments and all, in every thread."""
    skin = ArticleSkin.from_seed(seed)
    texts = [
        skin.page(number, Parts(site_blocks=True)).body.decode(skin.encoding, "replace")
        for number in (1, 2)
    ]
    texts.append('<form action="/w"><!-- a --><textarea>댓글</textarea><select><option>1</select>'
                 '<input name="q"></form><p>본문</p>')  # fmt: skip
    for text in texts:
        tree = html_tree(text)
        assert tostring(tree) == tostring(document_fromstring(text))
        assert all(isinstance(element, (HtmlElement, HtmlComment)) for element in tree.iter())
    with ThreadPoolExecutor(4) as threads:
        read = list(threads.map(lambda text: tostring(html_tree(text)), texts * 8))
    assert read == [tostring(document_fromstring(text)) for text in texts * 8]
