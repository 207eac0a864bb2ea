"""End to end, on SQLite and PostgreSQL: a page with no readable date is
undated, never outside a backfill's window; a backfill whose articles are all
undated keeps them and ends ``undated`` with exit code 8, saying why."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from crawler.exit_codes import EXIT_UNDATED
from sample_portal import SamplePortal, serve
from sample_portal.form_boards import ASPNET
from storage.archive import Archive
from storage.models import Article, Capture, CrawlRun, Outcome
from storage.run_records import RunStatus
from tests.conftest import FAST, scrapy


def test_a_backfill_of_undated_pages_ends_undated(database_url: str, tmp_path: Path) -> None:
    sample = SamplePortal(
        articles_per_site=25,
        per_page=10,
        sites=["generic"],
        form_boards=True,
        dated_form_boards=False,
    )
    with serve(sample) as base_url:
        sites_file = tmp_path / "sites.yaml"
        sites_file.write_text(sample.sites_yaml(base_url, list_url_only=True), encoding="utf-8")
        window = ["-a", "since=2010-01-01", "-a", "until=2024-12-31"]
        result = scrapy(
            "crawl", "portal", "-a", f"site={ASPNET}", *window, *FAST,
            database_url=database_url, sites_file=sites_file,
        )  # fmt: skip
    assert result.returncode == EXIT_UNDATED, result.stderr[-3000:]
    assert "none of the 25 articles read had a readable date" in result.stderr
    archive = Archive.open(database_url)
    try:
        with archive.sessions() as session:
            run = session.scalars(select(CrawlRun)).one()
            outcomes = list(session.scalars(select(Capture.outcome)))
            articles = list(session.scalars(select(Article)))
    finally:
        archive.close()
    assert run.status == RunStatus.UNDATED and run.exit_code == EXIT_UNDATED
    assert run.reason is not None and "readable date" in run.reason
    assert Outcome.OUTSIDE_WINDOW not in outcomes
    assert len(articles) == 25 and all(a.published is None for a in articles)
