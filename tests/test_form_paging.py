"""Lists paged only by posting a form back: the post a pager link asks for is
found on the page (ASP.NET ``__doPostBack``, eGovFrame ``fn_link_page``, a
page field set by the page's own script), and crawls with ``list_url`` alone
archive every article of such boards, daily and backfill, on SQLite and
PostgreSQL, against the sample portal on 127.0.0.1; a backfill killed mid-way
goes on from the post kept with its last list page."""

from __future__ import annotations

import signal
import subprocess
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse
from sqlalchemy import select

from crawler.sources.form_pager import form_post
from sample_portal import Article as SampleArticle
from sample_portal import SamplePortal, serve
from sample_portal.form_boards import ASPNET, FORM_BOARDS, PAGER, VIEW_PATHS
from storage.archive import Archive
from storage.models import Article, CrawlRun
from tests.conftest import FAST, Portal, scrapy, start_scrapy
from tests.test_resumable_runs import captured_urls, wait_for_captures

ARTICLES, PER_PAGE = 35, 10  # four list pages each


def page(sample: SamplePortal, path: str, form: bytes | None = None) -> HtmlResponse:
    status, _, body = sample.render(path, form=form)
    assert status == 200
    return HtmlResponse(f"http://127.0.0.1{path}", body=body, encoding="utf-8")


def test_an_aspnet_pager_link_is_a_postback_of_the_pages_form() -> None:
    sample = SamplePortal(sites=["generic"], form_boards=True)
    found = form_post(page(sample, "/press/List.aspx?page=1"), 2)
    assert found is not None
    assert found.fields == {"__EVENTTARGET": PAGER, "__EVENTARGUMENT": "2"}
    # page 5's link is 다음, on page 4's block
    assert form_post(page(sample, "/press/List.aspx?page=1"), 9) is None


def test_an_egov_pager_link_sets_the_page_index_its_script_names() -> None:
    sample = SamplePortal(sites=["generic"], form_boards=True)
    found = form_post(page(sample, "/gov/board/list.do?page=1"), 3)
    assert found is not None and found.fields == {"pageIndex": "3"}


def test_any_form_whose_page_field_a_pager_script_sets() -> None:
    html = """<html><body><form id="search" action="/s"><input name="q"></form>
    <form id="frm" method="post" action="/list"><input type="hidden" id="cp" name="cpg" value="1">
    <a href="/view?id=7">기사</a></form>
    <p class="pager"><a href="#" onclick="linkPage(2)">2</a>
    <a href="javascript:goView(2)">같은 번호의 기사</a></p>
    <script>function linkPage(no) { document.getElementById('cp').value = no;
    document.getElementById('frm').submit(); }</script></body></html>"""
    response = HtmlResponse("http://127.0.0.1/list", body=html.encode(), encoding="utf-8")
    found = form_post(response, 2)
    assert found is not None and found.form_number == 1 and found.fields == {"cpg": "2"}


def test_a_list_paged_by_links_needs_no_post() -> None:
    sample = SamplePortal(sites=["gnuboard"])
    assert form_post(page(sample, "/bbs/board.php?bo_table=news&page=1"), 2) is None


def test_the_boards_check_the_post_and_ignore_a_get_query() -> None:
    sample = SamplePortal(sites=["generic"], form_boards=True)
    first = page(sample, "/press/List.aspx?page=1").text
    assert page(sample, "/press/List.aspx?page=3").text == first
    forged = b"__EVENTTARGET=ctl00%24Main%24pager&__EVENTARGUMENT=3&__VIEWSTATE=x"
    assert sample.render("/press/List.aspx", form=forged)[0] == 500
    assert sample.render("/gov/board/list.do", form=b"pageIndex=2&bbsId=x")[0] == 500


@pytest.fixture
def boards(tmp_path: Path) -> Iterator[Portal]:
    sample = SamplePortal(
        articles_per_site=ARTICLES, per_page=PER_PAGE, sites=["generic"], form_boards=True
    )
    with serve(sample) as base_url:
        sites_file = tmp_path / "sites.yaml"
        sites_file.write_text(sample.sites_yaml(base_url, list_url_only=True), encoding="utf-8")
        yield Portal(sample, base_url, sites_file)


def crawl(portal: Portal, database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return scrapy(
        "crawl", "portal", *args, *FAST, database_url=database_url, sites_file=portal.sites_file
    )


def archived(database_url: str) -> tuple[dict[str, Article], list[CrawlRun]]:
    archive = Archive.open(database_url)
    try:
        with archive.sessions() as session:
            articles = {a.url: a for a in session.scalars(select(Article))}
            return articles, list(session.scalars(select(CrawlRun).order_by(CrawlRun.id)))
    finally:
        archive.close()


def job(
    site: str, mode: str, articles: Sequence[SampleArticle], oldest: int, newest: int
) -> tuple[list[str], list[SampleArticle]]:
    """The crawl arguments of ``site``'s ``mode`` run, and the articles it must
    archive: all of them daily; in a backfill, those of the days of
    ``articles[oldest]`` to ``articles[newest]``, a window in the middle."""
    if mode == "daily":
        return ["-a", f"site={site}"], list(articles)
    since, until = articles[oldest].published.date(), articles[newest].published.date()
    wanted = [a for a in articles if since <= a.published.date() <= until]
    return ["-a", f"site={site}", "-a", f"since={since}", "-a", f"until={until}"], wanted


@pytest.mark.parametrize("mode", ["daily", "backfill"])
def test_list_url_alone_archives_every_article_of_a_form_paged_board(
    boards: Portal, database_url: str, mode: str
) -> None:
    for site in FORM_BOARDS:
        articles = boards.portal.form_boards.boards[site].articles  # type: ignore[union-attr]
        # a backfill's window in the middle: paging must post its way past it and stop
        args, wanted = job(site, mode, articles, 28, 6)
        hits_before = sum(boards.portal.hits.values())
        result = crawl(boards, database_url, *args)
        assert result.returncode == 0, result.stderr[-3000:]
        assert "the list is paged by a form post" in result.stderr
        stored, runs = archived(database_url)
        board = boards.base_url + VIEW_PATHS[site]
        mine = {url: a for url, a in stored.items() if url.startswith(board)}
        assert set(mine) == {boards.base_url + a.path for a in wanted}
        for article in wanted:
            kept = mine[boards.base_url + article.path]
            assert kept.title == article.title
            assert kept.body.startswith(article.paragraphs[0][:40])
            # the press board shows 2024-03-05 오후 4:29:12, the eGov board 2024.3.5
            assert kept.published is not None
            shown = kept.published if site == ASPNET else kept.published.date()
            assert shown == (article.published if site == ASPNET else article.published.date())
        assert runs[-1].status == "finished"
        print(
            f"{site} {mode}: archived {len(mine)}/{len(wanted)}, "
            f"{sum(boards.portal.hits.values()) - hits_before} requests"
        )


def test_a_killed_form_paged_backfill_goes_on_from_the_post_kept_with_its_list_page(
    database_url: str, tmp_path: Path
) -> None:
    sample = SamplePortal(articles_per_site=150, per_page=10, sites=["generic"], form_boards=True)
    articles = sample.form_boards.boards[ASPNET].articles  # type: ignore[union-attr]
    since, until = articles[140].published.date(), articles[3].published.date()
    args = ["-a", f"site={ASPNET}", "-a", f"since={since}", "-a", f"until={until}"]
    slow = ["-s", "DOWNLOAD_DELAY=0.02", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2"]
    with serve(sample) as base_url:
        sites_file = tmp_path / "sites.yaml"
        sites_file.write_text(sample.sites_yaml(base_url, list_url_only=True), encoding="utf-8")
        Archive.open(database_url).close()  # migrated, so that we can watch it fill
        killed = start_scrapy(
            "crawl", "portal", *args, *FAST, *slow, database_url=database_url, sites_file=sites_file
        )
        wait_for_captures(database_url, 60)
        killed.send_signal(signal.SIGKILL)
        killed.communicate()
        before = Counter(sample.hits)
        resumed = scrapy(
            "crawl", "portal", *args, *FAST, database_url=database_url, sites_file=sites_file
        )
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert "is paged on by the form post kept with it" in resumed.stderr
    again = sample.hits - before
    assert again["/press/List.aspx?page=1"] == 0  # list page 1 was not read again
    assert again["POST /press/List.aspx?page=1"] > 0
    stored, runs = archived(database_url)
    wanted = {base_url + a.path for a in articles if since <= a.published.date() <= until}
    assert set(stored) == wanted
    assert max(captured_urls(database_url).values()) == 1  # no page captured twice
    assert [r.status for r in runs] == ["interrupted", "finished"]
    print(
        f"resumed: archived {len(stored)}/{len(wanted)}; {sum(before.values())} requests "
        f"before the kill, {sum(again.values())} after"
    )
