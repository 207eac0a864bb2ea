"""The archive writer's transactions (``crawler.writer``), on SQLite and
PostgreSQL: pages sent together are stored in one transaction, each with its
own outcome; a page the database refuses (or that a fault of ours stops)
fails alone, the pages that shared its transaction are stored all the same."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Sequence

import pytest
from sqlalchemy import create_engine, text

from crawler import writer as writer_module
from crawler.items import CaptureItem
from crawler.revisit_plan import RevisitPlan
from crawler.sites import SiteProfile
from crawler.writer import ArchiveWriter, WriteFailed
from pipelines.article_page import extract_and_fingerprint
from storage.archive import Archive, PageRows
from storage.models import Outcome
from tests.test_extract_pipeline import items

LIST_URL = "http://127.0.0.1/news?page={page}"


def extracted(count: int) -> list[CaptureItem]:
    """``count`` newscms article pages, extracted and fingerprinted."""
    pages = items(count)
    for page in pages:
        found = extract_and_fingerprint(page.body, "text/html", page.url, page.family)
        assert isinstance(found, tuple), found
        page.article, page.fingerprint = found
    return pages


def open_writer(database_url: str) -> ArchiveWriter:
    archive = Archive.open(database_url)
    site_id = archive.site_id("newscms", None, LIST_URL)
    run_id = archive.start_run(site_id, "daily", None, None)
    archive.close()
    profile = SiteProfile("newscms", LIST_URL)
    return ArchiveWriter(database_url, site_id, run_id, None, profile, RevisitPlan(()))


def saving(writer: ArchiveWriter, pages: Sequence[CaptureItem]) -> list[Outcome | BaseException]:
    """Send every page at once, as a crawl does, and collect each page's answer."""

    async def run() -> list[Outcome | BaseException]:
        return await asyncio.gather(
            *(writer.save_page(page) for page in pages), return_exceptions=True
        )

    try:
        return asyncio.run(run())
    finally:
        writer.close()


def stored_urls(database_url: str) -> set[str]:
    engine = create_engine(database_url)
    with engine.connect() as connection:
        found = set(connection.scalars(text("SELECT url FROM articles")))
    engine.dispose()
    return found


@pytest.fixture
def transactions(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The number of pages of each transaction the writer stores pages in."""
    sizes: list[int] = []
    save_pages = Archive.save_pages

    def counted(archive: Archive, pages: Sequence[PageRows]) -> list[Outcome]:
        sizes.append(len(pages))
        return save_pages(archive, pages)

    monkeypatch.setattr(Archive, "save_pages", counted)
    return sizes


def test_pages_sent_together_share_one_transaction(
    database_url: str, transactions: list[int]
) -> None:
    pages = extracted(6)
    copy = dataclasses.replace(pages[0], url=pages[0].url + "&copy=1")  # the same body again
    outcomes = saving(open_writer(database_url), [*pages, copy])
    assert outcomes == [Outcome.ARTICLE] * 6 + [Outcome.DUPLICATE]
    assert transactions == [7]
    assert stored_urls(database_url) == {page.url for page in pages}


def test_a_page_the_database_refuses_fails_alone(
    database_url: str, transactions: list[int]
) -> None:
    pages = extracted(4)
    pages[2] = dataclasses.replace(pages[2], final_url=None)  # type: ignore[arg-type]  # NOT NULL
    outcomes = saving(open_writer(database_url), pages)
    assert [type(outcome) for outcome in outcomes] == [Outcome, Outcome, WriteFailed, Outcome]
    assert "final_url" in str(outcomes[2])  # the database's reason, on one line
    assert transactions == [4, 1, 1, 1, 1]  # refused whole, then each page alone
    assert stored_urls(database_url) == {pages[0].url, pages[1].url, pages[3].url}


def test_a_page_a_fault_of_ours_stops_fails_alone(
    database_url: str, transactions: list[int]
) -> None:
    pages = extracted(3)
    pages[0] = dataclasses.replace(pages[0], url=None)  # type: ignore[arg-type]  # no URL to lock
    outcomes = saving(open_writer(database_url), pages)
    assert [type(outcome) for outcome in outcomes] == [AttributeError, Outcome, Outcome]
    assert transactions == [3, 1, 1, 1]
    assert stored_urls(database_url) == {pages[1].url, pages[2].url}


def test_other_writes_keep_their_place_between_pages(
    database_url: str, transactions: list[int]
) -> None:
    """A write sent between pages (a list page's record) runs after the pages
    sent before it are stored and before those sent after it: a resumed run
    never skips a page that was not written."""
    pages = extracted(4)
    writer = open_writer(database_url)

    def articles(archive: Archive) -> int:
        with archive.engine.connect() as connection:
            return connection.execute(text("SELECT count(*) FROM articles")).scalar_one()

    async def run() -> list[object]:
        before = [asyncio.create_task(writer.save_page(page)) for page in pages[:2]]
        await asyncio.sleep(0)  # the tasks run: their pages are sent
        between = asyncio.wrap_future(writer.submit(articles))
        after = [asyncio.create_task(writer.save_page(page)) for page in pages[2:]]
        return await asyncio.gather(*before, between, *after)

    try:
        said = asyncio.run(run())
    finally:
        writer.close()
    assert said == [Outcome.ARTICLE, Outcome.ARTICLE, 2, Outcome.ARTICLE, Outcome.ARTICLE]
    assert transactions == [2, 2]


def test_no_transaction_holds_more_than_its_share(
    database_url: str, transactions: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(writer_module, "PAGES_PER_TRANSACTION", 4)
    pages = extracted(10)
    outcomes = saving(open_writer(database_url), pages)
    assert outcomes == [Outcome.ARTICLE] * 10
    assert transactions == [4, 4, 2]
