"""``scrapy browse``'s landing page, the search: Korean words (two characters
through the short-query index, longer through the trigram index), site,
Korea-day range and author filters, newest first, paged, read from indexes;
times in Korea time to the minute; the result one click from the article's
page, and the tables and SQL editor one click away. Driven through the form
in headless Chromium, and by its address."""

from __future__ import annotations

import re
import shutil
import signal
import urllib.parse
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import lxml.html
import pytest
from playwright.sync_api import Page, sync_playwright
from sqlalchemy import update

from browsing.finding import PAGE_SIZE, Finding
from crawler.rendering import CHROMIUM_FLAGS
from storage.models import Article
from storage.types import SEOUL
from tests.conftest import start_scrapy
from tests.test_browse import answer, free_port, get
from tests.test_search import STORIES, build, plan

pytestmark = pytest.mark.e2e

MORE = [
    # the Korea day before the range, though the same UTC day as its first story
    ("gyeongil", datetime(2024, 2, 29, 23, 50, tzinfo=SEOUL), "경산 산업혁명 전야", "전야제."),
    ("gyeongil", datetime(2024, 3, 5, 10, 15, tzinfo=SEOUL), "대구 산업혁명 박람회", "개막했다."),
    ("gyeongil", datetime(2024, 3, 20, 13, 23, tzinfo=SEOUL), "경산시 특구 지정", "산업혁명 특구."),
    ("daejeon", datetime(2024, 3, 10, 9, 0, tzinfo=SEOUL), "대전 산업혁명 전시", "경산 기업 참여."),
    ("gyeongil", datetime(2024, 3, 31, 23, 59, tzinfo=SEOUL), "경산 산업혁명 결산", "한 달 결산."),
    ("gyeongil", datetime(2024, 4, 1, 0, 0, tzinfo=SEOUL), "경산 산업혁명 후속", "후속 논의."),
] + [  # a site of one article a day, to page through
    ("daegu", datetime(2024, 5, day, 9, 0, tzinfo=SEOUL), f"대구 소식 {day}", "소식.")
    for day in range(1, PAGE_SIZE + 3)
]
IN_MARCH = {"site": "gyeongil", "since": "2024-03-01", "until": "2024-03-31"}
KOREA_MINUTE = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An archive of :data:`STORIES` and :data:`MORE` browsed on a free port:
    the server's base URL."""
    folder = tmp_path_factory.mktemp("browse-search")
    url = f"sqlite:///{folder / 'archive.db'}"
    archive = build(url, STORIES + MORE)
    with archive.engine.begin() as connection:
        connection.execute(
            update(Article).where(Article.title == "경산시 특구 지정").values(author="김기자")
        )
    archive.close()
    port = free_port()
    process = start_scrapy(
        "browse", "--port", str(port), database_url=url, sites_file=folder / "sites.yaml"
    )
    base = f"http://127.0.0.1:{port}"
    try:
        answer(process, base + "/-/versions.json")
        yield base
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=30)


def results(base: str, **args: str) -> lxml.html.HtmlElement:
    """The landing page asked for ``args``, parsed."""
    status, body, _ = get(f"{base}/?{urllib.parse.urlencode(args)}")
    assert status == 200
    return lxml.html.fromstring(body.decode())


def titles(page: lxml.html.HtmlElement) -> list[str]:
    return [link.text_content() for link in page.cssselect(".results .title")]


def test_words_site_and_korea_days_filter_newest_first(served: str) -> None:
    page = results(served, q="산업혁명", **IN_MARCH)
    expected = ["경산 산업혁명 결산", "경산시 특구 지정", "대구 산업혁명 박람회"]
    assert titles(page) == [*expected, "경산시 4차산업혁명 포럼"]
    times = [time.text_content() for time in page.cssselect(".results time")]
    assert times == ["2024-03-31 23:59", "2024-03-20 13:23", "2024-03-05 10:15", "2024-03-01 00:30"]
    assert "1–4 of 4 articles" in page.findtext(".//p[@class='count']")
    # two characters: the short-query index, in a title or a body
    assert titles(results(served, q="경산", **IN_MARCH)) == [
        "경산 산업혁명 결산",
        "경산시 특구 지정",
        "경산시 4차산업혁명 포럼",
    ]
    assert titles(results(served, q="경산", site="daejeon")) == [
        "대전 산업혁명 전시",
        "대전시 과학축제",
    ]


def test_the_page_reads_indexes(tmp_path: Path) -> None:
    archive = build(f"sqlite:///{tmp_path / 'archive.db'}")
    try:
        latest, short, month, site_words = (
            plan(archive, *finding.sql())
            for finding in (
                Finding(),
                Finding(words="경산"),
                Finding(site="gyeongil", since=date(2024, 3, 1), until=date(2024, 3, 31)),
                Finding(words="경산", site="daejeon"),
            )
        )
    finally:
        archive.close()
    assert "SCAN articles USING COVERING INDEX ix_articles_published_kst" in latest
    assert "SCAN articles_bigrams VIRTUAL TABLE INDEX" in short
    # words: the newest entries of the index of publication times, each looked
    # up among the matches, never the matches' rows read to sort them
    assert "SCAN articles USING COVERING INDEX ix_articles_published_kst" in short
    # a site: its entries of the index by site and time, newest first (its month a range)
    assert "ix_articles_site_published_kst (site_id=? AND published_kst>? AND" in month
    assert "SEARCH articles USING COVERING INDEX ix_articles_site_published_kst (site_id=?)" in (
        site_words
    )
    for page in (latest, short, month, site_words):
        assert "TEMP B-TREE" not in page.split("SCAN page")[0]


def test_the_snippet_marks_the_words(served: str) -> None:
    (snippet,) = results(served, q="지역의 기회").cssselect(".results .snippet")
    assert lxml.html.tostring(snippet, encoding=str, with_tail=False) == (
        '<p class="snippet">경산시는 4차산업혁명은 <mark>지역의 기회</mark>라고 밝혔다.'
        " 포럼은 이틀 열린다.</p>"
    )
    # words in the title alone: the body's beginning
    (snippet,) = results(served, q="특구 지정").cssselect(".results .snippet")
    assert snippet.text_content() == "산업혁명 특구."


def test_no_words_list_the_latest_and_filters_still_apply(served: str) -> None:
    assert titles(results(served))[:2] == [
        f"대구 소식 {PAGE_SIZE + 2}",
        f"대구 소식 {PAGE_SIZE + 1}",
    ]
    assert titles(results(served, **IN_MARCH))[0] == "경산 산업혁명 결산"
    assert titles(results(served, author="김기자")) == ["경산시 특구 지정"]
    assert titles(results(served, site="gyeongil", until="2024-02-29")) == ["경산 산업혁명 전야"]


def test_results_are_paged(served: str) -> None:
    first = results(served, site="daegu")
    assert len(titles(first)) == PAGE_SIZE and not first.cssselect('a[rel="prev"]')
    assert f"1–{PAGE_SIZE} of {PAGE_SIZE + 2} articles" in first.findtext(".//p[@class='count']")
    (older,) = first.cssselect('a[rel="next"]')
    assert older.get("href") == "/?site=daegu&page=2"
    status, body, _ = get(served + older.get("href"))
    assert status == 200
    second = lxml.html.fromstring(body.decode())
    assert titles(second) == ["대구 소식 2", "대구 소식 1"]
    assert not second.cssselect('a[rel="next"]')
    assert second.cssselect('a[rel="prev"]')[0].get("href") == "/?site=daegu"


def test_a_field_not_understood_is_named_and_left_out(served: str) -> None:
    page = results(served, q="경산", since="3월", page="x")
    assert [p.text_content() for p in page.cssselect(".problems")] == [
        "from “3월” is not a date (YYYY-MM-DD): left out",
        "page “x” is not a page number: page 1 shown",
    ]
    assert len(titles(page)) == 7  # 경산, anywhere, any day
    (problem,) = results(served, page=str(10**30)).cssselect(".problems")
    assert problem.text_content() == f"page “{10**30}” is not a page number: page 1 shown"


@pytest.fixture(scope="module")
def browser_page() -> Iterator[Page]:
    """A page of the Debian Chromium, headless, driven through Playwright."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    assert chromium, "headless Chromium is missing: `bash .ci/run` installs Debian's chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=list(CHROMIUM_FLAGS))
        try:
            yield browser.new_page()
        finally:
            browser.close()


def search(page: Page, words: str) -> list[str]:
    """Search ``words`` with the form, in March on gyeongil: the titles found."""
    page.fill("input[name=q]", words)
    page.select_option("select[name=site]", "gyeongil")
    page.fill("input[name=since]", "2024-03-01")
    page.fill("input[name=until]", "2024-03-31")
    with page.expect_navigation():
        page.click("input[type=submit]")
    return page.locator(".results .title").all_inner_texts()


def test_chromium_searches_with_the_form_and_reaches_article_and_tables(
    served: str, browser_page: Page
) -> None:
    page = browser_page
    page.goto(served + "/")
    assert page.locator("form.finder input[name=q]").is_visible()
    assert page.locator(".results .title").first.inner_text() == f"대구 소식 {PAGE_SIZE + 2}"
    assert search(page, "경산") == [
        "경산 산업혁명 결산",
        "경산시 특구 지정",
        "경산시 4차산업혁명 포럼",
    ]
    assert search(page, "산업혁명") == [
        "경산 산업혁명 결산",
        "경산시 특구 지정",
        "대구 산업혁명 박람회",
        "경산시 4차산업혁명 포럼",
    ]
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(page.url).query)
    assert query == {"q": ["산업혁명"], "site": ["gyeongil"]} | {
        name: [day] for name, day in IN_MARCH.items() if name != "site"
    }
    times = page.locator(".results time").all_inner_texts()
    assert all(KOREA_MINUTE.fullmatch(time) for time in times) and times[0] == "2024-03-31 23:59"
    with page.expect_navigation():
        page.click("text=경산시 특구 지정")
    assert re.fullmatch(rf"{served}/-/article/\d+", page.url)
    assert page.locator("h1").inner_text() == "경산시 특구 지정"
    assert page.locator(".byline time").inner_text() == "2024-03-20 13:23"
    assert page.locator(".byline").inner_text().endswith("김기자")
    assert page.locator(".body p").all_inner_texts() == ["산업혁명 특구."]
    with page.expect_navigation():
        page.click("text=tables and SQL")
    assert page.url == served + "/archive"
    assert page.locator("textarea[name=sql]").count() == 1
    assert page.locator('a[href="/archive/article_index"]').count() >= 1
