"""The sample portal crawled, exported as WARC and WACZ, and replayed in pywb
on 127.0.0.1: the WARC passes ``warcio check`` with a response and a request
record per capture, a gzip-served page keeps its gzip bytes, and articles
(gzip-encoded, EUC-KR, under a Hangul URL) replay in raw mode (``id_``)
byte-identical to what the portal served."""

from __future__ import annotations

import http.client
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from warcio.archiveiterator import ArchiveIterator

from sample_portal import SamplePortal, serve
from sample_portal.faults import EXTENDED_HANGUL
from sample_portal.press_board import NEWEST, PRESS_BOARD
from storage.database import open_database
from storage.models import Capture
from storage.warc import target_uri
from tests.conftest import FAST, scrapy

pytestmark = pytest.mark.e2e  # serves the sample portal and runs Scrapy commands
BIN = Path(sys.executable).parent
GZIP = {"Accept-Encoding": "gzip"}


@dataclass
class Replay:
    """The crawled portal, its exports, and pywb serving them."""

    warc: Path
    captures: list[Capture]
    port: int

    def replayed(self, collection: str, capture: Capture, headers: dict[str, str]) -> bytes:
        stamp = capture.fetched_at.strftime("%Y%m%d%H%M%S")
        status, body = _get(
            f"http://127.0.0.1:{self.port}/{collection}/{stamp}id_/{target_uri(capture)}", headers
        )
        assert status == 200, (collection, target_uri(capture), status)
        return body

    def served(self, capture: Capture, headers: dict[str, str]) -> bytes:
        status, body = _get(target_uri(capture), headers)
        assert status == 200
        return body


def _get(url: str, headers: dict[str, str]) -> tuple[int, bytes]:
    """GET ``url`` as sent, no content decoding: (status, body bytes)."""
    split = urlsplit(url)
    connection = http.client.HTTPConnection(split.hostname, split.port, timeout=30)
    try:
        connection.request(
            "GET", split.path + (f"?{split.query}" if split.query else ""), headers=headers
        )
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _run(*args: str, cwd: Path) -> None:
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]


@pytest.fixture(scope="module")
def replay(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Replay]:
    work = tmp_path_factory.mktemp("replay")
    database_url = f"sqlite:///{work / 'archive.db'}"
    portal = SamplePortal(
        articles_per_site=8,
        per_page=5,
        gzip_pages=True,
        hangul_slugs=True,
        faults=["euckr-extended"],
        press_board=True,
    )
    with serve(portal) as base_url:
        sites_file = work / "sites.yaml"
        sites_file.write_text(portal.sites_yaml(base_url), encoding="utf-8")
        for site in (*portal.sites, PRESS_BOARD):
            crawl = scrapy(
                "crawl", "portal", "-a", f"site={site}", *FAST,
                database_url=database_url, sites_file=sites_file,
            )  # fmt: skip
            assert crawl.returncode == 0, crawl.stderr[-2000:]
        for name in ("portal.warc.gz", "portal.wacz"):
            export = scrapy(
                "export", "-o", str(work / name), database_url=database_url, sites_file=sites_file
            )
            assert export.returncode == 0, export.stderr[-2000:]
        engine = open_database(database_url)
        with Session(engine) as session:
            captures = list(session.scalars(select(Capture).order_by(Capture.id)))
        engine.dispose()
        replays = work / "pywb"
        replays.mkdir()
        _run(str(BIN / "wb-manager"), "init", "warc", cwd=replays)
        _run(str(BIN / "wb-manager"), "add", "warc", str(work / "portal.warc.gz"), cwd=replays)
        _run(str(BIN / "wb-manager"), "init", "wacz", cwd=replays)
        _run(
            str(BIN / "wb-manager"), "add", "--unpack-wacz", "wacz", str(work / "portal.wacz"),
            cwd=replays,
        )  # fmt: skip
        port = _free_port()
        wayback = subprocess.Popen(
            [str(BIN / "wayback"), "-b", "127.0.0.1", "-p", str(port)],
            cwd=replays,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if _get(f"http://127.0.0.1:{port}/", {})[0] == 200:
                        break
                except OSError:
                    pass
                assert wayback.poll() is None, "wayback exited"
                assert time.monotonic() < deadline, "wayback did not start"
                time.sleep(0.2)
            yield Replay(work / "portal.warc.gz", captures, port)
        finally:
            wayback.terminate()
            wayback.wait(timeout=30)


def _articles(replay: Replay) -> list[Capture]:
    """One archived article of each of the three family sites (gzip-encoded),
    as the crawl captured it."""
    chosen: dict[str, Capture] = {}
    for capture in replay.captures:
        if capture.outcome == "article" and capture.response_header("Content-Encoding"):
            chosen.setdefault(urlsplit(capture.url).path, capture)
    by_site = {}
    for path, capture in chosen.items():
        by_site.setdefault(path.split("/")[1], capture)
    assert {"bbs", "news", "blog"} <= set(by_site), sorted(chosen)
    return [by_site[site] for site in ("bbs", "news", "blog")]


@pytest.mark.parametrize("collection", ["warc", "wacz"])
def test_a_release_replays_with_its_photo_and_its_file_byte_identical(
    replay: Replay, collection: str
) -> None:
    """A press release's page, the photo in its body and its attached HWP (sent
    as an octet stream by a download URL that names no file) replay in raw
    mode as the portal served them; the photo's capture is a requisite of the
    release's article."""
    idx = NEWEST  # a release with its files on the public download path
    release = next(c for c in replay.captures if c.url.endswith(f"/press/view.php?idx={idx}"))
    photo, hwp = (
        next(
            c
            for c in replay.captures
            if c.outcome == "requisite" and c.url.endswith(path) and c.status == 200
        )
        for path in (f"/press/images/{idx}-0.jpg", f"/press/download.php?idx={idx}&no=0")
    )
    for capture in (release, photo, hwp):
        assert replay.replayed(collection, capture, {}) == replay.served(capture, {})
    assert replay.replayed(collection, photo, {})[:3] == b"\xff\xd8\xff"  # a JPEG
    assert replay.replayed(collection, hwp, {})[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def test_the_warc_passes_warcio_check_with_a_response_and_a_request_per_capture(
    replay: Replay,
) -> None:
    check = subprocess.run(
        [str(BIN / "warcio"), "check", str(replay.warc)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    kinds: dict[str, list[str]] = {}
    gzipped: dict[str, bytes] = {}
    with replay.warc.open("rb") as handle:
        for record in ArchiveIterator(handle):
            uri = record.rec_headers.get_header("WARC-Target-URI")
            kinds.setdefault(record.rec_type, []).append(uri)
            if (
                record.rec_type == "response"
                and record.http_headers.get_header("Content-Encoding") == "gzip"
            ):
                gzipped[uri] = record.raw_stream.read()
    responded = [capture for capture in replay.captures if capture.status is not None]
    assert kinds["warcinfo"] == [None]
    assert sorted(kinds["response"] + kinds.get("revisit", [])) == sorted(
        target_uri(capture) for capture in responded
    )
    assert sorted(kinds["request"]) == sorted(target_uri(capture) for capture in responded)
    article = _articles(replay)[0]
    served = replay.served(article, GZIP)
    assert served[:2] == b"\x1f\x8b"
    assert gzipped[target_uri(article)] == served


@pytest.mark.parametrize("collection", ["warc", "wacz"])
def test_articles_replay_raw_byte_identical(replay: Replay, collection: str) -> None:
    for capture in _articles(replay):
        # as the crawler asked (gzip accepted): the gzip bytes the portal sent the
        # crawl, and sends again
        replayed = replay.replayed(collection, capture, GZIP)
        assert replayed == capture.payload
        assert replayed == replay.served(capture, GZIP)
        # a client that takes no gzip gets the page decoded
        assert replay.replayed(collection, capture, {}) == replay.served(capture, {})


@pytest.mark.parametrize("collection", ["warc", "wacz"])
def test_an_euckr_page_and_a_hangul_url_replay(replay: Replay, collection: str) -> None:
    euckr = [
        capture
        for capture in replay.captures
        if "euc-kr" in (capture.response_header("Content-Type") or "")
    ]
    assert euckr
    for capture in euckr:
        replayed = replay.replayed(collection, capture, GZIP)
        assert replayed == replay.served(capture, GZIP)
        assert EXTENDED_HANGUL in replayed.decode("cp949")
    hangul = [
        capture
        for capture in replay.captures
        if capture.outcome == "article" and re.search("[가-힣]", unquote(target_uri(capture)))
    ]
    assert hangul
    for capture in hangul[:3]:
        assert replay.replayed(collection, capture, GZIP) == replay.served(capture, GZIP)
