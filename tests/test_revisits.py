"""End to end: daily runs across simulated days against a board whose posts
are edited, taken down and put back (``sample_portal.revisions``), on SQLite
and PostgreSQL: every version recorded once, none for a page whose only
change is its view count, comments or sidebars, every takedown dated, 304s
for the posts that give validators, and the revisit budget respected."""

from __future__ import annotations

import json
import subprocess
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from warcio.archiveiterator import ArchiveIterator

from sample_portal import gnuboard5
from sample_portal.revisions import (
    CORRECTION,
    DELETE,
    FIGURE,
    MISSING,
    RESTORE,
    RETITLE,
    START,
    EditedBoard,
    serve_board,
)
from storage.archive import Archive
from storage.models import Article, ArticleRevisit, ArticleVersion, Capture, CrawlRun
from tests.conftest import FAST, scrapy

# short ages, so that a week of simulated days sees every kind of revisit
AGES = "[1d, 3d, 5d, 8d]"
REVISIT_HEADS = ("rv_due", "rv_fetched", "rv_304", "rv_changed", "rv_gone")


@dataclass
class Board:
    board: EditedBoard
    base_url: str
    sites_file: Path


@pytest.fixture
def board(tmp_path: Path) -> Iterator[Board]:
    edited = EditedBoard(per_day=5)
    with serve_board(edited) as base_url:
        sites_file = tmp_path / "sites.yaml"
        sites_file.write_text(edited.sites_yaml(base_url, revisit=AGES), encoding="utf-8")
        yield Board(edited, base_url, sites_file)


def daily(board: Board, database_url: str, *settings: str) -> subprocess.CompletedProcess[str]:
    """One daily run of the board at its simulated time."""
    done = scrapy(
        "crawl",
        "portal",
        "-a",
        "site=edited",
        *FAST,
        "-s",
        f"REVISIT_CLOCK={board.board.now().isoformat()}",
        *settings,
        database_url=database_url,
        sites_file=board.sites_file,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def number(url: str) -> int:
    return int(url.rsplit("=", 1)[1])


def at(day: int) -> object:
    """The simulated time of day ``day``'s run."""
    return START + timedelta(days=day, hours=23)


def test_every_version_once_takedowns_dated_and_noise_no_change(
    board: Board, database_url: str, tmp_path: Path
) -> None:
    edited = board.board
    for day in range(9):
        edited.next_day()
        path = gnuboard5.article_path
        if day == 2:
            edited.edit(path(1), FIGURE)
            edited.edit(path(2), RETITLE)
            edited.edit(path(3), CORRECTION)
            edited.edit(path(4), DELETE)
            edited.edit(path(5), MISSING)
        if day == 4:
            edited.edit(path(4), RESTORE)
            edited.edit(path(1), CORRECTION)
        daily(board, database_url)

    archive = Archive.open(database_url)
    try:
        with archive.sessions() as session:
            articles = {number(a.url): a for a in session.scalars(select(Article))}
            versions = Counter(
                (number(articles_url), version)
                for articles_url, version in session.execute(
                    select(Article.url, ArticleVersion.version).join(
                        Article, Article.id == ArticleVersion.article_id
                    )
                )
            )
            revisits = session.execute(
                select(Article.url, ArticleRevisit)
                .join(Article, Article.id == ArticleRevisit.article_id)
                .order_by(ArticleRevisit.id)
            ).all()
            runs = list(session.scalars(select(CrawlRun).order_by(CrawlRun.id)))
            captured = Counter(capture.run_id for capture in session.scalars(select(Capture)))
    finally:
        archive.close()

    assert len(articles) == 45
    # every version once: post 1 changed twice, posts 2 and 3 once, no other
    assert versions == Counter([(1, 1), (1, 2), (1, 3), (2, 1), (2, 2), (3, 1), (3, 2)])
    current = {number(edited_url): a for edited_url, a in _board_now(board)}
    for post in (1, 2, 3):
        assert articles[post].title == current[post].title
        assert articles[post].body.endswith(current[post].paragraphs[-1])
    assert articles[1].version == 3 and articles[2].version == 2 and articles[6].version == 1
    notice = "본문 중 사업 규모를 바로잡았습니다."
    assert notice in articles[1].body and notice in articles[3].body
    assert articles[2].title.endswith("예산 추가 확보")

    by_post: dict[int, list[ArticleRevisit]] = {}
    for url, revisit in revisits:
        by_post.setdefault(number(url), []).append(revisit)
    for post in articles:
        by_post.setdefault(post, [])
    # takedowns dated when first found; one that came back says so
    gone = [(number(url), r.detail, r.at) for url, r in revisits if r.result == "gone"]
    assert (5, "404", at(3)) in gone and (4, "deleted-post alert", at(3)) in gone
    assert articles[5].gone_at == at(3)
    assert articles[4].gone_at is None
    # day 0's posts revisited at 1, 3, 5 and 8 days; even posts give validators (304)
    assert {post: [r.result for r in by_post[post]] for post in range(1, 6)} == {
        1: ["unchanged", "changed", "changed", "unchanged"],
        2: ["not_modified", "changed", "not_modified", "not_modified"],
        3: ["unchanged", "changed", "unchanged", "unchanged"],
        4: ["not_modified", "gone", "back", "not_modified"],
        5: ["unchanged", "gone", "gone", "gone"],
    }
    assert all(r.at is not None for url, r in revisits if r.result == "gone")
    # view counts, comments and sidebars changed every day: no version for them
    noise = {post for post in articles if post > 5}
    assert all(r.result in ("unchanged", "not_modified") for p in noise for r in by_post[p])
    # the posts that give validators answer 304, the others are read again
    assert {p % 2 for p in noise for r in by_post[p] if r.result == "not_modified"} == {0}
    assert not any(r.result == "not_modified" for p in noise if p % 2 for r in by_post[p])
    # each revisit keeps its capture, in its run; the runs count them
    assert all(r.capture_id is not None for _, r in revisits)
    for run in runs:
        mine = [r for _, r in revisits if r.run_id == run.id]
        results = Counter(r.result for r in mine)
        assert run.revisits_fetched == len(mine) == run.revisits_due
        assert run.revisits_not_modified == results["not_modified"]
        assert run.revisits_changed == results["changed"]
        assert run.revisits_gone == results["gone"]
        assert captured[run.id] >= len(mine)

    # the export: one row per article by default, one per version with --versions
    for name, extra in (("latest.jsonl", ()), ("versions.jsonl", ("--versions",))):
        done = scrapy(
            "export",
            "-o",
            str(tmp_path / name),
            *extra,
            database_url=database_url,
            sites_file=board.sites_file,
        )
        assert done.returncode == 0, done.stderr[-2000:]
    latest = [json.loads(line) for line in (tmp_path / "latest.jsonl").open(encoding="utf-8")]
    rows = [json.loads(line) for line in (tmp_path / "versions.jsonl").open(encoding="utf-8")]
    assert len(latest) == 45 and "version" not in latest[0]
    assert len(rows) == 45 + 2 + 1 + 1
    of_post = {p: [r for r in rows if number(r["url"]) == p] for p in (1, 2, 4, 5)}
    assert [r["version"] for r in of_post[1]] == [1, 2, 3]
    assert [r["seen_at"] for r in of_post[1]] == [
        at(0).isoformat(),
        at(3).isoformat(),
        at(5).isoformat(),
    ]
    assert of_post[2][0]["title"] != of_post[2][1]["title"]
    assert of_post[5][0]["gone_at"] == at(3).isoformat() and of_post[4][0]["gone_at"] is None
    # `scrapy runs` shows each run's revisits: due, fetched, 304, changed, gone
    shown = scrapy("runs", database_url=database_url, sites_file=board.sites_file)
    assert shown.returncode == 0, shown.stderr[-2000:]
    head, *lines = shown.stdout.splitlines()
    ends = [head.index(name) + len(name) for name in REVISIT_HEADS]  # right-aligned cells
    by_run = {int(line.split()[0]): [int(line[:end].split()[-1]) for end in ends] for line in lines}
    for run in runs:
        assert by_run[run.id] == [
            run.revisits_due,
            run.revisits_fetched,
            run.revisits_not_modified,
            run.revisits_changed,
            run.revisits_gone,
        ]
    assert sum(counts[3] for counts in by_run.values()) == 4  # posts 1 (twice), 2, 3

    # the WARC carries every capture; the same page received again is a revisit record
    done = scrapy(
        "export",
        "-o",
        str(tmp_path / "archive.warc.gz"),
        database_url=database_url,
        sites_file=board.sites_file,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    with (tmp_path / "archive.warc.gz").open("rb") as handle:
        records = [
            (record.rec_type, record.rec_headers.get_header("WARC-Target-URI"))
            for record in ArchiveIterator(handle)
            if record.rec_type in ("response", "revisit")
        ]
    assert len(records) == sum(captured.values())
    missing = f"{board.base_url}{gnuboard5.article_path(5)}"
    # post 5 answered the same 404 page on days 3, 5 and 8: revisits of the first
    # record of that page (the board's missing stylesheets answered it before)
    assert [kind for kind, uri in records if uri == missing][-3:] == ["revisit"] * 3


def test_a_run_revisits_no_more_than_its_budget_oldest_due_first(
    board: Board, database_url: str
) -> None:
    edited = board.board
    edited.next_day()
    daily(board, database_url)
    edited.next_day()
    daily(board, database_url, "-s", "REVISIT_BUDGET=3")
    edited.next_day()
    daily(board, database_url, "-s", "REVISIT_BUDGET=3")
    archive = Archive.open(database_url)
    try:
        with archive.sessions() as session:
            runs = list(session.scalars(select(CrawlRun).order_by(CrawlRun.id)))
            revisited = session.execute(
                select(ArticleRevisit.run_id, Article.url, Article.published)
                .join(Article, Article.id == ArticleRevisit.article_id)
                .order_by(ArticleRevisit.id)
            ).all()
    finally:
        archive.close()
    assert [(r.revisits_due, r.revisits_fetched) for r in runs] == [(0, 0), (5, 3), (7, 3)]
    second = sorted(published for run_id, _, published in revisited if run_id == runs[1].id)
    day_zero = sorted(a.published for a in edited.articles() if a.published.day == START.day)
    assert second == day_zero[:3]  # the longest due first
    third = {number(url) for run_id, url, _ in revisited if run_id == runs[2].id}
    assert third == {4, 5, 6}  # the two left over, then the next due


def test_revisit_off_revisits_nothing(board: Board, database_url: str) -> None:
    edited = board.board
    board.sites_file.write_text(edited.sites_yaml(board.base_url, revisit="off"), encoding="utf-8")
    for _ in range(3):
        edited.next_day()
        daily(board, database_url)
    archive = Archive.open(database_url)
    try:
        with archive.sessions() as session:
            assert session.scalars(select(ArticleRevisit)).first() is None
            assert all(a.revisit_due is None for a in session.scalars(select(Article)))
    finally:
        archive.close()


def _board_now(board: Board) -> list[tuple[str, object]]:
    return [(board.base_url + a.path, a) for a in board.board.articles()]
