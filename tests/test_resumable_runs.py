"""End to end, on SQLite and PostgreSQL: a backfill killed with SIGKILL and
started again ends with the archive an uninterrupted run makes, fetching no
archived page again; two runs of one site at once: the second is refused;
daily runs re-read the last days' list pages, and complete an interrupted
daily run; ``scrapy runs`` lists what each run did."""

from __future__ import annotations

import re
import signal
import socket
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from sample_portal import SamplePortal, serve
from storage.archive import Archive
from storage.models import Article, Capture, CrawlRun, RunListPage
from storage.types import now_seoul
from tests.conftest import FAST, Portal, scrapy, start_scrapy

RUNS_HEADS = [
    "run", "site", "mode", "window", "started", "finished", "status",
    "pages", "new", "by_feed", "by_sitemap", "by_list", "dup", "failed", "list_failed",
    "rv_due", "rv_fetched", "rv_304", "rv_changed", "rv_gone", "exit", "host", "log",
]  # fmt: skip
# slow enough to be caught mid-run, on a loaded machine too
SLOW = ["DOWNLOAD_DELAY=0.02", "CONCURRENT_REQUESTS_PER_DOMAIN=2"]


@pytest.fixture
def big_portal(tmp_path: Path) -> Iterator[Portal]:
    """A Gnuboard site with 180 articles: 12 list pages."""
    sample = SamplePortal(articles_per_site=180, sites=["gnuboard"])
    with serve(sample) as base_url:
        sites_file = tmp_path / "sites.yaml"
        sites_file.write_text(sample.sites_yaml(base_url), encoding="utf-8")
        yield Portal(sample, base_url, sites_file)


def crawl_args(site: str, *window: str, settings: Sequence[str] = ()) -> list[str]:
    """``crawl portal`` of ``site``: ``since=``/``until=`` arguments, ``NAME=VALUE`` settings."""
    spider_args = [arg for pair in window for arg in ("-a", pair)]
    extra = [arg for setting in settings for arg in ("-s", setting)]
    return ["crawl", "portal", "-a", f"site={site}", *spider_args, *FAST, *extra]


def archive_of(database_url: str) -> dict[str, tuple[str, object, str]]:
    archive = Archive.open(database_url)
    try:
        with archive.sessions() as session:
            return {a.url: (a.title, a.published, a.body) for a in session.scalars(select(Article))}
    finally:
        archive.close()


def captured_urls(database_url: str) -> Counter[str]:
    archive = Archive.open(database_url)
    try:
        with archive.sessions() as session:
            pages = select(Capture.url).where(
                Capture.outcome.not_in(("requisite", "page"))
            )  # photos, list pages aside
            return Counter(session.scalars(pages))
    finally:
        archive.close()


def wait_for_captures(database_url: str, count: int, timeout: float = 60) -> None:
    archive = Archive.open(database_url)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            with archive.sessions() as session:
                if (
                    session.scalar(
                        select(func.count(Capture.id)).where(
                            Capture.outcome.not_in(("requisite", "page"))
                        )
                    )
                    >= count
                ):
                    return
            time.sleep(0.05)
    finally:
        archive.close()
    pytest.fail(f"fewer than {count} captures after {timeout} s")


def test_a_killed_backfill_resumes_to_the_uninterrupted_archive(
    big_portal: Portal, database_url: str, tmp_path: Path
) -> None:
    regular = [a for a in big_portal.portal.articles("gnuboard") if not a.notice]
    since, until = regular[150].published.date(), regular[30].published.date()
    args = crawl_args("gnuboard", f"since={since}", f"until={until}", settings=SLOW)

    reference_db = f"sqlite:///{tmp_path / 'reference.db'}"
    whole = scrapy(
        *args,
        "-s",
        "PROGRESS_INTERVAL=0.5",
        database_url=reference_db,
        sites_file=big_portal.sites_file,
    )
    assert whole.returncode == 0, whole.stderr[-3000:]
    assert "progress gnuboard backfill" in whole.stderr  # long runs report as they go
    reference = archive_of(reference_db)
    assert len(reference) > 100

    Archive.open(database_url).close()  # migrated, so that we can watch it fill
    killed = start_scrapy(*args, database_url=database_url, sites_file=big_portal.sites_file)
    wait_for_captures(database_url, 60)
    killed.send_signal(signal.SIGKILL)
    killed.communicate()
    assert killed.returncode == -signal.SIGKILL
    before_restart = captured_urls(database_url)
    archive = Archive.open(database_url)
    with archive.sessions() as session:
        lists_read = set(session.scalars(select(RunListPage.url)))
    archive.close()
    hits_before = Counter(big_portal.portal.hits)

    resumed = scrapy(*args, database_url=database_url, sites_file=big_portal.sites_file)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert "resuming the interrupted backfill at list page" in resumed.stderr

    assert archive_of(database_url) == reference
    captures = captured_urls(database_url)
    assert max(captures.values()) == 1  # no page captured twice
    assert set(captures) == set(captured_urls(reference_db))
    fetched_again = {
        big_portal.base_url + path
        for path in big_portal.portal.hits - hits_before
        if path != "/robots.txt"
    }
    assert not fetched_again & (set(before_restart) | lists_read)
    archive = Archive.open(database_url)
    with archive.sessions() as session:
        runs = session.scalars(select(CrawlRun).order_by(CrawlRun.id)).all()
    archive.close()
    assert [(r.status, r.exit_code) for r in runs] == [("interrupted", None), ("finished", 0)]
    assert runs[0].pages == sum(before_restart.values())
    assert runs[0].new + runs[1].new == len(reference)


def test_two_runs_of_one_site_at_once_the_second_is_refused(
    portal: Portal, database_url: str
) -> None:
    args = crawl_args("gnuboard", settings=["DOWNLOAD_DELAY=0.1"])
    Archive.open(database_url).close()  # two first openings at once would both create it
    both = [
        start_scrapy(*args, database_url=database_url, sites_file=portal.sites_file)
        for _ in range(2)
    ]
    results = [(process.wait(120), process.communicate()[1]) for process in both]
    codes = sorted(code for code, _ in results)
    errors = [
        [line for line in stderr.splitlines() if "Error" in line or "error:" in line][-5:]
        for _, stderr in results
    ]
    assert codes == [0, 3], errors
    refused = next(stderr for code, stderr in results if code == 3)
    assert re.search(
        r"newsarchive: error: site 'gnuboard' is already being crawled: run \d+", refused
    )
    assert len(archive_of(database_url)) == len(portal.portal.articles("gnuboard"))


def test_daily_runs_reread_the_last_days_list_pages(portal: Portal, database_url: str) -> None:
    fresh = portal.portal.publish("newscms", 20)  # today's: list page 1 and part of page 2
    assert (
        scrapy(
            *crawl_args("newscms"), database_url=database_url, sites_file=portal.sites_file
        ).returncode
        == 0
    )
    late = portal.portal.publish_late("newscms", fresh[-1].published - timedelta(hours=1))
    late_url = portal.base_url + late.path
    no_recheck = scrapy(
        *crawl_args("newscms", settings=["RECHECK_DAYS=0"]),
        database_url=database_url,
        sites_file=portal.sites_file,
    )
    assert no_recheck.returncode == 0
    assert late_url not in archive_of(database_url)  # page 1 held nothing new: it stopped

    daily = scrapy(*crawl_args("newscms"), database_url=database_url, sites_file=portal.sites_file)
    assert daily.returncode == 0
    assert late_url in archive_of(database_url)
    assert len(archive_of(database_url)) == len(portal.portal.articles("newscms"))


def test_an_interrupted_daily_run_is_completed_by_the_next(
    portal: Portal, database_url: str
) -> None:
    # one request at a time, closed after 28 responses (robots.txt, list pages,
    # articles): list page 1 done, page 2 begun. Its articles' photos are not
    # fetched: how many of them come before page 2 depends on the machine's speed
    no_photos = portal.sites_file.with_name("no-photos.yaml")
    no_photos.write_text(
        portal.portal.sites_yaml(portal.base_url, requisites="none"), encoding="utf-8"
    )
    first = scrapy(
        *crawl_args("newscms", settings=["CONCURRENT_REQUESTS=1", "CLOSESPIDER_PAGECOUNT=28"]),
        database_url=database_url,
        sites_file=no_photos,
    )
    assert first.returncode == 1  # closed before it finished
    assert 15 < len(archive_of(database_url)) < 30
    second = scrapy(*crawl_args("newscms"), database_url=database_url, sites_file=portal.sites_file)
    assert second.returncode == 0, second.stderr[-3000:]
    assert "an interrupted daily run reached list page" in second.stderr
    assert len(archive_of(database_url)) == len(portal.portal.articles("newscms"))

    listing = scrapy(
        "runs", "--site", "newscms", database_url=database_url, sites_file=portal.sites_file
    )
    assert listing.returncode == 0, listing.stderr
    archive = Archive.open(database_url)
    with archive.sessions() as session:
        runs = session.scalars(select(CrawlRun).order_by(CrawlRun.id.desc())).all()
    archive.close()
    lines = listing.stdout.splitlines()
    assert lines[0].split() == RUNS_HEADS and len(lines) == 1 + len(runs) == 3
    today = now_seoul().strftime("%Y-%m-%d")
    for line, run, status, exit_code in zip(
        lines[1:], runs, ["finished", "closespider_pagecount"], [0, 1], strict=True
    ):
        found = (run.found_feed, run.found_sitemap, run.found_list)
        revisits = (
            run.revisits_due,
            run.revisits_fetched,
            run.revisits_not_modified,
            run.revisits_changed,
            run.revisits_gone,
        )
        numbers = (
            run.pages, run.new, *found, run.duplicate, run.failed, run.list_failed, *revisits
        )  # fmt: skip
        counts = r"\s+".join(str(n) for n in numbers)
        seoul = rf"{today} [\d:]+\+09:00"  # a time with its zone
        expected = rf"^\s*{run.id}\s+newscms\s+daily\s+{seoul}\s+{seoul}\s+"
        host = re.escape(socket.gethostname())
        assert re.match(rf"{expected}{status}\s+{counts}\s+{exit_code}\s+{host}$", line), line
    assert runs[0].new + runs[1].new == len(portal.portal.articles("newscms"))


def test_a_resumed_backfill_keeps_its_window_when_until_is_left_out(
    portal: Portal, database_url: str
) -> None:
    regular = [a for a in portal.portal.articles("newscms") if not a.notice]
    since, until = regular[40].published.date(), regular[10].published.date()
    archive = Archive.open(database_url)
    site_id = archive.site_id("newscms", "newscms", "http://unused.example/{page}")
    killed = archive.runs.start(site_id, "backfill", since, until)
    archive.runs.record_exit(killed, -signal.SIGKILL)  # a backfill killed some days ago
    archive.close()

    resumed = scrapy(
        *crawl_args("newscms", f"since={since}"),
        database_url=database_url,
        sites_file=portal.sites_file,
    )
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert f"resuming the interrupted backfill {since}..{until}" in resumed.stderr
    inside = {portal.base_url + a.path for a in regular if since <= a.published.date() <= until}
    assert set(archive_of(database_url)) == inside
