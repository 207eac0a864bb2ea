"""Revisits as the archive keeps them, on SQLite and PostgreSQL: which
articles are due (the longest due first, within a budget, with their latest
capture's validators), articles a feed dates later than their last capture
made due now, and a revisit's new version, takedown and return."""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, update

from storage.archive import Archive
from storage.models import Article, ArticleRevisit, ArticleVersion, Capture, RevisitResult
from storage.revisits import PageVersion, Revisited, due_revisits, revisit_now, save_revisit
from storage.types import SEOUL

NOW = datetime(2026, 9, 10, 23, 0, tzinfo=SEOUL)
DAY = timedelta(days=1)


@pytest.fixture
def archive(database_url: str) -> Iterator[Archive]:
    opened = Archive.open(database_url)
    yield opened
    opened.close()


def page(site_id: int, run_id: int, url: str, fetched_at: datetime, **headers: str) -> Capture:
    return Capture(
        site_id=site_id,
        run_id=run_id,
        url=url,
        final_url=url,
        status=200,
        headers={"Content-Type": "text/html"},
        response_headers=[["Content-Type", "text/html"], *([k, v] for k, v in headers.items())],
        body_zlib=zlib.compress(b"<html></html>"),
        fetched_at=fetched_at,
        outcome="article",
    )


def archived(archive: Archive, count: int) -> tuple[int, int, list[int]]:
    """``count`` articles of one site, each due a day later than the one before."""
    site_id = archive.site_id("edited", "gnuboard5", "http://x.example/?page={page}")
    run_id = archive.start_run(site_id, "daily", None, None)
    ids = []
    for n in range(count):
        url = f"http://x.example/bbs/board.php?bo_table=news&wr_id={n + 1}"
        etag = {"ETag": f'"{n + 1}-1"'} if n % 2 == 0 else {}
        row = Article(
            site_id=site_id,
            url=url,
            title=f"제목 {n + 1}",
            author="기자",
            published=NOW - 10 * DAY,
            body=f"본문 {n + 1}.",
            content_hash=f"{n:064d}",
            extractor_version="1",
            archived_at=NOW - 10 * DAY,
            revisit_due=NOW - (count - n) * DAY,
        )
        archive.save_page(page(site_id, run_id, url, NOW - 10 * DAY, **etag), row)
        ids.append(row.id)
    return site_id, run_id, ids


def test_the_longest_due_first_within_the_budget_with_validators(archive: Archive) -> None:
    _, _, ids = archived(archive, 4)
    with archive.engine.begin() as connection:
        connection.execute(update(Article).where(Article.id == ids[3]).values(revisit_due=None))
    due, chosen = due_revisits(archive.engine, "edited", NOW, 2)
    assert due == 3
    assert [revisit.article_id for revisit in chosen] == ids[:2]
    assert [(r.etag, r.last_modified) for r in chosen] == [('"1-1"', None), (None, None)]
    assert due_revisits(archive.engine, "edited", NOW - 3.5 * DAY, 10)[0] == 1
    assert due_revisits(archive.engine, "another", NOW, 10) == (0, [])


def test_a_feed_date_later_than_the_last_capture_makes_an_article_due_now(
    archive: Archive,
) -> None:
    _, _, ids = archived(archive, 3)
    with archive.engine.begin() as connection:
        connection.execute(update(Article).values(revisit_due=None))
    urls = {
        f"http://x.example/bbs/board.php?bo_table=news&wr_id={n}": NOW - offset
        for n, offset in ((1, DAY), (2, 20 * DAY))
    }
    assert revisit_now(archive.engine, "edited", urls, NOW) == 1
    due, chosen = due_revisits(archive.engine, "edited", NOW, 10)
    assert due == 1 and chosen[0].article_id == ids[0]


def test_a_revisit_keeps_versions_dates_a_takedown_and_a_return(archive: Archive) -> None:
    site_id, run_id, ids = archived(archive, 1)
    url = "http://x.example/bbs/board.php?bo_table=news&wr_id=1"

    def revisit(found: Revisited, at: datetime, changed: bool = False) -> RevisitResult:
        return save_revisit(
            archive.engine,
            page(site_id, run_id, url, at),
            run_id,
            at,
            found,
            lambda stored, new: changed,
            lambda stored, when: when + 7 * DAY,
        )

    new = PageVersion("새 제목", "기자", "고친 본문.", NOW, None)
    assert revisit(Revisited(ids[0], new), NOW, changed=True) is RevisitResult.CHANGED
    assert revisit(Revisited(ids[0], gone="404"), NOW + DAY) is RevisitResult.GONE
    assert revisit(Revisited(ids[0], gone="404"), NOW + 2 * DAY) is RevisitResult.GONE
    assert revisit(Revisited(ids[0], not_modified=True), NOW + 3 * DAY) is RevisitResult.BACK
    assert revisit(Revisited(ids[0]), NOW + 4 * DAY) is RevisitResult.FAILED
    with archive.sessions() as session:
        row = session.get(Article, ids[0])
        versions = session.scalars(select(ArticleVersion).order_by(ArticleVersion.version)).all()
        results = session.scalars(select(ArticleRevisit.result).order_by(ArticleRevisit.id)).all()
        gone = session.scalars(
            select(ArticleRevisit.at).where(ArticleRevisit.result == "gone")
        ).all()
    assert [(v.version, v.title, v.seen_at) for v in versions] == [
        (1, "제목 1", NOW - 10 * DAY),
        (2, "새 제목", NOW),
    ]
    assert (row.title, row.body, row.version, row.modified) == ("새 제목", "고친 본문.", 2, NOW)
    assert results == ["changed", "gone", "gone", "back", "failed"]
    assert gone == [NOW + DAY, NOW + 2 * DAY] and row.gone_at is None
    assert row.revisit_due == NOW + 11 * DAY
