"""Every query a run makes, per page or per run, reads its rows through an
index, on SQLite and PostgreSQL: its plan never scans a whole table that
grows with the archive (``EXPLAIN QUERY PLAN``; PostgreSQL's ``EXPLAIN``
with sequential scans switched off, so that a table without a usable index
is the one it still scans)."""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event

from crawler.archiving.boilerplate_learning import relearn
from pipelines.fingerprint import fingerprint
from sample_portal.content import Newsroom
from storage.archive import Archive
from storage.bulk import BulkArticle, load_articles
from storage.export import ExportFilter
from storage.models import Article, Capture, Outcome
from storage.run_records import RunCounts
from storage.site_boilerplate import in_force
from storage.types import SEOUL
from storage.warc import WarcInfo, export_warc

# the tables that grow with the archive (sites and boilerplate versions stay small)
GROWING = (
    "captures",
    "articles",
    "sightings",
    "minhash_bands",
    "crawl_runs",
    "run_list_pages",
    "article_end_lines",
)
# indexes that stay small: one row per running run
SMALL = ("Index Scan using uq_crawl_runs_running_site on crawl_runs",)
FETCHED = datetime(2026, 11, 2, 9, 0, tzinfo=SEOUL)
SITE = "gyeongil"
SITES = 10
ARTICLES = 300
FAILED = 20
PROMO = ("경일신문을 구독해 주셔서 고맙습니다.",)  # a line ending some of SITE's articles

Statement = tuple[str, Any]


@pytest.fixture
def archive(database_url: str) -> Iterator[Archive]:
    """An archive of ``SITES`` sites, ``SITE`` the last, each with ``ARTICLES``
    articles (one page of each, fetched ten minutes apart, a site's after the
    one before) and ``FAILED`` failed pages; with the tables' statistics, as
    PostgreSQL's autovacuum keeps them (and its visibility map)."""
    opened = Archive.open(database_url)
    for number in range(SITES):
        name = SITE if number == SITES - 1 else f"other{number}"
        site_id = opened.site_id(name, "gnuboard5", f"http://{name}.example/?page={{page}}")
        run_id = opened.start_run(site_id, "backfill", None, None)
        first = number * ARTICLES
        load_articles(
            opened.engine, [bulk(site_id, run_id, n) for n in range(first, first + ARTICLES)]
        )
        for n in range(FAILED):
            url = f"http://{name}.example/gone/{n}"
            opened.save_page(capture(site_id, run_id, url, Outcome.FAILED, FETCHED), None)
        opened.finish_run(run_id, "finished", RunCounts())
    analyze(opened)
    yield opened
    opened.close()


def analyze(archive: Archive) -> None:
    """The tables' statistics, as PostgreSQL's autovacuum keeps them."""
    postgresql = archive.engine.dialect.name == "postgresql"
    with archive.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM ANALYZE" if postgresql else "ANALYZE")


def bulk(site_id: int, run_id: int | None, n: int, ending: tuple[str, ...] = ()) -> BulkArticle:
    """Article ``n`` of a site: short, so its fingerprint is a hash alone
    (its paragraphs ``ending`` it)."""
    title = f"경산 소식 {n}"
    body = "\n\n".join((f"경산시가 {n}번째 사업을 시작했다.", *ending))
    when = FETCHED + timedelta(minutes=10 * n)
    return BulkArticle(
        site_id=site_id,
        run_id=run_id,
        url=f"http://{site_id}.example/news/{n}",
        title=title,
        body=body,
        published=when,
        fetched_at=when,
        page=f"<html><h1>{title}</h1><p>{body}</p></html>".encode(),
        fingerprint=fingerprint(title, body),
    )


def capture(site_id: int, run_id: int, url: str, outcome: str, when: datetime) -> Capture:
    return Capture(
        site_id=site_id,
        run_id=run_id,
        url=url,
        final_url=url,
        status=200 if outcome != Outcome.FAILED else None,
        headers={"Content-Type": "text/html; charset=utf-8"},
        body_zlib=zlib.compress(b"<html></html>"),
        fetched_at=when,
        outcome=outcome,
        published=when if outcome == Outcome.ARTICLE else None,
    )


def statements(engine: Engine, work: Callable[[], object]) -> list[Statement]:
    """The reads, updates and deletes ``work()`` sends to the database."""
    sent: list[Statement] = []

    def seen(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "UPDATE", "DELETE", "WITH")):
            sent.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", seen)
    try:
        work()
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert sent
    return sent


def plan(engine: Engine, statement: Statement) -> str:
    """The database's plan of ``statement``, one line per step."""
    sql, parameters = statement
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", parameters)
            return "\n".join(row[-1] for row in rows)
        connection.exec_driver_sql("SET enable_seqscan = off")
        rows = connection.exec_driver_sql(f"EXPLAIN {sql}", parameters)
        return "\n".join(row[0] for row in rows)


def full_scans(engine: Engine, plan_text: str) -> list[str]:
    """The growing tables ``plan_text`` reads whole, row by row."""
    if engine.dialect.name == "sqlite":
        # a table's every row, in rowid or some index's order
        scanned = re.findall(r"^SCAN (\w+)", plan_text, re.MULTILINE)
    else:
        # a sequential scan, or an index read whole (no condition on it) when
        # nothing stops the read early (a top-N read in index order stops at N)
        scanned = re.findall(r"Seq Scan on (\w+)", plan_text)
        lines = [] if plan_text.startswith("Limit") else plan_text.splitlines()
        for number, line in enumerate(lines):
            found = re.search(r"Index (?:Only )?Scan (?:Backward )?using \w+ on (\w+)", line)
            if found and found[0] not in SMALL and not _has_index_condition(lines, number):
                scanned.append(found[1])
    return [table for table in scanned if table in GROWING]


def _has_index_condition(lines: list[str], node: int) -> bool:
    """Whether the plan node on ``lines[node]`` has an ``Index Cond`` among its
    details (the lines down to the next node, marked ``->``)."""
    for line in lines[node + 1 :]:
        if "->" in line:
            return False
        if "Index Cond:" in line:
            return True
    return False


def assert_indexed(engine: Engine, work: Callable[[], object]) -> list[str]:
    """``work()``'s statements never scan a growing table; their plans."""
    plans = []
    for statement in statements(engine, work):
        text = plan(engine, statement)
        assert full_scans(engine, text) == [], f"{statement[0]}\n--\n{text}"
        plans.append(text)
    return plans


def test_a_sites_failed_urls_are_read_through_an_index(archive: Archive) -> None:
    plans = assert_indexed(archive.engine, lambda: archive.failed_urls(SITE, 3))
    assert len(archive.failed_urls(SITE, 3)) == FAILED
    assert any("ix_captures_site_outcome_url" in text for text in plans), plans


def test_a_pages_lookups_and_writes_are_read_through_indexes(archive: Archive) -> None:
    site_id = archive.site_id(SITE, "gnuboard5", f"http://{SITE}.example/?page={{page}}")
    run_id = archive.start_run(site_id, "daily", None, None)
    urls = [f"http://{site_id}.example/news/{n}" for n in range(0, ARTICLES, ARTICLES // 8)]

    def a_page() -> None:
        archive.archived_dates(urls)
        archive.not_articles(urls)
        archive.record_sightings(site_id, {urls[0]: ["http://x.example/?page=1"]}, FETCHED)
        archive.runs.record_list_page(run_id, 1, "http://x.example/?page=1", "gnuboard5", urls)
        archive.runs.heartbeat(run_id, RunCounts())
        archive.runs.resume_point(SITE, "daily", None, None)
        row = Article(
            site_id=site_id,
            url="http://x.example/news/new",
            title="새 소식",
            published=FETCHED,
            body="새 사업.",
            content_hash="f" * 64,
            extractor_version="1",
        )
        page = capture(site_id, run_id, row.url, Outcome.ARTICLE, FETCHED)
        archive.save_page(page, row)
        archive.finish_run(run_id, "finished", RunCounts())

    assert_indexed(archive.engine, a_page)


def test_relearning_reads_a_sites_newest_articles_and_its_lines_holders_by_index(
    archive: Archive,
) -> None:
    site_id = archive.site_id(SITE, "gnuboard5", f"http://{SITE}.example/?page={{page}}")
    # a line ending 30 more articles of the site, a day and more apart, among
    # another site's 1500 (stored in between); all long enough to be in the
    # near-duplicate index
    newsroom = Newsroom(3)
    other = archive.site_id("other0", "gnuboard5", "http://other0.example/?page={page}")
    articles = []
    for n in range(SITES * ARTICLES, (SITES + 5) * ARTICLES):
        if n % 50 == 0:
            ending = (*newsroom.story(SITE, FETCHED).paragraphs, *PROMO)
            articles.append(bulk(site_id, None, n * 4, ending=ending))
        articles.append(bulk(other, None, n, ending=newsroom.story("other0", FETCHED).paragraphs))
    load_articles(archive.engine, articles)
    analyze(archive)
    plans = assert_indexed(archive.engine, lambda: relearn(archive.engine, SITE, window=100))
    sqlite = archive.engine.dialect.name == "sqlite"
    window = (
        "SEARCH articles USING COVERING INDEX ix_articles_site_id_id (site_id=? AND id<?)"
        if sqlite
        else "Index Only Scan Backward using ix_articles_site_id_id on articles"
    )
    holders = (
        "SEARCH article_end_lines USING PRIMARY KEY (site_id=? AND line=? AND article_id>?)"
        if sqlite
        else "Index Only Scan using article_end_lines_pkey on article_end_lines"
    )
    assert any(window in text for text in plans), "\n\n".join(plans)
    assert any(holders in text for text in plans), "\n\n".join(plans)
    assert in_force(archive.engine, SITE).version == 1


def test_an_export_slice_reads_its_captures_by_publication_time(
    archive: Archive, tmp_path: Path
) -> None:
    info = WarcInfo.of("newsarchive-test", robots_obeyed=True)
    since = (FETCHED + timedelta(minutes=10 * SITES * ARTICLES)).date()  # SITE's last day

    def exports(wanted: ExportFilter) -> None:
        export_warc(archive.engine, tmp_path / "slice.warc.gz", wanted, info, 10**9)

    plans = assert_indexed(archive.engine, lambda: exports(ExportFilter(since=since)))
    assert any("ix_captures_published" in text for text in plans), plans
    assert any("ix_articles_capture_id" in text for text in plans), plans
    # one site's slice: by the site's captures or by publication time, never all
    plans = assert_indexed(archive.engine, lambda: exports(ExportFilter(site=SITE)))
    if archive.engine.dialect.name == "sqlite":  # in fetch order (PostgreSQL sorts a site's few)
        assert any("ix_captures_site_fetched_at" in text for text in plans), plans
    assert_indexed(archive.engine, lambda: exports(ExportFilter(site=SITE, since=since)))
