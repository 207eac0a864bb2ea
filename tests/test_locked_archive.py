"""A locked SQLite archive makes its writers wait, never stops a run: ten
sites' daily runs in one ``scrapy daily`` process, relearning their
boilerplate at the end, while another writer keeps taking the archive's lock
(once for longer than SQLite's own wait), all finish and archive everything."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from sample_portal import SamplePortal, serve
from storage.archive import Archive
from tests.conftest import FAST, scrapy
from tests.test_boilerplate import PROMO
from tests.test_daily import runs_by_site

SKINS = range(1, 8)  # with the portal's three sites, ten
ARTICLES = 8  # a site's, enough for its promo lines to be learned
SHORT_HOLD = 0.5  # seconds the other writer holds the lock, most times
LONG_HOLD = 35.0  # once, longer than the archive's busy timeout (30 s)
BETWEEN = 0.2  # seconds between its transactions


class SlowWriter(threading.Thread):
    """Another writer on the archive: a transaction holding the write lock
    (``BEGIN IMMEDIATE`` ... ``COMMIT``) for ``SHORT_HOLD`` seconds, again and
    again; the first one after the crawl archived a page holds it ``LONG_HOLD``."""

    def __init__(self, path: Path) -> None:
        super().__init__(daemon=True)
        self.path = path
        self.stopping = threading.Event()
        self.held = 0
        self.held_long = False

    def run(self) -> None:
        connection = sqlite3.connect(self.path, isolation_level=None, timeout=600)
        try:
            while not self.stopping.is_set():
                connection.execute("BEGIN IMMEDIATE")
                connection.execute("UPDATE alembic_version SET version_num = version_num")
                long = not self.held_long and self._pages(connection) > 0
                self.stopping.wait(LONG_HOLD if long else SHORT_HOLD)
                connection.execute("COMMIT")
                self.held += 1
                self.held_long |= long
                self.stopping.wait(BETWEEN)
        finally:
            connection.close()

    @staticmethod
    def _pages(connection: sqlite3.Connection) -> int:
        return connection.execute("SELECT count(*) FROM captures").fetchone()[0]


@pytest.fixture
def slow_writer(tmp_path: Path) -> Iterator[SlowWriter]:
    path = tmp_path / "archive.db"
    Archive.open(f"sqlite:///{path}").close()
    writer = SlowWriter(path)
    writer.start()
    yield writer
    writer.stopping.set()
    writer.join()


def test_ten_sites_wait_for_a_locked_archive_and_all_finish(
    slow_writer: SlowWriter, tmp_path: Path
) -> None:
    database_url = f"sqlite:///{slow_writer.path}"
    portal = SamplePortal(articles_per_site=ARTICLES, skins=SKINS, template_lines=PROMO)
    sites = [*portal.sites, *portal.skins]
    assert len(sites) == 10
    with serve(portal) as base_url:
        sites_file = tmp_path / "sites.yaml"
        sites_file.write_text(portal.sites_yaml(base_url), encoding="utf-8")
        done = scrapy("daily", *sites, *FAST, database_url=database_url, sites_file=sites_file,
                      timeout=900)  # fmt: skip
    slow_writer.stopping.set()
    slow_writer.join()
    assert slow_writer.held_long and slow_writer.held > 1  # the lock was taken, long and often
    assert done.returncode == 0, done.stderr[-3000:]
    assert "locked" not in done.stderr and "cannot write" not in done.stderr, done.stderr[-3000:]
    archive = Archive.open(database_url)
    counts = archive.article_counts()
    archive.close()
    runs = runs_by_site(database_url)
    for site in sites:
        (run,) = runs[site]
        assert (run.status, run.exit_code, run.reason) == ("finished", 0, None), site
        assert run.new == counts[site] == len(portal.articles(site)), site
        assert f"{site}: boilerplate version 1, 2 new lines" in done.stderr, site
