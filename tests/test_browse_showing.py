"""How the browsing pages show values: stored times in Korea time to the
minute, snippets around the words searched, marked and escaped."""

from __future__ import annotations

from browsing.showing import AFTER, BEFORE, korea_time, snippet


def test_times_are_korea_time_to_the_minute() -> None:
    assert korea_time("2024-03-23 04:23:59.000000") == "2024-03-23 13:23"  # stored: UTC
    assert korea_time("2024-02-29 15:30:00") == "2024-03-01 00:30"
    assert korea_time("2024-03-01T00:30:00+09:00") == "2024-03-01 00:30"  # article_index
    assert korea_time(None) == korea_time("") == ""


def test_a_snippet_marks_the_words_where_the_body_holds_them() -> None:
    body = "가" * 100 + "\n\n경산시 <b>포럼</b> " + "나" * 100
    marked = snippet(body, "경산시 <b>")
    assert marked == (
        "…"
        + "가" * (BEFORE - 1)
        + " <mark>경산시 &lt;b&gt;</mark>"
        + "포럼&lt;/b&gt; "
        + "나" * (AFTER - 7)
        + "…"
    )
    assert snippet("Busan EXPO 유치", "expo") == "Busan <mark>EXPO</mark> 유치"


def test_without_the_words_a_snippet_is_the_body_beginning() -> None:
    assert snippet("짧은 본문.\n\n둘째 문단.", "제목에만") == "짧은 본문. 둘째 문단."
    assert snippet("<i>" + "다" * 200, "") == "&lt;i&gt;" + "다" * (BEFORE + AFTER - 3) + "…"
