"""End to end: a city's press board (``sample_portal.press_board``) crawled
into SQLite and PostgreSQL with its requisites: each release's photos (with
their captions), its og:image and its attached HWP, HWPX and PDF files are
fetched once and stored by digest (the office emblem, the same bytes at a URL
per release, once; the slogan banner, at one URL on every release, fetched
once a run, and a later run asks for it with its ETag and keeps the 304);
the file robots.txt disallows is recorded, never asked
for; the caps hold; the broken file is stored with why it has no text and its
release archived; the attachments' text is in the export and in search."""

from __future__ import annotations

import asyncio
import hashlib
import json
from html import escape
from pathlib import Path
from urllib.parse import urlsplit

import lxml.html
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from browsing.datasette import SOURCE, datasette_for
from sample_portal import SamplePortal, serve
from sample_portal.press_board import (
    BROKEN,
    BROKEN_RELEASE,
    OK,
    OVERSIZED,
    OVERSIZED_RELEASE,
    PRESS_BOARD,
    ROBOTS,
    ROBOTS_RELEASE,
    SLOGAN_PATH,
    PressBoard,
)
from storage.database import open_database
from storage.mirror import mirror
from storage.models import Article, Capture, Payload, Requisite
from storage.search import search
from tests.conftest import FAST, scrapy

pytestmark = pytest.mark.e2e  # serves the sample portal and runs Scrapy commands
RELEASES = 8
FILE_CAP = 1024 * 1024  # the oversized release's PDF is over 3 MB


@pytest.fixture
def crawled(database_url: str, tmp_path: Path):
    """The press board crawled once, a file cap of 1 MiB; the portal and the archive."""
    portal = SamplePortal(sites=["generic"], articles_per_site=RELEASES, press_board=True)
    with serve(portal) as base_url:
        sites_file = tmp_path / "sites.yaml"
        sites_file.write_text(portal.sites_yaml(base_url), encoding="utf-8")
        crawl = scrapy(
            "crawl", "portal", "-a", f"site={PRESS_BOARD}", *FAST,
            "-s", f"REQUISITE_MAX_BYTES={FILE_CAP}",
            database_url=database_url, sites_file=sites_file,
        )  # fmt: skip
        assert crawl.returncode == 0, crawl.stderr[-3000:]
        yield portal, base_url, sites_file


def board(portal: SamplePortal) -> PressBoard:
    assert portal.press_board is not None
    return portal.press_board


def test_every_requisite_is_captured_once_by_digest(crawled, database_url: str) -> None:
    portal, base_url, _ = crawled
    engine = open_database(database_url)
    try:
        with Session(engine) as session:
            articles = {a.url: a.id for a in session.scalars(select(Article))}
            kept = {
                (r.article_id, r.url.removeprefix(base_url)): r
                for r in session.scalars(select(Requisite))
            }
            payloads = session.scalar(  # the requisites' (the run's other pages aside)
                select(func.count()).where(Payload.sha256.in_(select(Requisite.sha256)))
            )
            requisite_captures = session.scalar(
                select(func.count()).where(Capture.outcome == "requisite")
            )
            stored_digests = {r.sha256 for r in kept.values() if r.status == "stored"}
    finally:
        engine.dispose()
    releases = board(portal).release_numbers()
    assert len(articles) == RELEASES
    fetched = set()
    for idx in releases:
        article_id = articles[f"{base_url}/press/view.php?idx={idx}"]
        for wanted in board(portal).requisites(idx):
            got = kept.pop((article_id, wanted.path))
            assert got.kind == wanted.kind, wanted.path
            if wanted.kind == "image":
                assert got.caption == wanted.caption
            else:
                assert got.name == wanted.name
            if wanted.flag in (OK, BROKEN):
                assert got.status == "stored" and got.sha256 == wanted.sha256, wanted.path
                assert portal.hits[wanted.path] == 1, wanted.path  # og:image and figure: once
                fetched.add(wanted.path)
    assert not kept  # nothing but what the releases name (not the site's logo)
    assert requisite_captures == len(fetched)  # one capture a fetch, as received
    # the office emblem, the same bytes at one URL per release: stored once
    assert payloads == len(stored_digests) == len(fetched) - (RELEASES - 1)


def requisite(database_url: str, base_url: str, idx: int, kind: str) -> Requisite:
    """Release ``idx``'s one requisite of ``kind`` that is no photo or emblem."""
    engine = open_database(database_url)
    try:
        with Session(engine) as session:
            return session.scalars(
                select(Requisite)
                .join(Article, Article.id == Requisite.article_id)
                .where(
                    Article.url == f"{base_url}/press/view.php?idx={idx}",
                    Requisite.kind == kind,
                    Requisite.url.not_like("%/images/%"),
                )
            ).one()
    finally:
        engine.dispose()


def test_robots_the_caps_and_a_broken_file_are_recorded_and_the_release_kept(
    crawled, database_url: str
) -> None:
    portal, base_url, _ = crawled
    press = board(portal)
    refused = requisite(database_url, base_url, ROBOTS_RELEASE, "attachment")
    assert refused.status == ROBOTS and refused.sha256 is None and refused.capture_id is None
    assert "robots.txt" in refused.reason and refused.name.endswith(".hwp")
    assert not [path for path in portal.hits if "/private/" in path]  # never asked for
    oversized = [
        wanted for wanted in press.requisites(OVERSIZED_RELEASE) if wanted.flag == OVERSIZED
    ]
    assert len(oversized) == 1
    engine = open_database(database_url)
    try:
        with Session(engine) as session:
            cut = session.scalars(
                select(Requisite).where(Requisite.url == base_url + oversized[0].path)
            ).one()
            biggest = session.scalar(select(func.max(Payload.size)))
            broken = session.scalars(
                select(Requisite).where(Requisite.url.like(f"%download.php?idx={BROKEN_RELEASE}&%"))
            ).one()
    finally:
        engine.dispose()
    assert cut.status == "too_large" and cut.sha256 is None and str(FILE_CAP) in cut.reason
    assert biggest <= FILE_CAP  # the cap holds: nothing over it stored
    assert broken.status == "stored" and broken.text is None and broken.sha256 is not None
    assert broken.file_type == "hwp" and broken.reason.startswith("broken")


def test_the_attachments_text_is_in_the_export_and_in_search(
    crawled, database_url: str, tmp_path: Path
) -> None:
    portal, base_url, sites_file = crawled
    press = board(portal)
    out = tmp_path / "press.jsonl"
    export = scrapy("export", "-o", str(out), database_url=database_url, sites_file=sites_file)
    assert export.returncode == 0, export.stderr[-2000:]
    records = {r["url"]: r for r in map(json.loads, out.read_text("utf-8").splitlines())}
    # a release with a PDF (under the cap) after its HWP (and a HWPX on an even number)
    idx = next(n for n in press.release_numbers() if n % 3 == 0 and n != OVERSIZED_RELEASE)
    record = records[f"{base_url}/press/view.php?idx={idx}"]
    files = record["attachments"]
    assert [f["type"] for f in files] == ["hwp", *(["hwpx"] if idx % 2 == 0 else []), "pdf"]
    for k, attached in enumerate(files):
        assert press.attachment_phrase(idx, k) in attached["text"]
        assert attached["bytes"] > 0 and len(attached["sha256"]) == 64
    assert [image["caption"] for image in record["images"]][: press.photo_count(idx)] == [
        wanted.caption for wanted in press.requisites(idx) if wanted.path.endswith(".jpg")
    ]
    phrase = press.attachment_phrase(idx, len(files) - 1)  # the PDF's, which no page shows
    engine = open_database(database_url)
    try:
        if engine.dialect.name == "postgresql":  # browsed through its SQLite mirror
            mirror(engine, tmp_path / "mirror.db")
            searched = open_database(f"sqlite:///{tmp_path / 'mirror.db'}")
        else:
            searched = engine
        with searched.connect() as connection:
            found = search(connection, phrase)
            assert [row["url"] for row in found] == [record["url"]]
            assert phrase in found[0]["snippet"].replace("<mark>", "").replace("</mark>", "")
            assert connection.execute(text("SELECT count(*) FROM requisites")).scalar() > 0
        searched.dispose()
    finally:
        engine.dispose()


def test_a_later_run_asks_for_what_it_holds_with_its_validator(
    database_url: str, tmp_path: Path
) -> None:
    first = SamplePortal(sites=["generic"], articles_per_site=RELEASES, press_board=True)
    sites_file = tmp_path / "sites.yaml"
    with serve(first) as base_url:
        sites_file.write_text(first.sites_yaml(base_url), encoding="utf-8")
        crawl = scrapy(
            "crawl", "portal", "-a", f"site={PRESS_BOARD}", *FAST,
            database_url=database_url, sites_file=sites_file,
        )  # fmt: skip
        assert crawl.returncode == 0, crawl.stderr[-3000:]
    # the board a day later, two releases more, on the same address
    later = SamplePortal(sites=["generic"], articles_per_site=RELEASES + 2, press_board=True)
    with serve(later, urlsplit(base_url).port) as again:
        assert again == base_url
        crawl = scrapy(
            "crawl", "portal", "-a", f"site={PRESS_BOARD}", *FAST,
            database_url=database_url, sites_file=sites_file,
        )  # fmt: skip
        assert crawl.returncode == 0, crawl.stderr[-3000:]
    new = board(later).release_numbers()[RELEASES:]
    banner = base_url + SLOGAN_PATH
    engine = open_database(database_url)
    try:
        with Session(engine) as session:
            rows = session.execute(
                select(Article.url, Requisite.status, Requisite.sha256, Capture.status)
                .join(Article, Article.id == Requisite.article_id)
                .outerjoin(Capture, Capture.id == Requisite.capture_id)
                .where(Requisite.url == banner)
            ).all()
            kept = session.scalar(select(func.count()).where(Payload.sha256 == rows[0][2]))
            fetches = session.scalars(
                select(Capture.status).where(Capture.url == banner).order_by(Capture.id)
            ).all()
    finally:
        engine.dispose()
    later_rows = [row for row in rows if row[0].endswith(tuple(f"idx={n}" for n in new))]
    assert len(later_rows) == len(new) and len(rows) == RELEASES + len(new)
    # asked for once, with the ETag the first run kept: answered 304, the bytes stored then
    assert later.hits[SLOGAN_PATH] == 1
    assert {(status, digest) for _, status, digest, _ in later_rows} == {("unchanged", rows[0][2])}
    assert {answer for *_, answer in later_rows} == {304}  # the one 304, kept
    assert fetches == [200, 304] and kept == 1


def test_browse_shows_a_releases_photos_and_files_and_serves_them(
    crawled, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    portal, base_url, _ = crawled
    press = board(portal)
    idx = next(n for n in press.release_numbers() if n % 3 == 0 and n != OVERSIZED_RELEASE)
    engine = open_database(database_url)
    try:
        with Session(engine) as session:
            article_id = session.scalar(
                select(Article.id).where(Article.url == f"{base_url}/press/view.php?idx={idx}")
            )
        if engine.dialect.name == "postgresql":  # browsed through its SQLite mirror
            path, mirrored = tmp_path / "mirror.db", True
            mirror(engine, path)
            monkeypatch.setenv(SOURCE, database_url)  # the raw captures stay in the archive
        else:
            path, mirrored = Path(database_url.removeprefix("sqlite:///")), False
    finally:
        engine.dispose()

    async def browse() -> tuple[str, list[bytes]]:
        datasette = datasette_for(path, mirrored)
        page = await datasette.client.get(f"/-/article/{article_id}")
        assert page.status_code == 200, page.text
        shown = lxml.html.fromstring(page.text)
        served = []
        for link in shown.xpath("//ul[@class='requisites']/li/a/@href"):
            answer = await datasette.client.get(link)
            assert answer.status_code == 200, link
            served.append(answer.content)
        return page.text, served

    text_shown, served = asyncio.run(browse())
    wanted = [r for r in press.requisites(idx) if r.flag == OK]
    for requisite in wanted:  # each file by its name, each photo by its caption
        assert escape(requisite.name or requisite.caption or "") in text_shown
    assert press.attachment_phrase(idx, 0) in text_shown  # the HWP's text, shown
    # each linked capture serves the bytes the portal sent, from their payload
    assert sorted(hashlib.sha256(body).hexdigest() for body in served) == sorted(
        r.sha256 for r in wanted
    )
