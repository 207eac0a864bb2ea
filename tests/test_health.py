"""Per-site health: ``scrapy sites`` (one line per site) and ``scrapy
failures`` (URLs every try of which failed, with reason and tries) against an
archive with failed, settled and not-article pages."""

from __future__ import annotations

import zlib
from datetime import datetime
from pathlib import Path

import pytest

from storage.archive import Archive, RunCounts
from storage.health import failures, site_health
from storage.models import Capture
from storage.types import SEOUL
from tests.conftest import scrapy
from tests.test_search import build


def capture(archive: Archive, site: str, url: str, outcome: str, error: str | None, hour: int):
    site_id = archive.site_id(site, None, f"http://{site}.example/?page={{page}}")
    run_id = archive.start_run(site_id, "daily", None, None)
    archive.save_page(
        Capture(
            site_id=site_id,
            run_id=run_id,
            url=url,
            final_url=url,
            status=None if outcome == "failed" else 404,
            headers={},
            body_zlib=zlib.compress(b""),
            fetched_at=datetime(2024, 3, 5, hour, tzinfo=SEOUL),
            outcome=outcome,
            error=error,
        ),
        None,
    )
    archive.finish_run(run_id, "finished", RunCounts(pages=1, failed=outcome == "failed"))


@pytest.fixture
def database(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'archive.db'}"
    archive = build(url)
    # gyeongil: one URL failed twice, one failed then came through; daejeon: a 404
    capture(archive, "gyeongil", "http://gyeongil.example/9", "failed", "timed out", 1)
    capture(archive, "gyeongil", "http://gyeongil.example/9", "failed", "HTTP 503", 2)
    capture(archive, "gyeongil", "http://gyeongil.example/8", "failed", "reset", 3)
    capture(archive, "gyeongil", "http://gyeongil.example/8", "not_article", "no body", 4)
    capture(archive, "daejeon", "http://daejeon.example/7", "not_article", "HTTP 404", 5)
    archive.close()
    return url


def test_site_health_counts(database: str) -> None:
    archive = Archive.open(database)
    try:
        health = {site.site: site for site in site_health(archive.engine)}
        (failure,) = failures(archive.engine)
    finally:
        archive.close()
    assert (health["gyeongil"].articles, health["gyeongil"].failed) == (2, 1)
    assert health["gyeongil"].not_article == 1
    assert health["gyeongil"].newest_published == datetime(2024, 3, 2, 8, 0, tzinfo=SEOUL)
    assert health["gyeongil"].last_run_status == "finished"
    assert (health["daejeon"].articles, health["daejeon"].failed) == (1, 0)
    assert (failure.url, failure.tries, failure.reason) == (
        "http://gyeongil.example/9",
        2,
        "HTTP 503",
    )


def test_sites_command(database: str, tmp_path: Path) -> None:
    done = scrapy("sites", database_url=database, sites_file=tmp_path / "sites.yaml")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split() == [
        "site",
        "articles",
        "last_run",
        "last_run_started",
        "newest_article",
        "failed",
        "not_article",
        "list_failed",
    ]
    daejeon = lines[1].split()
    # site, articles, last run, its start (a date, a time +09:00), newest article, counts
    assert daejeon[:3] == ["daejeon", "1", "finished"] and daejeon[4].endswith("+09:00")
    assert daejeon[5:] == ["2024-03-02", "23:59:00+09:00", "0", "1", "0"]
    assert lines[2].split()[:2] == ["gyeongil", "2"]
    assert lines[2].split()[-3:] == ["1", "1", "0"]
    assert "Korea time" in lines[3]


def test_failures_command(database: str, tmp_path: Path) -> None:
    sites = tmp_path / "sites.yaml"
    done = scrapy("failures", "--site", "gyeongil", database_url=database, sites_file=sites)
    assert done.returncode == 0, done.stderr
    heads, line = done.stdout.splitlines()
    assert heads.split() == ["site", "tries", "last_tried", "url", "reason"]
    assert line.split() == [
        "gyeongil",
        "2",
        "2024-03-05",
        "02:00:00+09:00",
        "http://gyeongil.example/9",
        "HTTP",
        "503",
    ]
    none = scrapy("failures", "--site", "daejeon", database_url=database, sites_file=sites)
    assert (none.returncode, none.stdout) == (0, "no failed page of daejeon\n")
    unknown = scrapy("failures", "--site", "nosuch", database_url=database, sites_file=sites)
    assert unknown.returncode == 2
    assert unknown.stderr == "newsarchive: error: no site 'nosuch' in the archive\n"
