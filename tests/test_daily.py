"""Several sites' daily runs in one Scrapy process (``scrapy daily``), and the
scheduler's way of running the sites due together (``DueSites``), on the
sample portal: each site gets its own run, exit code and log; a site that
fails or is busy does not fail the others; the run lock still holds."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import select

from crawler.exit_codes import EXIT_FAILED, EXIT_UNREACHABLE
from scheduling.jobs import DueSites
from scheduling.launcher import DAILY_LOGS, CrawlLauncher
from storage.archive import Archive
from storage.models import CrawlRun
from storage.run_records import RunCounts
from tests.conftest import FAST, Portal, scrapy
from tests.test_failing_runs import unused_port

NO_RETRIES = ["-s", "RETRY_TIMES=0"]


def with_closed_site(portal: Portal, tmp_path: Path) -> Path:
    """The portal's sites.yaml plus ``closed``, a site on a port nothing listens on."""
    sites_file = tmp_path / "sites-closed.yaml"
    sites_file.write_text(
        portal.sites_file.read_text(encoding="utf-8")
        + "  - name: closed\n"
        + f'    list_url: "http://127.0.0.1:{unused_port()}/news/list.html?page={{page}}"\n',
        encoding="utf-8",
    )
    return sites_file


def runs_by_site(database_url: str) -> dict[str, list[CrawlRun]]:
    archive = Archive.open(database_url)
    try:
        with archive.sessions() as session:
            found: dict[str, list[CrawlRun]] = {}
            for run in session.scalars(select(CrawlRun).order_by(CrawlRun.id)):
                found.setdefault(run.site.name, []).append(run)
            return found
    finally:
        archive.close()


def test_each_site_of_one_process_gets_its_own_run(
    portal: Portal, database_url: str, tmp_path: Path
) -> None:
    sites_file = with_closed_site(portal, tmp_path)
    archive = Archive.open(database_url)
    holder_site = archive.site_id("generic", "generic", "http://127.0.0.1/blog/?page={page}")
    held = archive.runs.start(holder_site, "daily", None, None)  # a live run holds generic
    log_file = tmp_path / "daily.log"
    try:
        result = scrapy(
            "daily", "gnuboard", "newscms", "generic", "closed",
            *FAST, *NO_RETRIES, "-s", f"LOG_FILE={log_file}",
            database_url=database_url, sites_file=sites_file,
        )  # fmt: skip
    finally:
        archive.runs.finish(held, "finished", RunCounts())
    assert result.returncode == EXIT_FAILED, result.stderr[-3000:]  # the runs' codes differ
    assert "site 'generic' is already being crawled" in result.stderr
    assert "site closed: no request got an answer" in result.stderr
    counts = archive.article_counts()
    archive.close()
    runs = runs_by_site(database_url)
    assert [run.id for run in runs["generic"]] == [held]  # the lock held: no second run
    for site in ("gnuboard", "newscms"):
        (run,) = runs[site]
        assert (run.status, run.exit_code) == ("finished", 0), site
        assert run.new == counts[site] == len(portal.portal.articles(site)), site
        assert run.log_file == str(log_file)
    (closed,) = runs["closed"]
    assert (closed.status, closed.exit_code) == ("unreachable", EXIT_UNREACHABLE)
    assert len({runs[site][0].pid for site in ("gnuboard", "newscms", "closed")}) == 1

    again = scrapy(
        "daily", "gnuboard", "newscms", "generic", *FAST,
        database_url=database_url, sites_file=sites_file,
    )  # fmt: skip
    assert again.returncode == 0, again.stderr[-3000:]
    runs = runs_by_site(database_url)
    assert [run.new for run in runs["gnuboard"]] == [counts["gnuboard"], 0]
    assert runs["generic"][-1].new == len(portal.portal.articles("generic"))


def test_an_unknown_site_stops_the_whole_process_before_any_run(
    portal: Portal, database_url: str
) -> None:
    result = scrapy(
        "daily", "gnuboard", "nowhere", *FAST,
        database_url=database_url, sites_file=portal.sites_file,
    )  # fmt: skip
    assert result.returncode == 2
    assert "nowhere" in result.stderr.strip().splitlines()[-1]
    assert runs_by_site(database_url) == {}


def test_sites_due_together_share_processes(
    portal: Portal, database_url: str, tmp_path: Path, monkeypatch
) -> None:
    """Four sites due at once, two processes at most: two processes of two
    sites, each site's run and exit code kept, the log in ``logs/daily/``."""
    monkeypatch.setenv("NEWSARCHIVE_SITES", str(with_closed_site(portal, tmp_path)))
    archive = Archive.open(database_url)
    logs = tmp_path / "logs"
    launcher = CrawlLauncher(archive, database_url, logs, [*FAST[1::2], "RETRY_TIMES=0"])
    due = DueSites(launcher, max_crawls=2, sites_per_crawl=10)
    codes: dict[str, int | None] = {}

    def run(site: str) -> None:
        codes[site] = due.run(site)

    threads = [
        threading.Thread(target=run, args=(site,))
        for site in ("gnuboard", "newscms", "generic", "closed")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(180)
    archive.close()
    assert codes == {"gnuboard": 0, "newscms": 0, "generic": 0, "closed": EXIT_UNREACHABLE}
    runs = {site: found[0] for site, found in runs_by_site(database_url).items()}
    assert {run.exit_code for run in runs.values()} == {0, EXIT_UNREACHABLE}
    processes: dict[int, list[str]] = {}
    for site, run in runs.items():
        processes.setdefault(run.pid, []).append(site)
        assert run.log_file is not None and Path(run.log_file).parent == logs / DAILY_LOGS
    assert sorted(len(sites) for sites in processes.values()) == [2, 2]


def test_no_crawl_starts_once_the_launcher_is_stopping(database_url: str, tmp_path: Path) -> None:
    """Sites due while the scheduler stops: none is started, every job returns."""
    archive = Archive.open(database_url)
    launcher = CrawlLauncher(archive, database_url, tmp_path / "logs")
    launcher.stop_all(0)
    due = DueSites(launcher, max_crawls=1, sites_per_crawl=10, gather=0)
    with ThreadPoolExecutor(3) as jobs:
        codes = list(jobs.map(due.run, ["gnuboard", "newscms", "generic"]))
    archive.close()
    assert codes == [None, None, None]
    assert runs_by_site(database_url) == {}
