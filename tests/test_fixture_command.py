"""``scrapy fixture`` turns a capture of a crawled sample archive into an
extraction test case that ``tests/test_fixtures.py``'s loader picks up and
passes; a capture that is missing, or a case that exists, is one line and
exit code 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from storage.archive import Archive
from storage.models import Capture, Outcome
from tests import test_fixtures
from tests.conftest import FAST, Portal, scrapy
from tests.fixtures import all_fixtures

pytestmark = pytest.mark.e2e  # it crawls the sample portal


def test_a_capture_becomes_a_fixture_the_fixture_tests_pass(portal: Portal, tmp_path: Path) -> None:
    database_url = f"sqlite:///{tmp_path / 'archive.db'}"
    sites_file = portal.sites_file
    for site in ("gnuboard", "newscms"):
        crawled = scrapy(
            "crawl", "portal", "-a", f"site={site}", *FAST,
            database_url=database_url, sites_file=sites_file,
        )  # fmt: skip
        assert crawled.returncode == 0, crawled.stderr[-3000:]
    archive = Archive.open(database_url)
    with archive.sessions() as session:
        articles = session.scalars(
            select(Capture).where(Capture.outcome == Outcome.ARTICLE).order_by(Capture.id)
        ).all()
    archive.close()
    board = next(capture for capture in articles if "bo_table" in capture.url)
    news = next(capture for capture in articles if "article.html" in capture.url)
    into = tmp_path / "fixtures"

    by_id = scrapy(
        "fixture", "--capture", str(board.id), "--into", str(into),
        database_url=database_url, sites_file=sites_file,
    )  # fmt: skip
    assert by_id.returncode == 0, by_id.stderr
    assert by_id.stdout.startswith(f"wrote {into / 'gnuboard5' / f'capture-{board.id}'}")
    by_url = scrapy(
        "fixture", "--url", news.url, "--case", "sample-news", "--into", str(into),
        database_url=database_url, sites_file=sites_file,
    )  # fmt: skip
    assert by_url.returncode == 0, by_url.stderr

    cases = {case.id: case for case in all_fixtures(into)}
    assert set(cases) == {f"gnuboard5/capture-{board.id}", "newscms/sample-news"}
    for case in cases.values():
        test_fixtures.test_fixture_is_extracted_exactly(case)
        test_fixtures.test_family_and_layout_are_recognised_from_the_page(case)
    case = cases["newscms/sample-news"]
    assert case.body == news.body and case.url == news.url
    assert case.expected["title"] and case.expected["paragraphs"]
    response = json.loads((into / "newscms" / "sample-news" / "response.json").read_text())
    assert response["status"] == 200 and response["headers"] == news.headers

    again = scrapy(
        "fixture", "--url", news.url, "--case", "sample-news", "--into", str(into),
        database_url=database_url, sites_file=sites_file,
    )  # fmt: skip
    assert (again.returncode, again.stderr) == (
        2,
        f"newsarchive: error: {into / 'newscms' / 'sample-news'} exists: "
        "name another case with --case\n",
    )
    missing = scrapy(
        "fixture", "--capture", "999999", database_url=database_url, sites_file=sites_file
    )
    assert (missing.returncode, missing.stderr) == (
        2,
        "newsarchive: error: the archive holds no capture 999999\n",
    )
