"""A run's boilerplate learned as it goes (``crawler.archiving.run_boilerplate``),
on SQLite and PostgreSQL, when that learning fails: whatever the error, it is
logged once, and the run's articles go on as extracted (its end learns)."""

from __future__ import annotations

import asyncio
import logging

import pytest

from crawler.archiving import run_boilerplate
from crawler.archiving.run_boilerplate import RunBoilerplate
from crawler.revisit_plan import RevisitPlan
from crawler.sites import SiteProfile
from crawler.writer import ArchiveWriter
from pipelines.article_page import extract_and_fingerprint
from pipelines.boilerplate import line_key
from storage.archive import Archive
from storage.models import Outcome
from tests.test_extract_pipeline import items


def test_a_learning_that_fails_leaves_the_runs_articles_as_extracted(
    database_url: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def fails(engine: object, site: str) -> None:
        raise RuntimeError("a bug in learning")  # not a database error: any error

    monkeypatch.setattr(run_boilerplate, "relearn", fails)
    archive = Archive.open(database_url)
    site_id = archive.site_id("newscms", None, "http://127.0.0.1/news?page={page}")
    run_id = archive.start_run(site_id, "daily", None, None)
    archive.close()
    profile = SiteProfile("newscms", "http://127.0.0.1/news?page={page}")
    writer = ArchiveWriter(database_url, site_id, run_id, None, profile, RevisitPlan(()))
    learner = RunBoilerplate(writer, {}, after=1)
    pages = items(3)
    for page in pages:
        found = extract_and_fingerprint(page.body, "text/html", page.url, page.family)
        assert isinstance(found, tuple), found
        page.article, page.fingerprint = found
    first, *later = pages
    first.outcome = Outcome.ARTICLE

    async def run() -> None:
        await learner.stored(first)  # the first new article: learning starts, and fails
        for page in later:
            await learner.ready(page)

    try:
        with caplog.at_level(logging.WARNING, logger=run_boilerplate.__name__):
            asyncio.run(run())
    finally:
        writer.close()
    assert [page.article for page in later] == [
        extract_and_fingerprint(page.body, "text/html", page.url, page.family)[0]  # type: ignore[index]
        for page in later
    ]
    said = [record.getMessage() for record in caplog.records]
    assert said == ["newscms: boilerplate not learned as the run goes: a bug in learning"]


def test_only_pages_extracted_before_the_learning_lose_its_lines() -> None:
    """``ready()`` takes the lines learned as the run goes out of a page
    extracted before they were learned; a page extracted after them (without
    them: ``extracted_without``) is left as extracted, fingerprint and all."""
    before, after = items(2)
    for page in (before, after):
        found = extract_and_fingerprint(page.body, "text/html", page.url, page.family)
        assert isinstance(found, tuple), found
        page.article, page.fingerprint = found
    last = before.article.paragraphs[-1]  # type: ignore[union-attr]
    their_last = after.article.paragraphs[-1]  # type: ignore[union-attr]
    learned = frozenset({line_key(last), line_key(their_last)})
    after.extracted_without = learned  # as if the line had been no line of this page's
    kept = after.article, after.fingerprint
    learner = RunBoilerplate(None, {"newscms": learned})  # type: ignore[arg-type]  # no writes

    async def run() -> None:
        await learner.ready(before)
        await learner.ready(after)

    asyncio.run(run())
    assert before.article is not None and last not in before.article.paragraphs
    assert (after.article, after.fingerprint) == kept
    assert after.article is not None and after.article.paragraphs[-1] == their_last
