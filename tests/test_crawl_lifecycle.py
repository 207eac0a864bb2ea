"""The one crawl lifecycle (``crawler.crawl_lifecycle``) as ``scrapy demo``
runs it, as ``crawl`` and ``daily`` do: a site another live run holds is left
out with one line and the others crawl; each run's exit code is recorded with
it. (Boilerplate learning at a run's end, the same code for all three, is
shown by ``scrapy crawl`` in test_boilerplate: the demo's sample sites have
no template lines to learn.) The demo finds its sample sites without steering the spider through the
environment: the ``NEWSARCHIVE_SITES`` it is given names no file."""

from __future__ import annotations

from pathlib import Path

from crawler.exit_codes import EXIT_FAILED
from storage.archive import Archive
from storage.run_records import RunCounts
from tests.conftest import free_port, scrapy
from tests.test_daily import runs_by_site


def test_the_demo_leaves_a_busy_site_out_and_records_the_others_exit_codes(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    archive = Archive.open(url)
    holder_site = archive.site_id("generic", "generic", "http://127.0.0.1/blog/?page={page}")
    held = archive.runs.start(holder_site, "daily", None, None)  # a live run holds generic
    try:
        demo = scrapy(
            "demo", "--port", free_port(), "--articles", "12", "-o", str(tmp_path / "demo.jsonl"),
            database_url=url, sites_file=tmp_path / "no-such-sites.yaml",
        )  # fmt: skip
    finally:
        archive.runs.finish(held, "finished", RunCounts())
    errors = [line for line in demo.stderr.splitlines() if "newsarchive: error:" in line]
    assert len(errors) == 1 and "site 'generic' is already being crawled" in errors[0]
    assert demo.returncode == EXIT_FAILED  # generic is not archived
    runs = runs_by_site(url)
    assert [run.id for run in runs["generic"]] == [held]  # the lock held: no second run
    for site in ("gnuboard", "newscms"):
        (run,) = runs[site]
        assert (run.status, run.exit_code) == ("finished", 0), site
        assert run.new == 12 + (site == "gnuboard") * 2, site  # the board's 2 pinned notices
    archive.close()
