"""The revisit setting of sites.yaml, when an article is next due, and what a
revisit counts as a takedown."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from scrapy.settings import Settings

from crawler.items import CaptureItem
from crawler.job import CrawlJob, Window
from crawler.revisit_plan import RevisitPlan
from crawler.sites import DEFAULT_REVISITS, SiteProfile, SitesConfigError, load_sites
from crawler.takedowns import takedown
from pipelines.article_page import PageError, PageProblem
from storage.types import SEOUL

SITE = "name: x\n    list_url: 'http://x.example/bbs/board.php?bo_table=news&page={page}'"
DAY = timedelta(days=1)
PUBLISHED = datetime(2026, 9, 1, 9, 0, tzinfo=SEOUL)


def profile(tmp_path: Path, revisit: str | None) -> SiteProfile:
    line = f"\n    revisit: {revisit}" if revisit is not None else ""
    path = tmp_path / "sites.yaml"
    path.write_text(f"sites:\n  - {SITE}{line}\n", encoding="utf-8")
    return load_sites(path)["x"]


def test_revisit_ages_load_and_default(tmp_path: Path) -> None:
    assert profile(tmp_path, None).revisit == DEFAULT_REVISITS == (DAY, 7 * DAY, 30 * DAY)
    assert profile(tmp_path, "[12h, 2d, 14d]").revisit == (timedelta(hours=12), 2 * DAY, 14 * DAY)
    assert profile(tmp_path, "off").revisit == ()
    assert profile(tmp_path, "'off'").revisit == ()


@pytest.mark.parametrize(
    ("written", "problem"),
    [
        ("7", "must be a list of ages like [1d, 7d, 30d] or 'off', not 7"),
        ("[]", "must be a list of ages"),
        ("[1w]", "'1w' is not an age like 1d or 12h"),
        ("[1d, 0d]", "'0d' is not an age"),
        ("[7d, 1d]", "ages must grow from one to the next, each once"),
        ("[1d, 1d]", "ages must grow"),
        ("yes", "not yes"),
    ],
)
def test_a_bad_revisit_is_one_line_naming_file_site_and_field(
    tmp_path: Path, written: str, problem: str
) -> None:
    with pytest.raises(SitesConfigError) as raised:
        profile(tmp_path, written)
    message = str(raised.value)
    assert "\n" not in message
    assert str(tmp_path / "sites.yaml") in message and "site 'x'" in message
    assert "field 'revisit'" in message and problem in message


def test_an_article_is_due_at_each_age_once_and_a_late_revisit_stands_for_those_passed() -> None:
    plan = RevisitPlan(DEFAULT_REVISITS)
    archived = PUBLISHED + timedelta(hours=2)
    assert plan.next_due(PUBLISHED, archived, archived) == PUBLISHED + DAY
    assert plan.next_due(PUBLISHED, archived, PUBLISHED + DAY) == PUBLISHED + 7 * DAY
    # revisited late, on day 9: the 7-day revisit is done with, the next is at 30 days
    assert plan.next_due(PUBLISHED, archived, PUBLISHED + 9 * DAY) == PUBLISHED + 30 * DAY
    assert plan.next_due(PUBLISHED, archived, PUBLISHED + 30 * DAY) is None
    # first archived when every age had passed: never revisited
    assert plan.next_due(PUBLISHED, archived, PUBLISHED + 40 * DAY) is None
    # undated: its archiving time stands for its publication
    assert plan.next_due(None, archived, archived) == archived + DAY
    assert RevisitPlan(()).next_due(PUBLISHED, archived, archived) is None


def test_the_plan_of_a_backfill_is_none_and_the_clock_may_be_named(tmp_path: Path) -> None:
    site = profile(tmp_path, None)
    window = Window(PUBLISHED.date(), PUBLISHED.date())
    assert RevisitPlan.of(CrawlJob(site, window), Settings()).ages == ()
    settings = Settings({"REVISIT_CLOCK": "2026-09-03T23:00:00+09:00"})
    plan = RevisitPlan.of(CrawlJob(site, None), settings)
    assert plan.ages == DEFAULT_REVISITS
    assert plan.clock() == datetime(2026, 9, 3, 23, 0, tzinfo=SEOUL)
    assert RevisitPlan.of(CrawlJob(site, None), Settings({"REVISIT_CLOCK": None})).clock().tzinfo


def page(url: str, final_url: str, status: int, error: PageError | None = None) -> CaptureItem:
    return CaptureItem(
        site="x",
        family=None,
        url=url,
        final_url=final_url,
        status=status,
        headers={},
        body=b"",
        fetched_at=PUBLISHED,
        list_page=0,
        error=error,
    )


def test_takedowns_are_404_410_the_deleted_post_alert_and_a_redirect_to_the_list_or_home(
    tmp_path: Path,
) -> None:
    site = profile(tmp_path, None)
    post = "http://x.example/bbs/board.php?bo_table=news&wr_id=7"
    alert = PageError(PageProblem.NOT_ARTICLE, "alert page: 글이 존재하지 않습니다.")
    members = PageError(PageProblem.MEMBERS_ONLY, "members only: alert page: 권한이 없습니다")
    assert takedown(page(post, post, 404), site) == "404"
    assert takedown(page(post, post, 410), site) == "410"
    assert takedown(page(post, post, 200, alert), site) == "deleted-post alert"
    board = "http://x.example/bbs/board.php?bo_table=news"
    assert takedown(page(post, board, 200), site) == "redirected to the list"
    assert takedown(page(post, board + "&page=1", 200), site) == "redirected to the list"
    assert takedown(page(post, "http://x.example/", 200), site) == "redirected to the home page"
    # not gone: the page itself, a members-only wall, a redirect to another post
    assert takedown(page(post, post, 200), site) is None
    assert takedown(page(post, post, 200, members), site) is None
    assert takedown(page(post, post.replace("7", "8"), 200), site) is None
    assert takedown(page(post, post, 500, PageError(PageProblem.FETCH, "HTTP 500")), site) is None
