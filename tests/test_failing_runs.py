"""Runs that archive nothing fail loudly, end to end: a run whose list page
links to no article, one whose list pages cannot be read, and one against a
closed port each end with their own status, one line on stderr and their own
exit code; ``scrapy runs`` and the scheduler show them and ``scrapy runs --problems`` lists
their sites. A site that archived before and now links to nothing names its
last good run."""

from __future__ import annotations

import socket
import subprocess
from pathlib import Path

import pytest

from crawler.exit_codes import EXIT_LIST_UNREADABLE, EXIT_NO_ARTICLES, EXIT_UNREACHABLE
from storage.archive import Archive
from storage.run_records import RunSummary
from tests.conftest import FAST, Portal, scrapy
from tests.test_scheduler import run_scheduler

pytestmark = pytest.mark.e2e  # every test runs a crawl

ERROR = "newsarchive: error: "


def crawl(site: str, database_url: str, sites_file: Path) -> subprocess.CompletedProcess[str]:
    return scrapy(
        "crawl", "portal", "-a", f"site={site}", *FAST, "-s", "RETRY_TIMES=0",
        database_url=database_url, sites_file=sites_file,
    )  # fmt: skip


def said(result: subprocess.CompletedProcess[str]) -> str:
    """The one line the crawl ended with, without its prefix."""
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith(ERROR), result.stderr[-3000:]
    return last.removeprefix(ERROR)


def runs_of(database_url: str, site: str) -> list[RunSummary]:
    archive = Archive.open(database_url)
    try:
        return archive.runs.listing(site)
    finally:
        archive.close()


def listed(database_url: str, sites_file: Path, *options: str, code: int = 0) -> list[str]:
    result = scrapy("runs", *options, database_url=database_url, sites_file=sites_file)
    assert result.returncode == code, result.stderr
    return result.stdout.splitlines()


def test_a_site_that_now_links_to_no_article_says_so_and_names_its_last_good_run(
    portal: Portal, database_url: str
) -> None:
    good = crawl("newscms", database_url, portal.sites_file)
    assert good.returncode == 0, good.stderr[-3000:]
    assert listed(database_url, portal.sites_file, "--problems") == ["no problem in the last runs"]
    # after a redesign the list_url reads a page that links to no article (a page
    # past the list's end would not do: its "most read" box still links to some)
    list_path = "/news/section_list_all.html?page={page}"
    portal.sites_file.write_text(
        portal.sites_file.read_text(encoding="utf-8").replace(list_path, "/?page={page}"),
        encoding="utf-8",
    )
    empty = crawl("newscms", database_url, portal.sites_file)
    assert empty.returncode == EXIT_NO_ARTICLES, empty.stderr[-3000:]
    last, first = runs_of(database_url, "newscms")
    assert said(empty) == (
        f"site newscms: list page 1 ({portal.base_url}/?page=1) "
        f"links to no article, though run {first.id} ({first.started_at:%Y-%m-%d}) archived "
        f"{first.pages} pages: the site's layout may have changed; "
        "check list_url, cms and article_pattern in sites.yaml"
    )
    assert (last.status, last.exit_code, last.pages) == ("no_articles", EXIT_NO_ARTICLES, 0)
    assert (first.status, first.exit_code) == ("finished", 0)

    table = listed(database_url, portal.sites_file, "--site", "newscms")
    assert table[1].split()[7:9] == ["no_articles", "0"]  # status, pages
    assert table[-1] == f"run {last.id} newscms no_articles: {said(empty)}"
    problems = listed(database_url, portal.sites_file, "--problems", code=1)  # it lists one
    assert [line.split()[0] for line in problems[1:-1]] == [str(last.id)]
    assert problems[-1] == f"run {last.id} newscms no_articles: {said(empty)}"


def unused_port() -> int:
    """A port of 127.0.0.1 nothing listens on (bound once, then closed)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def closed_site(tmp_path: Path) -> Path:
    """A sites.yaml of one site, ``closed``, on a port nothing listens on."""
    sites_file = tmp_path / "sites.yaml"
    sites_file.write_text(
        "sites:\n  - name: closed\n"
        f'    list_url: "http://127.0.0.1:{unused_port()}/news/list.html?page={{page}}"\n',
        encoding="utf-8",
    )
    return sites_file


def test_a_site_that_never_answers_is_unreachable(tmp_path: Path) -> None:
    database_url = f"sqlite:///{tmp_path / 'archive.db'}"
    sites_file = closed_site(tmp_path)
    result = crawl("closed", database_url, sites_file)
    assert result.returncode == EXIT_UNREACHABLE, result.stderr[-3000:]
    line = said(result)
    assert line.startswith("site closed: no request got an answer (3 list pages failed, "), line
    assert "the first list page 1: " in line and "ConnectionRefusedError" in line, line
    (run,) = runs_of(database_url, "closed")
    assert (run.status, run.list_failed, run.pages, run.exit_code) == (
        "unreachable",
        3,
        0,
        EXIT_UNREACHABLE,
    )
    assert run.reason == line
    row = listed(database_url, sites_file)[1].split()
    # status, pages, new, by feed, sitemap and list, dup, failed, list_failed,
    # the five revisit counts, exit
    assert row[7:16] == ["unreachable", "0", "0", "0", "0", "0", "0", "0", "3"]
    assert row[16:22] == ["0"] * 5 + [str(EXIT_UNREACHABLE)]


def test_the_scheduler_keeps_and_logs_how_an_unhealthy_run_ended(tmp_path: Path) -> None:
    database_url = f"sqlite:///{tmp_path / 'archive.db'}"
    logs = tmp_path / "logs"
    now = run_scheduler(
        "--run-now", "closed", "--logs", str(logs), *FAST, "-s", "RETRY_TIMES=0",
        database_url=database_url, sites_file=closed_site(tmp_path),
    )  # fmt: skip
    output = now.communicate(timeout=120)[0]
    assert now.returncode == EXIT_UNREACHABLE, output[-3000:]
    (run,) = runs_of(database_url, "closed")
    assert (run.status, run.exit_code) == ("unreachable", EXIT_UNREACHABLE)
    assert run.log_file is not None and Path(run.log_file).parent == logs / "closed"
    assert (
        f"crawl of closed ended: run {run.id} unreachable, exit {EXIT_UNREACHABLE}: "
        f"{run.reason}, log {run.log_file}"
    ) in output


def test_a_site_whose_list_pages_cannot_be_read_says_so(portal: Portal, tmp_path: Path) -> None:
    database_url = f"sqlite:///{tmp_path / 'archive.db'}"
    portal.sites_file.write_text(
        portal.sites_file.read_text(encoding="utf-8").replace(
            "/news/section_list_all.html", "/news/moved_away.html"
        ),
        encoding="utf-8",
    )
    result = crawl("newscms", database_url, portal.sites_file)
    assert result.returncode == EXIT_LIST_UNREADABLE, result.stderr[-3000:]
    assert said(result) == (
        "site newscms: no list page could be read "
        "(1 list pages failed, the first list page 1: HTTP 404)"
    )
    (run,) = runs_of(database_url, "newscms")
    assert (run.status, run.list_failed, run.exit_code) == ("list_unreadable", 1, 5)
    problems = listed(database_url, portal.sites_file, "--problems", code=1)
    assert problems[-1] == f"run {run.id} newscms list_unreadable: {run.reason}"
