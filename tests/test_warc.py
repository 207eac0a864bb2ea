"""WARC and WACZ export of stored captures: warcinfo first, a response and a
request record per capture, revisits for identical payloads, decoded-only
captures rewritten consistently, files rolled over, nothing complete-looking
left by a killed export; captures keep the payload as received (decoded on
demand) and the migration marks older captures decoded-only."""

from __future__ import annotations

import gzip
import json
import os
import random
import signal
import subprocess
import sys
import time
import zipfile
import zlib
from datetime import date, datetime, timedelta
from io import BytesIO
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import insert, select, text
from warcio.archiveiterator import ArchiveIterator

from storage.archive import Archive
from storage.database import MIGRATIONS, create_archive_engine, open_database
from storage.exchange import Exchange, received_columns
from storage.export import ExportFilter
from storage.models import Capture
from storage.payload import decodable, decode
from storage.types import SEOUL
from storage.wacz import export_wacz
from storage.warc import WarcInfo, export_warc
from tests import test_runs
from tests.conftest import ROOT
from tests.test_storage import article

# the archive and site fixtures of the run tests
archive, site_id = test_runs.archive, test_runs.site_id
INFO = WarcInfo.of("newsarchive-test/1.0", robots_obeyed=True)
PAGE = (
    "<html><head><meta charset='utf-8'><title>경산발전</title></head>"
    "<body>경산발전 10대 전략</body></html>"
)
FETCHED = datetime(2024, 4, 20, 9, 0, tzinfo=SEOUL)


def exchange(url: str, body: bytes, encoding: str | None = "gzip") -> Exchange:
    """An exchange as ``storage.exchange`` records it; the payload gzip-encoded."""
    payload = gzip.compress(body, mtime=0) if encoding == "gzip" else body
    headers = [("Content-Type", "text/html; charset=utf-8")]
    if encoding:
        headers.append(("Content-Encoding", encoding))
    headers += [("Content-Length", str(len(payload))), ("Set-Cookie", "a=1"), ("Set-Cookie", "b=2")]
    return Exchange(
        method="GET",
        request_url=url,
        request_headers=[("Host", "news.example"), ("Accept-Encoding", "gzip, deflate, br")],
        http_version="HTTP/1.1",
        reason="OK",
        response_headers=headers,
        ip_address="127.0.0.1",
        payload=payload if encoding else None,
    )


def stored(
    site_id: int, url: str, body: bytes, exchange: Exchange | None, **columns: object
) -> Capture:
    """A capture as the archive writer stores it (``storage.exchange``)."""
    values: dict[str, object] = {
        "site_id": site_id,
        "url": url,
        "final_url": url,
        "status": 200,
        "headers": {"Content-Type": "text/html; charset=utf-8"},
        "fetched_at": FETCHED,
        "outcome": "article",
        "published": FETCHED,
        **received_columns(exchange, body),
    }
    return Capture(**{**values, **columns})


def records(path: Path) -> list:
    with path.open("rb") as handle:
        return [
            (
                record.rec_type,
                record.rec_headers,
                record.http_headers,
                record.raw_stream.read(),
            )
            for record in ArchiveIterator(handle)
        ]


def warcio_check(*paths: Path) -> subprocess.CompletedProcess[str]:
    warcio = Path(sys.executable).with_name("warcio")
    return subprocess.run(
        [str(warcio), "check", "-v", *map(str, paths)], capture_output=True, text=True, check=False
    )


def test_a_gzip_payload_is_stored_as_received_and_decoded_on_demand(
    archive: Archive, site_id: int
) -> None:
    body = PAGE.encode()
    sent = exchange("http://news.example/1", body)
    capture = stored(site_id, "http://news.example/1", body, sent)
    assert capture.body_zlib == b""  # the decoded body is not kept twice
    archive.save_page(capture, None)
    with archive.sessions() as session:
        row = session.get(Capture, capture.id)
        assert row is not None
        assert row.payload == sent.payload and row.payload[:2] == b"\x1f\x8b"
        assert row.body == body
        assert row.response_headers == [list(pair) for pair in sent.response_headers]
        assert row.request == {
            "method": "GET",
            "url": "http://news.example/1",
            "headers": [["Host", "news.example"], ["Accept-Encoding", "gzip, deflate, br"]],
        }
        assert (row.http_version, row.reason, row.ip_address) == ("HTTP/1.1", "OK", "127.0.0.1")
        assert not row.decoded_only


def test_identity_and_undecodable_payloads_keep_the_body() -> None:
    body = PAGE.encode()
    identity = received_columns(exchange("http://news.example/1", body, encoding=None), body)
    assert "payload" not in identity and zlib.decompress(identity["body_zlib"]) == body
    unknown = exchange("http://news.example/2", body, encoding="compress")
    unknown.payload = b"\x1f\x9d not decodable here"
    columns = received_columns(unknown, body)
    assert columns["payload"] == unknown.payload and zlib.decompress(columns["body_zlib"]) == body


def test_payloads_decode_as_servers_encode_them() -> None:
    body = PAGE.encode()
    raw_deflate = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    assert decode(gzip.compress(body[:40]) + gzip.compress(body[40:]), "gzip") == body
    assert decode(zlib.compress(body), "deflate") == body
    assert decode(raw_deflate.compress(body) + raw_deflate.flush(), "Deflate") == body
    assert decode(gzip.compress(zlib.compress(body)), "deflate, gzip") == body
    assert decodable("gzip") and decodable("x-gzip, identity")
    assert not decodable("compress") and not decodable(None)


def test_warc_records_per_capture(archive: Archive, site_id: int, tmp_path: Path) -> None:
    bodies = [PAGE.replace("10대", f"{n}대").encode() for n in range(3)]
    for n, body in enumerate(bodies):
        url = f"http://news.example/{n}"
        archive.save_page(stored(site_id, url, body, exchange(url, body)), None)
    # the same payload at another URL, later: a revisit of the first
    again = "http://news.example/again"
    archive.save_page(
        stored(
            site_id,
            again,
            bodies[0],
            exchange(again, bodies[0]),
            fetched_at=FETCHED.replace(hour=10),
        ),
        None,
    )
    path = tmp_path / "out.warc.gz"
    done = export_warc(archive.engine, path, ExportFilter(), INFO, 10**9)
    assert (done.captures, done.responses, done.revisits, done.requests) == (4, 3, 1, 4)
    assert done.files == [path]
    assert not list(tmp_path.glob("*.partial"))
    assert warcio_check(path).returncode == 0
    found = records(path)
    assert [kind for kind, *_ in found] == ["warcinfo"] + ["response", "request"] * 3 + [
        "revisit",
        "request",
    ]
    info = found[0][3].decode()
    assert "robots: classic" in info and "http-header-user-agent: newsarchive-test/1.0" in info
    assert "software: newsarchive/" in info
    _, warc, http, payload = found[1]
    assert warc.get_header("WARC-Target-URI") == "http://news.example/0"
    assert warc.get_header("WARC-Date") == "2024-04-20T00:00:00Z"
    assert warc.get_header("WARC-IP-Address") == "127.0.0.1"
    assert warc.get_header("WARC-Payload-Digest") and warc.get_header("WARC-Block-Digest")
    assert http.get_header("Content-Encoding") == "gzip"
    assert [v for k, v in http.headers if k == "Set-Cookie"] == ["a=1", "b=2"]
    assert gzip.decompress(payload) == bodies[0]
    request = found[2]
    assert request[1].get_header("WARC-Concurrent-To") == warc.get_header("WARC-Record-ID")
    assert request[2].protocol == "GET" and request[2].statusline == "/0 HTTP/1.1"
    revisit = found[7][1]
    assert revisit.get_header("WARC-Refers-To-Target-URI") == "http://news.example/0"
    assert revisit.get_header("WARC-Profile").endswith("/revisit/identical-payload-digest")


def test_warc_export_filters_like_the_other_formats(
    archive: Archive, site_id: int, tmp_path: Path
) -> None:
    other = archive.site_id("daejeon", None, "http://daejeon.example/?page={page}")
    body = PAGE.encode()
    for site, url, published in (
        (site_id, "http://news.example/18", FETCHED.replace(day=18)),
        (site_id, "http://news.example/19", FETCHED.replace(day=19, hour=23)),
        (other, "http://daejeon.example/19", FETCHED.replace(day=19)),
    ):
        archive.save_page(stored(site, url, body + url.encode(), None, published=published), None)

    def exported(wanted: ExportFilter) -> list[str]:
        path = tmp_path / "filtered.warc"
        export_warc(archive.engine, path, wanted, INFO, 10**9)
        return [warc.get_header("WARC-Target-URI") for kind, warc, *_ in records(path)[1:]]

    assert exported(ExportFilter(site="gyeongil")) == [
        "http://news.example/18",
        "http://news.example/19",
    ]
    # 23:00 in Seoul on the 19th is the 19th
    assert exported(ExportFilter(since=date(2024, 4, 19), until=date(2024, 4, 19))) == [
        "http://news.example/19",
        "http://daejeon.example/19",
    ]


def test_decoded_only_captures_have_headers_matching_their_body(
    archive: Archive, site_id: int, tmp_path: Path
) -> None:
    body = PAGE.encode()
    url = "http://news.example/기사/1"
    # as Scrapy left an older capture: decoded body, Content-Encoding gone, the sent length
    headers = {"Content-Type": "text/html; charset=utf-8", "Content-Length": "92"}
    archive.save_page(stored(site_id, url, body, None, headers=headers, decoded_only=True), None)
    path = tmp_path / "old.warc"
    export_warc(archive.engine, path, ExportFilter(), INFO, 10**9)
    assert warcio_check(path).returncode == 0
    found = records(path)
    assert [kind for kind, *_ in found] == ["warcinfo", "response"]  # the request was not kept
    _, warc, http, payload = found[1]
    assert warc.get_header("WARC-Target-URI") == ("http://news.example/%EA%B8%B0%EC%82%AC/1")
    assert http.get_header("X-Archive-Orig-Content-Length") == "92"
    assert http.get_header("Content-Length") == str(len(body))
    assert payload == body


def test_files_roll_over_each_with_its_warcinfo(
    archive: Archive, site_id: int, tmp_path: Path
) -> None:
    rng = random.Random(1)
    for n in range(6):
        body = PAGE.encode() + rng.randbytes(3000)
        url = f"http://news.example/{n}"
        archive.save_page(stored(site_id, url, body, exchange(url, body)), None)
    done = export_warc(archive.engine, tmp_path / "big.warc.gz", ExportFilter(), INFO, 5000)
    names = [file.name for file in done.files]
    assert names[:2] == ["big.warc.gz", "big-00001.warc.gz"] and len(names) >= 3
    assert warcio_check(*done.files).returncode == 0
    kinds = [[kind for kind, *_ in records(file)] for file in done.files]
    assert all(file[0] == "warcinfo" for file in kinds)
    assert sum(file.count("response") for file in kinds) == 6


def test_wacz_holds_the_warc_index_and_the_archive_pages(
    archive: Archive, site_id: int, tmp_path: Path
) -> None:
    body = PAGE.encode()
    url = "http://news.example/1"
    capture = stored(site_id, url, body, exchange(url, body))
    archive.save_page(capture, article(site_id, url))
    path = tmp_path / "out.wacz"
    export_wacz(archive.engine, path, ExportFilter(), INFO, 10**9)
    with zipfile.ZipFile(path) as wacz:
        assert wacz.getinfo("archive/data.warc.gz").compress_type == zipfile.ZIP_STORED
        pages = [json.loads(line) for line in wacz.read("pages/pages.jsonl").splitlines()]
        index = wacz.read("indexes/index.cdx").decode().splitlines()
        package = json.loads(wacz.read("datapackage.json"))
        warc = wacz.read("archive/data.warc.gz")
    assert pages[0]["format"] == "json-pages-1.0"
    assert [(p["url"], p["ts"], p["title"]) for p in pages[1:]] == [
        (url, "2024-04-20T00:00:00Z", "경산발전 10대 전략 추진")
    ]
    assert len(index) == 1 and '"filename": "data.warc.gz"' in index[0]
    assert package["wacz_version"] == "1.1.1"
    assert {r["path"] for r in package["resources"]} == {
        "archive/data.warc.gz",
        "indexes/index.cdx",
        "pages/pages.jsonl",
    }
    assert [r.rec_type for r in ArchiveIterator(BytesIO(warc))][:2] == ["warcinfo", "response"]
    assert not list(tmp_path.glob("*.partial")) and not list(tmp_path.glob(".wacz-*"))


def test_the_migration_marks_older_captures_decoded_only(database_url: str) -> None:
    engine = create_archive_engine(database_url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0005")
        connection.execute(
            text(
                "INSERT INTO sites (id, name, list_url, created_at) "
                "VALUES (1, 'old', 'http://old.example/', :now)"
            ),
            {"now": FETCHED},
        )
        connection.execute(
            text(
                "INSERT INTO captures (site_id, url, final_url, status, headers, body_zlib, "
                "fetched_at, outcome) VALUES (1, 'http://old.example/1', 'http://old.example/1', "
                "200, '{}', :body, :now, 'article')"
            ),
            {"body": zlib.compress(b"<html></html>"), "now": FETCHED},
        )
    engine.dispose()
    engine = open_database(database_url)  # migrates to the newest revision
    with engine.connect() as connection:
        assert connection.execute(select(Capture.decoded_only)).scalars().all() == [True]
    engine.dispose()
    archive = Archive.open(database_url)
    archive.save_page(stored(1, "http://old.example/2", b"x", None), None)
    with archive.engine.connect() as connection:
        flags = connection.execute(select(Capture.decoded_only).order_by(Capture.id)).scalars()
        assert flags.all() == [True, False]
    archive.close()


@pytest.mark.e2e  # runs scrapy export in a child process
def test_a_killed_export_leaves_no_complete_looking_file(tmp_path: Path) -> None:
    database_url = f"sqlite:///{tmp_path / 'archive.db'}"
    archive = Archive.open(database_url)
    site = archive.site_id("gyeongil", None, "http://news.example/?page={page}")
    rng = random.Random(2)
    with archive.engine.begin() as connection:
        for start in range(0, 6000, 500):
            rows = []
            for n in range(start, start + 500):
                url = f"http://news.example/{n}"
                body = PAGE.encode() + rng.randbytes(2000)
                capture = stored(site, url, body, exchange(url, body), decoded_only=False)
                capture.fetched_at = FETCHED + timedelta(seconds=n)
                rows.append(
                    {
                        c.key: getattr(capture, c.key)
                        for c in Capture.__table__.columns
                        if c.key != "id"
                    }
                )
            connection.execute(insert(Capture), rows)
    archive.close()
    out = tmp_path / "killed.warc.gz"
    partial = tmp_path / "killed.warc.gz.partial"
    export = subprocess.Popen(
        [sys.executable, "-m", "scrapy", "export", "-o", str(out)],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url},
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while not (partial.exists() and partial.stat().st_size > 0) and time.monotonic() < deadline:
        assert export.poll() is None, "the export ended before it could be killed"
        time.sleep(0.005)
    os.killpg(export.pid, signal.SIGKILL)
    export.wait()
    assert partial.exists()
    assert not out.exists()
    assert not list(tmp_path.glob("killed-*.warc.gz"))
