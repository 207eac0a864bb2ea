"""Charset handling: what servers declare is checked against the bytes, EUC-KR
is read as CP949, and pages that only read as mojibake are refused."""

from __future__ import annotations

import pytest

from crawler.items import outcome_of
from pipelines.article_page import PageError, PageProblem, extract_and_fingerprint
from pipelines.decoding import Undecodable, decode_html, looks_like_mojibake
from pipelines.extraction import extract_article
from storage.models import Outcome

# 똠 and 햏 are CP949 extensions: Python's euc-kr codec refuses them
TEXT = "경산시 하양읍 '똠얌꿍하우스' 대표가 장학금을 기탁했다. 햏볕이 드는 가게에서 만났다."
PAGE = (
    "<!doctype html><html><head>{meta}<title>장학금 기탁</title></head>"
    "<body><h1>장학금 기탁</h1><div id='body'><p>{text}</p><p>{text}(둘째)</p></div>"
    "</body></html>"
)
EUC_KR_META = '<meta http-equiv="Content-Type" content="text/html; charset=euc-kr">'


def page(meta: str = "", text: str = TEXT) -> str:
    return PAGE.format(meta=meta, text=text)


def test_cp949_under_a_utf8_header() -> None:
    decoded = decode_html(page().encode("cp949"), "text/html; charset=utf-8")
    assert decoded.encoding == "cp949" and decoded.declared == "utf-8"
    assert TEXT in decoded.text and decoded.replaced == 0


def test_utf8_under_an_euc_kr_meta() -> None:
    decoded = decode_html(page(EUC_KR_META).encode("utf-8"), "text/html")
    assert decoded.encoding == "utf-8" and decoded.declared == "cp949"
    assert TEXT in decoded.text


def test_no_declaration_at_all() -> None:
    for codec in ("utf-8", "cp949"):
        decoded = decode_html(page().encode(codec), None)
        assert (decoded.encoding, decoded.declared) == (codec, None)
        assert TEXT in decoded.text


def test_euc_kr_is_read_as_cp949() -> None:
    body = page(EUC_KR_META).encode("cp949")
    with pytest.raises(UnicodeDecodeError):
        body.decode("euc-kr")
    for header in ("text/html; charset=EUC-KR", "text/html; charset=ks_c_5601-1987", None):
        assert TEXT in decode_html(body, header).text


def test_a_latin_declaration_over_korean_bytes_is_not_believed() -> None:
    decoded = decode_html(page().encode("cp949"), "text/html; charset=iso-8859-1")
    assert decoded.encoding == "cp949" and TEXT in decoded.text


def test_byte_order_mark_wins() -> None:
    body = b"\xef\xbb\xbf" + page(EUC_KR_META).encode("utf-8")
    decoded = decode_html(body, "text/html; charset=euc-kr")
    assert decoded.encoding == "utf-8" and TEXT in decoded.text


def test_other_languages_keep_their_encodings() -> None:
    russian = (
        "<html><body><p>Погода в Москве сегодня хорошая, и мы идём гулять в парк.</p></body></html>"
    )
    assert decode_html(russian.encode("cp1251"), "text/html; charset=windows-1251").encoding == (
        "cp1251"
    )
    french = (
        "<html><body><p>Voilà « café » à Paris : élève, Noël, Ærø, Müßiggang.</p></body></html>"
    )
    decoded = decode_html(french.encode("cp1252"), "text/html; charset=iso-8859-1")
    assert "« café »" in decoded.text


def test_double_encoded_text_is_mojibake() -> None:
    garbled = page().encode("utf-8").decode("latin-1").encode("utf-8")
    with pytest.raises(Undecodable, match="mojibake"):
        decode_html(garbled, "text/html; charset=utf-8")
    assert looks_like_mojibake(page().encode("cp949").decode("latin-1"))
    assert not looks_like_mojibake(page())


def test_bytes_no_encoding_reads_are_refused() -> None:
    broken = page().encode("utf-8").replace("경산시".encode(), b"\xea\xb2")
    broken = broken.replace("기탁".encode(), b"\xff\xfe\xfd")
    with pytest.raises(Undecodable, match="undecodable byte sequences"):
        decode_html(broken * 3, "text/html; charset=utf-8")


def test_a_few_cut_characters_in_page_chrome_are_tolerated() -> None:
    sidebar = "".join(f"<li>다른 기사 제목 {n}번째 소식입니다…</li>" for n in range(200))
    body = page(text=TEXT).replace("</body>", f"<ul>{sidebar}</ul></body>").encode("utf-8")
    cut = body.replace("번째".encode(), "번째".encode()[:-1], 3)  # 3 characters cut in half
    decoded = decode_html(cut, "text/html; charset=utf-8")
    assert decoded.encoding == "utf-8" and decoded.replaced == 3


def test_an_article_whose_own_text_is_damaged_is_not_archived() -> None:
    damaged = page().encode("utf-8").replace("장학금을".encode(), "장학금을".encode()[:-1], 1)
    long_page = damaged.replace(b"</body>", "<p>꼬리말 문단입니다.</p>".encode() * 400 + b"</body>")
    with pytest.raises(Undecodable, match="article's own text"):
        extract_article(long_page, "text/html; charset=utf-8", "http://x.example/1", "generic")


def test_the_crawl_records_an_undecodable_page_as_failed() -> None:
    garbled = page().encode("utf-8").decode("latin-1").encode("utf-8")
    reason = extract_and_fingerprint(
        garbled, "text/html; charset=utf-8", "http://x.example/1", None
    )
    assert isinstance(reason, PageError) and reason.problem is PageProblem.UNDECODABLE
    assert outcome_of(reason) is Outcome.FAILED  # tried again, not taken for no article
