"""What a newcomer sees of a crawl, end to end: a summary line per site on
stdout (the log stays on stderr), a live progress line on a terminal only, a
closing line after Ctrl-C or SIGTERM that says the same command resumes (and
it does), a ``kill -9``'d run shown by ``scrapy runs`` with what it captured,
and ``scrapy runs`` exit codes a script can use (``--problems``: 1 when it
lists any; an unknown ``--site``: 2, in one line)."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import signal
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlalchemy import select as query

from crawler.exit_codes import EXIT_FAILED, EXIT_USAGE
from storage.archive import Archive
from storage.models import Article, Capture
from storage.run_records import RunCounts
from tests import test_crawl_interrupted
from tests.conftest import FAST, ROOT, Portal, project_env, scrapy
from tests.test_crawl_interrupted import SITE, SLOW, captures, start, wait_for_captures
from tests.test_newcomer import one_error

portal = test_crawl_interrupted.portal  # the sample Gnuboard board alone: 40 articles

CRAWL = ("crawl", "portal", "-a", f"site={SITE}")
# the summary line of a run: its status, then new, duplicate, failed, list pages, seconds
SUMMARY = re.compile(
    rf"run (\d+) {SITE} (\w+): (\d+) new, (\d+) duplicate, (\d+) failed, "
    r"(\d+) list pages?, \d+\.\d s(; .+)?"
)
PROGRESS = re.compile(rf"{SITE}: \d+ pages, \d+ new, queue \d+, \d+\.\d pages/s")
STOPPED = "interrupted (Ctrl-C or SIGTERM): run the same command to resume"


def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'archive.db'}"


def articles(database_url: str) -> int:
    archive = Archive.open(database_url)
    try:
        with archive.sessions() as session:
            return session.scalar(query(func.count()).select_from(Article)) or 0
    finally:
        archive.close()


def test_a_crawl_ends_with_a_summary_line_on_stdout(portal: Portal, tmp_path: Path) -> None:
    url = sqlite_url(tmp_path)
    done = scrapy(*CRAWL, *FAST, database_url=url, sites_file=portal.sites_file)
    assert done.returncode == 0, done.stderr[-3000:]
    (line,) = done.stdout.splitlines()
    matched = SUMMARY.fullmatch(line)
    assert matched, line
    _, status, new, duplicate, failed, list_pages, reason = matched.groups()
    assert (status, int(new), int(duplicate), int(failed)) == ("finished", articles(url), 0, 0)
    assert int(new) >= 40 and int(list_pages) >= 4 and reason is None
    assert "Dumping Scrapy stats" in done.stderr  # the log stays where it was


def on_a_terminal(*args: str, database_url: str, sites_file: Path) -> tuple[int, str]:
    """Run ``scrapy ARGS`` with its stdout on a pseudo-terminal (120 columns),
    its log piped; its exit code and what the terminal got."""
    master, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 120, 0, 0))
    process = subprocess.Popen(
        [sys.executable, "-m", "scrapy", *args],
        cwd=ROOT,
        env=project_env(database_url, sites_file),
        stdout=terminal,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
    )
    os.close(terminal)
    shown = bytearray()
    while True:  # read as it comes: a full terminal would stop the crawl
        ready, _, _ = select.select([master], [], [], 1)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the crawl closed the terminal
                break
            if not chunk:
                break
            shown += chunk
        elif process.poll() is not None:
            break
    os.close(master)
    _, stderr = process.communicate(timeout=120)
    assert b"Traceback" not in stderr, stderr[-3000:]
    return process.returncode, shown.decode("utf-8", errors="replace")


def test_a_progress_line_shows_on_a_terminal_and_not_in_a_pipe(
    portal: Portal, tmp_path: Path
) -> None:
    url = sqlite_url(tmp_path)
    code, shown = on_a_terminal(*CRAWL, *FAST, database_url=url, sites_file=portal.sites_file)
    assert code == 0, shown[-3000:]
    assert PROGRESS.search(shown), shown[-3000:]
    assert SUMMARY.search(shown), shown[-3000:]  # the summary follows it
    piped = scrapy(*CRAWL, *FAST, database_url=url, sites_file=portal.sites_file)
    assert piped.returncode == 0, piped.stderr[-3000:]
    assert not PROGRESS.search(piped.stdout + piped.stderr), piped.stdout
    assert SUMMARY.fullmatch(piped.stdout.strip()), piped.stdout


def stop(process: subprocess.Popen[str], how: signal.Signals) -> None:
    """Ctrl-C in a terminal reaches the crawl's process group; SIGTERM, as
    ``kill`` sends it, the crawl's process alone."""
    if how == signal.SIGINT:
        os.killpg(process.pid, how)
    else:
        os.kill(process.pid, how)


@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_a_stopped_crawl_ends_with_a_line_saying_the_same_command_resumes(
    portal: Portal, tmp_path: Path, how: signal.Signals
) -> None:
    url = sqlite_url(tmp_path)
    Archive.open(url).close()
    process = start(portal, url, *SLOW)
    wait_for_captures(url, 5, process)
    stop(process, how)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == EXIT_FAILED, stderr[-3000:]
    matched = SUMMARY.fullmatch(stdout.strip().splitlines()[-1])
    assert matched, stdout
    assert matched.group(2) == "shutdown" and matched.group(7) == f"; {STOPPED}", stdout
    assert 0 < articles(url) < len(portal.portal.articles(SITE))

    again = scrapy(*CRAWL, *FAST, database_url=url, sites_file=portal.sites_file)
    assert again.returncode == 0, again.stderr[-3000:]
    archive = Archive.open(url)
    with archive.sessions() as session:
        fetched = session.scalars(query(Capture.url).where(Capture.outcome == "article")).all()
    archive.close()
    published = {portal.base_url + article.path for article in portal.portal.articles(SITE)}
    assert published <= set(fetched)
    assert len(fetched) == len(set(fetched))  # no article fetched again


def test_a_killed_run_shows_what_it_captured(portal: Portal, database_url: str) -> None:
    Archive.open(database_url).close()
    process = start(portal, database_url, *SLOW)
    wait_for_captures(database_url, 5, process)
    os.killpg(process.pid, signal.SIGKILL)
    process.communicate(timeout=30)
    captured = captures(database_url)
    archive = Archive.open(database_url)
    with archive.sessions() as session:
        new = session.scalar(query(func.count()).select_from(Article)) or 0
    archive.close()
    listing = scrapy("runs", database_url=database_url, sites_file=portal.sites_file)
    assert listing.returncode == 0, listing.stderr
    heads, run = (line.split() for line in listing.stdout.splitlines()[:2])
    shown = dict(zip(heads[heads.index("status") :], run[run.index("interrupted") :], strict=False))
    assert (shown["pages"], shown["new"]) == (str(captured), str(new)), listing.stdout
    assert captured >= 5 and new >= 1


def test_runs_problems_exits_non_zero_when_it_lists_a_problem(
    database_url: str, tmp_path: Path
) -> None:
    archive = Archive.open(database_url)
    site = archive.site_id("news", None, "http://news.example/?page={page}")
    archive.runs.finish(archive.runs.start(site, "daily", None, None), "finished", RunCounts())
    sites_file = tmp_path / "sites.yaml"
    healthy = scrapy("runs", "--problems", database_url=database_url, sites_file=sites_file)
    assert (healthy.returncode, healthy.stdout) == (0, "no problem in the last runs\n")

    run = archive.runs.start(site, "daily", None, None)
    archive.runs.finish(run, "no_articles", RunCounts(), "list page 1 links to no article")
    other = archive.site_id("other", None, "http://other.example/?page={page}")
    stopped = archive.runs.start(other, "daily", None, None)
    archive.runs.finish(stopped, "shutdown", RunCounts())  # stopped by Ctrl-C
    archive.close()
    problems = scrapy("runs", "--problems", database_url=database_url, sites_file=sites_file)
    assert problems.returncode == EXIT_FAILED, problems.stderr
    assert problems.stdout.splitlines()[-2:] == [
        f"run {run} news no_articles: list page 1 links to no article",
        f"run {stopped} other shutdown: {STOPPED}",
    ]


def test_runs_of_an_unknown_site_exits_2_in_one_line(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path)
    archive = Archive.open(url)
    archive.site_id("news", None, "http://news.example/?page={page}")
    archive.close()
    sites_file = tmp_path / "sites.yaml"
    unknown = scrapy("runs", "--site", "nope", database_url=url, sites_file=sites_file)
    assert one_error(unknown, EXIT_USAGE) == "--site 'nope': no such site in the archive"
    known = scrapy("runs", "--site", "news", database_url=url, sites_file=sites_file)
    assert (known.returncode, known.stdout) == (0, "no runs of news yet\n")
