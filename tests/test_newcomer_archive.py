"""What an archivist's first week met, each now one line or the right output:
a damaged SQLite archive (a page overwritten in its middle) and an
unreachable PostgreSQL named by every command, a read-only archive read by
the reading commands and refused by the writing ones with the fix, export's
reversed window and folder given as its file, ``&`` in JSON Lines, probe's
singular and plural, and PostgreSQL tests skipped with one line when no
server is named."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from crawler.probing import ListPageSeen, ProbeReport
from pipelines.extraction import ExtractedArticle
from storage.database import open_database
from storage.types import SEOUL
from tests.conftest import POSTGRES_ENV, ROOT, SERVERS_ENV, free_port, scrapy, start_scrapy
from tests.test_archive_faults import read_only
from tests.test_browse import answer
from tests.test_search import STORIES, build

SITE = "daejeon"  # a site of the built archive, named in sites.yaml too
# every command that opens the archive and ends by itself
COMMANDS = {
    "export": ("export", "-o", "{out}/articles.jsonl"),
    "export warc": ("export", "-o", "{out}/captures.warc.gz"),
    "sites": ("sites",),
    "failures": ("failures",),
    "runs": ("runs",),
    "reextract": ("reextract",),
    "fixture": ("fixture", "--capture", "1"),
    "crawl": ("crawl", "portal", "-a", f"site={SITE}"),
    "daily": ("daily", SITE),
}
READING = ("export", "export warc", "sites", "failures", "runs")
WRITING = ("reextract", "crawl", "daily")


@pytest.fixture
def archive_file(tmp_path: Path) -> Path:
    """A real archive of three articles, closed, and a sites.yaml naming its
    site at a port that never answers (no command here gets to fetch)."""
    folder = tmp_path / "archive"
    folder.mkdir()
    path = folder / "newsarchive.db"
    build(f"sqlite:///{path}").close()
    (tmp_path / "out").mkdir()
    (tmp_path / "sites.yaml").write_text(
        f"sites:\n- name: {SITE}\n  list_url: http://127.0.0.1:9/?page={{page}}\n",
        encoding="utf-8",
    )
    return path


def run(name: str, url: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    args = [arg.format(out=tmp_path / "out") for arg in COMMANDS[name]]
    return scrapy(*args, database_url=url, sites_file=tmp_path / "sites.yaml")


def error_line(done: subprocess.CompletedProcess[str]) -> str:
    """The one error line a command printed (crawls log Scrapy's start above it)."""
    assert done.returncode == 2, done.stderr[-3000:]
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    said = [line for line in done.stderr.splitlines() if line.startswith("newsarchive: error: ")]
    assert len(said) == 1, done.stderr[-3000:]
    return said[0]


def overwrite_pages(path: Path, tables: tuple[str, ...]) -> None:
    """Overwrite with garbage the root pages of ``tables`` and of their indexes:
    pages in the file's middle that every command reads, whether a query walks
    the table or answers from one of its indexes alone."""
    with sqlite3.connect(path) as connection:
        page_size = connection.execute("PRAGMA page_size").fetchone()[0]
        marks = ", ".join("?" for _ in tables)
        roots = [
            root
            for (root,) in connection.execute(
                f"SELECT rootpage FROM sqlite_schema WHERE tbl_name IN ({marks}) AND rootpage > 0",
                tables,
            )
        ]
    connection.close()
    assert roots
    with path.open("r+b") as file:
        for root in roots:
            assert root > 1  # never the header page
            file.seek((root - 1) * page_size)
            file.write(b"\xde\xad\xbe\xef" * (page_size // 4))


@pytest.mark.parametrize("name", list(COMMANDS))
def test_a_damaged_archive_is_named_in_one_line(
    name: str, archive_file: Path, tmp_path: Path
) -> None:
    overwrite_pages(archive_file, ("sites", "captures"))
    line = error_line(run(name, f"sqlite:///{archive_file}", tmp_path))
    assert f"archive {archive_file} is damaged (database disk image is malformed)" in line
    assert f'sqlite3 {archive_file} ".recover" | sqlite3 ' in line
    assert "restore newsarchive.db from a backup" in line
    assert not list((tmp_path / "out").iterdir())


@pytest.mark.parametrize("name", ["sites", "crawl"])
def test_an_unreachable_postgresql_is_named_with_its_host_and_port(
    name: str, archive_file: Path, tmp_path: Path
) -> None:
    # port 1 of loopback: refused at once
    line = error_line(run(name, "postgresql://archivist:s3cret@127.0.0.1:1/news", tmp_path))
    assert "cannot open archive 'postgresql://archivist:***@127.0.0.1:1/news'" in line
    assert "PostgreSQL server on 127.0.0.1:1 is running" in line
    assert "s3cret" not in line


@pytest.fixture
def read_only_folder(archive_file: Path) -> Iterator[Path]:
    """The archive in a folder no one may write to: its WAL ``-shm`` cannot be made."""
    with read_only(archive_file.parent):
        yield archive_file


@pytest.mark.parametrize("name", READING)
def test_a_read_only_archive_is_read(name: str, read_only_folder: Path, tmp_path: Path) -> None:
    done = run(name, f"sqlite:///{read_only_folder}", tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    assert not done.stderr
    assert done.stdout.strip()


@pytest.mark.parametrize("name", WRITING)
def test_a_read_only_archive_is_refused_by_a_writing_command_with_the_fix(
    name: str, read_only_folder: Path, tmp_path: Path
) -> None:
    line = error_line(run(name, f"sqlite:///{read_only_folder}", tmp_path))
    folder = read_only_folder.parent
    assert f"is not writable (unable to open database file): its folder {folder} " in line
    assert "is read-only and this command writes to the archive; make it writable" in line
    assert "export, sites, failures, runs and browse read it as it is" in line


@pytest.mark.parametrize("name", ["articles.jsonl", "articles.csv", "captures.warc.gz"])
def test_a_reversed_window_is_refused_and_writes_nothing(
    name: str, archive_file: Path, tmp_path: Path
) -> None:
    output = tmp_path / "out" / name
    done = scrapy(
        "export", "-o", str(output), "--since", "2024-03-02", "--until", "2024-03-01",
        database_url=f"sqlite:///{archive_file}", sites_file=tmp_path / "sites.yaml",
    )  # fmt: skip
    line = error_line(done)
    assert "--since 2024-03-02 is after --until 2024-03-01: the window holds no day" in line
    assert not list((tmp_path / "out").iterdir())


@pytest.mark.parametrize("folder", ["out", "out/", "new/"])
def test_a_folder_given_as_the_export_file_is_said_to_be_one(
    folder: str, archive_file: Path, tmp_path: Path
) -> None:
    given = f"{tmp_path}/{folder}"
    done = scrapy(
        "export", "-o", given,
        database_url=f"sqlite:///{archive_file}", sites_file=tmp_path / "sites.yaml",
    )  # fmt: skip
    line = error_line(done)
    assert f"-o {given}: that is a folder; name the file to write in it" in line
    assert f"-o {Path(given) / 'articles.jsonl'}" in line
    assert not list((tmp_path / "out").iterdir())
    assert not (tmp_path / "new").exists()
    helped = scrapy("export", "-h", database_url="sqlite://", sites_file=tmp_path / "sites.yaml")
    assert "a folder is refused" in " ".join(helped.stdout.split())


def test_json_lines_keep_the_ampersand_greppable(tmp_path: Path) -> None:
    from storage.export import ExportFilter, export

    url = f"sqlite:///{tmp_path / 'archive.db'}"
    build(url).close()
    engine = open_database(url)
    title = '경산 R&D 센터 <script>alert("x")</script>'
    with engine.begin() as connection:
        connection.execute(text("UPDATE articles SET title = :t WHERE id = 1"), {"t": title})
    output = tmp_path / "articles.jsonl"
    export(engine, output, ExportFilter())
    engine.dispose()
    raw = output.read_bytes().decode("utf-8")
    line = next(line for line in raw.splitlines() if "R&D" in line)
    assert "\\u0026" not in raw
    assert "경산 R&D 센터" in line  # Korean as it is, & as it is
    assert "<" not in line and ">" not in line  # no live markup
    assert json.loads(line)["title"] == title


def probe_lines(paragraphs: tuple[str, ...], links: int) -> str:
    """The probe's report of list page 1 with ``links`` links, and one article."""
    report = ProbeReport("gyeongil", "http://x.example/list?page={page}", site_title="경일신문")
    urls = [f"http://x.example/{number}" for number in range(1, links + 1)]
    report.list_pages.append(ListPageSeen(1, "http://x.example/list?page=1", urls, []))
    published = datetime(2024, 3, 1, 9, 30, tzinfo=SEOUL)
    article = ExtractedArticle(urls[0], "제목", None, published, paragraphs)
    report.add_article(urls[0], article, None, None)
    return "\n".join(report.lines())


def test_probe_counts_in_singular_and_plural() -> None:
    one = probe_lines(("한 문단.",), links=1)
    assert "list page 1: 1 article link (1 in the main list, 0 elsewhere)" in one
    assert "body: 5 characters, 1 paragraph\n" in one
    two = probe_lines(("가.", "나."), links=2)
    assert "list page 1: 2 article links (2 in the main list, 0 elsewhere)" in two
    assert "body: 6 characters, 2 paragraphs\n" in two


def pytest_without_postgresql(**more: str) -> subprocess.CompletedProcess[str]:
    """One PostgreSQL test run by pytest, on a machine without the server (and,
    unless ``more`` sets it, without ``.ci/run``'s demand for every server)."""
    env = {
        key: value for key, value in os.environ.items() if key not in (POSTGRES_ENV, SERVERS_ENV)
    }
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider",
         "tests/test_export.py::test_csv[postgresql]"],
        cwd=ROOT, env={**env, **more}, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


def test_postgresql_tests_are_skipped_with_one_line_without_a_server() -> None:
    done = pytest_without_postgresql()
    assert done.returncode == 0, done.stdout[-3000:]
    skipped = [line for line in done.stdout.splitlines() if line.startswith("SKIPPED")]
    assert len(skipped) == 1, done.stdout[-3000:]
    assert f"no PostgreSQL server: set {POSTGRES_ENV}" in skipped[0]
    assert "1 skipped" in done.stdout and "error" not in done.stdout


def test_where_every_server_is_required_a_missing_one_fails_the_test() -> None:
    done = pytest_without_postgresql(**{SERVERS_ENV: "required"})
    assert done.returncode == 1, done.stdout[-3000:]
    assert f"no PostgreSQL server: set {POSTGRES_ENV}" in done.stdout
    assert "1 error" in done.stdout and "skipped" not in done.stdout  # failed in its set-up


def test_a_read_only_archive_is_browsed(read_only_folder: Path, tmp_path: Path) -> None:
    port = free_port()
    process = start_scrapy(
        "browse", "--port", port,
        database_url=f"sqlite:///{read_only_folder}", sites_file=tmp_path / "sites.yaml",
    )  # fmt: skip
    try:
        status, body, _ = answer(
            process, f"http://127.0.0.1:{port}/newsarchive/article_index.json?_shape=array"
        )
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=60)
    assert status == 200, body[:2000]
    assert {row["title"] for row in json.loads(body)} == {story[2] for story in STORIES}
