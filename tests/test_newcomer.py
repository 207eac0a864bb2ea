"""The rough edges a newcomer hit, each now one line and a non-zero exit (never
a traceback): export safety, unknown spiders and arguments, a read-only
archive, the demo's port and output, a missing PostgreSQL driver; and the
help, the demo's summary of what its run added, times labelled with their
zone."""

from __future__ import annotations

import logging
import socket
import sys
from pathlib import Path

import pytest
from scrapy.utils.project import get_project_settings

from storage.database import ArchiveUnavailable, create_archive_engine
from tests.conftest import Portal, free_port, scrapy
from tests.test_archive_faults import read_only
from tests.test_search import build


@pytest.fixture
def archive_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'archive.db'}"
    build(url).close()
    return url


def one_error(result, code: int = 2) -> str:  # type: ignore[no-untyped-def]
    """The one line a refused command printed (with its exit code)."""
    assert result.returncode == code, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr[-2000:]
    assert lines[0].startswith("newsarchive: error: ")
    return lines[0].removeprefix("newsarchive: error: ")


def run(*args: str, database_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    return scrapy(*args, database_url=database_url, sites_file=tmp_path / "sites.yaml")


# --- export safety ---------------------------------------------------------------


def test_export_of_an_unknown_site_names_it(archive_url: str, tmp_path: Path) -> None:
    output = tmp_path / "out.jsonl"
    done = run(
        "export", "-o", str(output), "--site", "nosuch", database_url=archive_url, tmp_path=tmp_path
    )
    assert one_error(done) == "--site 'nosuch': no such site in the archive"
    assert not output.exists()


def test_an_empty_selection_never_overwrites(archive_url: str, tmp_path: Path) -> None:
    output = tmp_path / "out.jsonl"
    output.write_text("earlier export\n", encoding="utf-8")
    done = run(
        "export",
        "-o",
        str(output),
        "--since",
        "2030-01-01",
        database_url=archive_url,
        tmp_path=tmp_path,
    )
    assert one_error(done, 1) == f"no article matches: nothing exported; {output} left as it was"
    assert output.read_text(encoding="utf-8") == "earlier export\n"


def test_export_into_a_missing_folder_is_refused(archive_url: str, tmp_path: Path) -> None:
    output = tmp_path / "no" / "out.csv"
    done = run("export", "-o", str(output), database_url=archive_url, tmp_path=tmp_path)
    assert one_error(done) == f"cannot write {output}: folder {output.parent} does not exist"


# --- tracebacks replaced -----------------------------------------------------------


def test_an_unknown_spider_is_one_line(archive_url: str, tmp_path: Path) -> None:
    done = run("crawl", "nosuch", database_url=archive_url, tmp_path=tmp_path)
    assert one_error(done) == "no spider 'nosuch': use portal"


def test_reextract_on_a_read_only_archive(tmp_path: Path) -> None:
    path = tmp_path / "archive.db"
    build(f"sqlite:///{path}").close()
    with read_only(path):
        done = run("reextract", database_url=f"sqlite:///{path}", tmp_path=tmp_path)
    line = one_error(done)
    assert "is not writable (attempt to write a readonly database)" in line


def test_demo_on_a_busy_or_impossible_port(archive_url: str, tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        busy = run("demo", "--port", str(port), database_url=archive_url, tmp_path=tmp_path)
    assert one_error(busy) == f"port {port} on 127.0.0.1 is in use: pick another with --port"
    wrong = run("demo", "--port", "0", database_url=archive_url, tmp_path=tmp_path)
    assert one_error(wrong) == "--port 0 is out of range: use 1 to 65535"


def test_demo_refuses_an_unknown_format_before_crawling(archive_url: str, tmp_path: Path) -> None:
    output = tmp_path / "demo.xml"
    done = run("demo", "-o", str(output), database_url=archive_url, tmp_path=tmp_path)
    assert one_error(done) == "cannot export to 'demo.xml': use a .jsonl or .csv file name"
    assert "crawling" not in done.stdout and not output.exists()


# --- argument messages -------------------------------------------------------------


def test_spider_arguments_are_named_without_python_internals(
    portal: Portal, archive_url: str
) -> None:
    misspelt = scrapy(
        "crawl",
        "portal",
        "-a",
        "site=gnuboard",
        "-a",
        "sinse=2024-01-01",
        database_url=archive_url,
        sites_file=portal.sites_file,
    )
    assert one_error(misspelt) == (
        "unknown argument -a sinse: the portal spider takes "
        "-a site=NAME, -a since=YYYY-MM-DD, -a until=YYYY-MM-DD"
    )
    unnamed = scrapy("crawl", "portal", database_url=archive_url, sites_file=portal.sites_file)
    assert one_error(unnamed) == "name the site to crawl: -a site=NAME"
    assert sum(portal.portal.hits.values()) == 0


def test_impossible_counts_are_refused(archive_url: str, tmp_path: Path) -> None:
    workers = run("reextract", "--workers", "-3", database_url=archive_url, tmp_path=tmp_path)
    assert one_error(workers) == "--workers -3: give 0 (extract here) or more"
    limit = run("runs", "--limit", "0", database_url=archive_url, tmp_path=tmp_path)
    assert one_error(limit) == "--limit 0: show at least 1 run"


def test_a_missing_postgresql_driver_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if never installed
    with pytest.raises(ArchiveUnavailable, match=r"run: pip install -e '\.\[postgresql\]'"):
        create_archive_engine("postgresql://newsarchive@127.0.0.1:1/archive")


# --- help, summaries, times ----------------------------------------------------------


def test_crawl_help_documents_the_arguments_and_exit_codes(
    archive_url: str, tmp_path: Path
) -> None:
    done = run("crawl", "-h", database_url=archive_url, tmp_path=tmp_path)
    assert done.returncode == 0
    text = " ".join(done.stdout.split())
    assert "scrapy crawl portal -a site=NAME [-a since=YYYY-MM-DD [-a until=YYYY-MM-DD]]" in text
    for code in (
        "0 the run finished",
        "2 bad arguments",
        "3 the site is being crawled",
        "4 no article link",
        "5 no list page",
        "6 the site never answered",
    ):
        assert code in text


def test_the_demo_says_what_its_run_added(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    output = tmp_path / "demo.csv"
    demo = ("demo", "--port", free_port(), "--articles", "4", "-o", str(output))
    first = run(*demo, database_url=url, tmp_path=tmp_path)
    assert first.returncode == 0, first.stderr[-2000:]
    assert "this run added 14 articles; the archive holds 14 of the 14" in first.stdout
    again = run(*demo, database_url=url, tmp_path=tmp_path)
    assert again.returncode == 0, again.stderr[-2000:]
    assert "this run added 0 articles; the archive holds 14 of the 14" in again.stdout
    lines = again.stdout.splitlines()
    head = next(n for n, line in enumerate(lines) if line.startswith("site "))  # its table
    rows = {line.split()[0]: line.split()[1:] for line in lines[head + 1 : head + 4]}
    # published, new, unchanged (archived before), failed, archived
    assert rows["gnuboard"] == ["6", "0", "6", "0", "6"]
    assert rows["newscms"] == ["4", "0", "4", "0", "4"]


def test_times_are_labelled_with_their_zone(archive_url: str, tmp_path: Path) -> None:
    done = run("runs", database_url=archive_url, tmp_path=tmp_path)
    assert done.returncode == 0
    first_run = done.stdout.splitlines()[1]
    assert first_run.count("+09:00") == 2  # started and finished
    settings = get_project_settings()
    formatter = logging.Formatter(settings["LOG_FORMAT"], settings["LOG_DATEFORMAT"])
    line = formatter.format(logging.makeLogRecord({"name": "crawl", "msg": "x"}))
    assert line[19:24].startswith(("+", "-")) and line[20:24].isdigit()  # e.g. +0900
