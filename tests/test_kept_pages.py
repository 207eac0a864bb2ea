"""End to end: a run keeps the pages no article's capture keeps, robots.txt,
its list pages, feeds and sitemaps, and the stylesheets and scripts the
site's pages link (fetched once a run), as ``page`` captures whose bytes are
kept once by digest; they leave the runs' counts alone and are exported to
the WARC; against the sample portal on 127.0.0.1, into SQLite and PostgreSQL."""

from __future__ import annotations

import json
import subprocess
import zipfile
import zlib
from pathlib import Path

from sqlalchemy import func, select
from warcio.archiveiterator import ArchiveIterator

from storage.archive import Archive
from storage.models import Capture, CrawlRun, Payload
from tests import test_feeds_crawl
from tests.conftest import FAST, Portal, scrapy

SITE = "newscms"
# what the newscms sample's pages link (the sample portal does not serve them: 404s, kept as such)
LINKED = ("/css/common.css?v=20240101", "/js/jquery.min.js")


# the three sites with 120 articles each, feeds and sitemaps
portal = test_feeds_crawl.portal


def crawl(portal: Portal, database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    result = scrapy(
        "crawl", "portal", "-a", f"site={SITE}", *args, *FAST,
        database_url=database_url, sites_file=portal.sites_file,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def kept_pages(database_url: str) -> list[Capture]:
    archive = Archive.open(database_url)
    try:
        with archive.sessions() as session:
            pages = select(Capture).where(Capture.outcome == "page").order_by(Capture.id)
            return list(session.scalars(pages))
    finally:
        archive.close()


def paths(portal: Portal, captures: list[Capture], run_id: int) -> set[str]:
    return {c.url.removeprefix(portal.base_url) for c in captures if c.run_id == run_id}


def test_a_daily_run_keeps_robots_txt_its_list_pages_and_feeds(
    portal: Portal, database_url: str
) -> None:
    crawl(portal, database_url)
    pages = kept_pages(database_url)
    list_pages = {path for path in portal.portal.hits if "page=" in path}
    feeds = {path for path in portal.portal.hits if path.startswith("/rss/")}
    assert list_pages and feeds
    assert paths(portal, pages, 1) == {"/robots.txt", *list_pages, *feeds, *LINKED}
    assert len(pages) == len(paths(portal, pages, 1))  # each once
    for page in pages:
        assert page.found_by is None and page.published is None
        assert page.request is not None and page.response_headers  # the exchange as received
        # the bytes once by digest (none of the sample's answers is content-encoded)
        assert page.body_zlib == b"" and page.sha256 and page.payload is None
    robots = next(p for p in pages if p.url.endswith("/robots.txt"))
    archive = Archive.open(database_url)
    try:
        with archive.sessions() as session:
            kept = session.get(Payload, robots.sha256)
            assert kept is not None and b"User-agent" in zlib.decompress(kept.body_zlib)
    finally:
        archive.close()


def test_a_backfill_keeps_the_sitemaps_it_reads(portal: Portal, database_url: str) -> None:
    crawl(portal, database_url, "-a", "since=2024-03-01", "-a", "until=2024-03-10")
    kept = paths(portal, kept_pages(database_url), 1)
    sitemaps = {path for path in portal.portal.hits if path.startswith("/sitemap")}
    assert sitemaps and sitemaps <= kept


def test_an_unchanged_list_page_is_kept_once_and_the_runs_counts_are_unchanged(
    portal: Portal, database_url: str
) -> None:
    crawl(portal, database_url)
    crawl(portal, database_url)
    pages = kept_pages(database_url)
    first = [p for p in pages if p.run_id == 1 and p.url.endswith("page=1")]
    again = [p for p in pages if p.run_id == 2 and p.url.endswith("page=1")]
    assert len(first) == len(again) == 1 and first[0].sha256 == again[0].sha256
    archive = Archive.open(database_url)
    try:
        with archive.sessions() as session:
            digests = session.scalars(select(Capture.sha256).where(Capture.sha256.is_not(None)))
            payloads = session.scalar(select(func.count()).select_from(Payload))
            runs = session.scalars(select(CrawlRun).order_by(CrawlRun.id)).all()
            assert payloads == len(set(digests))  # each one's bytes once
            assert [(r.pages, r.new) for r in runs] == [(120, 120), (0, 0)]
        # `scrapy runs` recounts the runs from their captures: the same
        listed = sorted(archive.runs.listing(SITE), key=lambda summary: summary.id)
        assert [(summary.pages, summary.new) for summary in listed] == [(120, 120), (0, 0)]
    finally:
        archive.close()


def test_stylesheets_and_scripts_are_fetched_once_a_run(portal: Portal, database_url: str) -> None:
    crawl(portal, database_url)
    crawl(portal, database_url)
    for path in LINKED:  # linked by every page of the site
        assert portal.portal.hits[path] == 2
    kept = kept_pages(database_url)
    assert all(LINKED[0] in paths(portal, kept, run) for run in (1, 2))


def test_the_warc_export_holds_the_kept_pages(
    portal: Portal, database_url: str, tmp_path: Path
) -> None:
    crawl(portal, database_url)
    crawl(portal, database_url)
    warc = tmp_path / "portal.warc.gz"
    export = scrapy(
        "export", "-o", str(warc), database_url=database_url, sites_file=portal.sites_file
    )
    assert export.returncode == 0, export.stderr[-2000:]
    records: dict[str, list[str]] = {}
    with warc.open("rb") as stream:
        for record in ArchiveIterator(stream):
            uri = record.rec_headers.get_header("WARC-Target-URI")
            if record.rec_type in ("response", "revisit"):
                records.setdefault(uri, []).append(record.rec_type)
    robots = portal.base_url + "/robots.txt"
    list_page = portal.base_url + "/news/section_list_all.html?page=1"
    # the second run's identical answers are revisits of the first's
    assert records[robots] == records[list_page] == ["response", "revisit"]
    wacz = tmp_path / "portal.wacz"
    export = scrapy(
        "export", "-o", str(wacz), database_url=database_url, sites_file=portal.sites_file
    )
    assert export.returncode == 0, export.stderr[-2000:]
    with zipfile.ZipFile(wacz) as package:
        lines = package.read("pages/pages.jsonl").decode().splitlines()[1:]
    listed = {json.loads(line)["url"] for line in lines}
    articles = {portal.base_url + a.path for a in portal.portal.articles(SITE)}
    assert listed == articles  # the WACZ's pages are the articles alone
