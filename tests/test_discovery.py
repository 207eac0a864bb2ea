"""Link discovery on list pages written like real portals we have no family for
(table boards, bare lists, definition lists, script-only rows), URL templates,
script calls, family detection by evidence, and a site's own article selectors."""

from __future__ import annotations

import logging
import re

import pytest

from crawler.discovery import LinkTemplate, ListDiscovery
from crawler.discovery.scripts import script_id
from crawler.discovery.templates import template_of
from crawler.sites import SiteProfile
from pipelines import families
from pipelines.extraction import extract_article
from pipelines.families import ArticleLayout
from pipelines.pages import html_tree

SITE = "http://news.example.kr"
LIST_URL = SITE + "/news/list.php?page={page}"
PAGE_1 = SITE + "/news/list.php?page=1"


def page(body: str) -> str:
    return f"""<!DOCTYPE html><html lang="ko"><head><meta charset="utf-8">
<title>전체기사 - 예시일보</title></head><body>
<div id="top"><a href="/">예시일보</a> <a href="/bbs/board.php?bo_table=free">자유게시판</a>
<a href="/news/list.php?page=1&amp;sec=2">정치</a>
<a href="/news/list.php?page=1&amp;sec=3">경제</a></div>{body}
<div class="paging"><a href="/news/list.php?page=1">1</a>
<a href="/news/list.php?page=2">2</a></div>
<div class="copy">Copyright 예시일보</div></body></html>"""


def rows(numbers: range, href: str = "/news/read.php?no={n}") -> str:
    return "".join(
        f'<tr><td>{n}</td><td><a href="{href.format(n=n)}">기사 제목 {n}번: 지역 소식</a></td>'
        f"<td>2024-03-{n % 28 + 1:02d}</td></tr>"
        for n in numbers
    )


POPULAR = "".join(
    f'<dd><a href="/news/read.php?no={n}">많이 본 기사 {n}번 제목</a></dd>' for n in (3, 7, 99)
)
TABLE_BOARD = page(
    f'<table class="board_list"><tbody>{rows(range(120, 108, -1))}</tbody></table>'
    f"<dl><dt>많이 본 뉴스</dt>{POPULAR}</dl>"
)


def read(html: str, **profile: object) -> tuple[list[str], list[str], ListDiscovery]:
    discovery = ListDiscovery(SiteProfile("example", LIST_URL, **profile))  # type: ignore[arg-type]
    found = discovery.read(html_tree(html), PAGE_1)
    return list(found.main), list(found.extra), discovery


def article(n: int) -> str:
    return f"{SITE}/news/read.php?no={n}"


def test_a_pattern_takes_links_wherever_they_sit_and_the_main_list_decides() -> None:
    main, extra, _ = read(TABLE_BOARD, article_pattern=re.compile(r"read\.php\?no=\d+"))
    assert main == [article(n) for n in range(120, 108, -1)]
    assert extra == [article(n) for n in (3, 7, 99)]


def test_a_pattern_finds_links_in_a_bare_list_and_a_definition_list() -> None:
    bare = "".join(f'<li><a href="/news/read.php?no={n}">제목 {n}번 기사</a></li>' for n in (5, 4))
    listed = "".join(
        f'<dt><a href="/news/read.php?no={n}">제목 {n}</a></dt><dd>요약</dd>' for n in (2, 1)
    )
    html = page(f"<ul>{bare}</ul><dl>{listed}</dl>")
    main, extra, _ = read(html, article_pattern=re.compile(r"read\.php"))
    assert set(main + extra) == {article(n) for n in (5, 4, 2, 1)}


def test_without_pattern_the_template_is_inferred_from_the_page() -> None:
    main, extra, discovery = read(TABLE_BOARD)
    assert str(discovery.template) == "/news/read.php?no={n}"
    assert discovery.how == "template /news/read.php?no={n} (inferred from list page 1)"
    assert main == [article(n) for n in range(120, 108, -1)]
    assert extra == [article(n) for n in (3, 7, 99)]


def test_a_cms_that_finds_no_link_says_so_in_one_line_and_discovery_takes_over(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING):
        main, _, discovery = read(TABLE_BOARD, cms="newscms")
    assert main == [article(n) for n in range(120, 108, -1)]
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == [
        "site example: cms newscms finds no article link on list page 1: "
        "discovering them from the page"
    ]
    assert discovery.family_name == "newscms"  # its article layouts still apply


def script_rows(call: str) -> str:
    return "".join(
        f'<tr><td>{n}</td><td><a href="javascript:void(0)" onclick="{call.format(n=n)}">'
        f"기사 제목 {n}번</a></td></tr>"
        for n in range(30, 20, -1)
    )


def test_script_only_rows_use_the_sites_article_url() -> None:
    html = page(f"<table><tbody>{script_rows('fn_view({n}); return false;')}</tbody></table>")
    main, _, _ = read(html, article_url="/news/view.asp?idx={id}")
    assert main == [f"{SITE}/news/view.asp?idx={n}" for n in range(30, 20, -1)]
    assert read(html)[0] == []  # the URL of an id is nowhere: nothing guessed


def test_script_only_rows_use_the_familys_article_url() -> None:
    html = page(f"<table><tbody>{script_rows('goView(&#39;{n}&#39;)')}</tbody></table>")
    main, _, _ = read(html, cms="newscms")
    assert main == [f"{SITE}/news/article.html?no={n}" for n in range(30, 20, -1)]


def test_script_only_rows_take_the_url_another_link_gives_the_same_id() -> None:
    mixed = "".join(
        f'<li><a href="/news/2024/{n}.html">기사 제목 {n}번 소식</a></li>'
        if n % 2
        else f"<li><a href=\"javascript:goView('{n}')\">기사 제목 {n}번 소식</a></li>"
        for n in range(30, 20, -1)
    )
    thumbs = "".join(f'<a href="/news/2024/{n}.html"><img alt=""></a>' for n in range(30, 20, -2))
    main, _, _ = read(page(f"<ul>{mixed}</ul><div>{thumbs}</div>"))
    assert set(main) == {f"{SITE}/news/2024/{n}.html" for n in range(30, 20, -1)}


def test_script_calls() -> None:
    assert script_id("goView('12345')") == "12345"
    assert script_id("fn_view('news', '12345'); return false;") == "12345"
    assert script_id("void(0);;readArticle(77)") == "77"
    assert script_id("goPage(2)") is None and script_id("fn_link_page(3)") is None
    assert script_id("window.print()") is None


def test_templates() -> None:
    url = SITE + "/bbs/board.php?bo_table=news&wr_id=42&page=3"
    template = template_of(url, "page")
    assert str(template) == "/bbs/board.php?bo_table={s}&wr_id={n}"
    assert LinkTemplate.parse(str(template)) == template
    news = template.specialized([url, SITE + "/bbs/board.php?bo_table=news&wr_id=41"], "page")
    assert str(news) == "/bbs/board.php?bo_table=news&wr_id={n}"
    assert news.matches(SITE + "/bbs/board.php?wr_id=7&bo_table=news")
    assert not news.matches(SITE + "/bbs/board.php?bo_table=free&wr_id=7")
    assert news.url_for("9", PAGE_1) == SITE + "/bbs/board.php?bo_table=news&wr_id=9"
    assert template.url_for("9", PAGE_1) is None  # which board: not told by an id
    view = template_of(SITE + "/view.php?idx=5")
    assert view.url_for("9", PAGE_1) == SITE + "/view.php?idx=9"
    dated = template_of(SITE + "/blog/2024/03/29/slug-12.html")
    assert str(dated) == "/blog/{n}/{n}/{n}/{x}" and dated.url_for("9", PAGE_1) is None


ARTICLEVIEW_LIST = page(
    '<section id="section-list"><ul class="type1">'
    + "".join(
        f'<li><h4 class="titles"><a href="/news/articleView.html?idxno={n}">'
        f"지역 기사 {n}번 제목</a></h4></li>"
        for n in range(90, 75, -1)
    )
    + "</ul></section>"
    + '<div class="widget"><ul>'
    + "".join(
        f'<li><a href="/bbs/board.php?bo_table=free&amp;wr_id={n}">게시판 글 {n}</a></li>'
        for n in range(1, 6)
    )
    + '</ul></div><div id="bo_list"><a href="/bbs/board.php?bo_table=notice">공지</a></div>'
    + '<a href="http://ad.example.com/bbs/board.php?bo_table=ad&amp;wr_id=1">광고</a>'
)


def test_detection_is_not_flipped_by_a_board_link_a_widget_or_an_ad() -> None:
    tree = html_tree(ARTICLEVIEW_LIST)
    found = families.evidence(tree, PAGE_1)
    assert set(found) == {"articleview"} and found["articleview"].links == 15
    assert families.detect(tree, PAGE_1).name == "articleview"
    main, _, discovery = read(ARTICLEVIEW_LIST)
    assert discovery.how == "family articleview (detected)" and len(main) == 15


ODD_ARTICLE = """<!DOCTYPE html><html lang="ko"><head><meta charset="utf-8">
<title>예시일보</title></head><body>
<div class="vh"><h3>시의회, 2024년도 추경 예산안 의결</h3>
<span class="wr">홍길동 기자</span><span class="dt">2024/03/29 14:12</span></div>
<div id="vt"><p>시의회는 29일 본회의를 열어 추가경정 예산안을 의결했다고 밝혔다.</p>
<div class="ad">광고 문의 02-000-0000</div>
<p>이번 추경은 민생 안정과 지역 경제 활성화에 중점을 뒀다고 시의회는 설명했다.</p></div>
<div class="side"><h3>많이 본 뉴스</h3><p>다른 기사 제목이 여기에 있다</p></div>
</body></html>"""


def test_a_sites_own_selectors_read_an_article_no_family_knows() -> None:
    layout = ArticleLayout(
        name="site:example",
        title=".vh h3",
        author=".vh .wr",
        published=".vh .dt",
        body="#vt",
        drop=".ad",
    )
    url = SITE + "/news/read.php?no=1"
    found = extract_article(
        ODD_ARTICLE.encode(), "text/html; charset=utf-8", url, "generic", site_layout=layout
    )
    assert found.title == "시의회, 2024년도 추경 예산안 의결"
    assert found.author == "홍길동"
    assert (
        found.published is not None and found.published.isoformat() == "2024-03-29T14:12:00+09:00"
    )
    assert found.paragraphs == (
        "시의회는 29일 본회의를 열어 추가경정 예산안을 의결했다고 밝혔다.",
        "이번 추경은 민생 안정과 지역 경제 활성화에 중점을 뒀다고 시의회는 설명했다.",
    )
