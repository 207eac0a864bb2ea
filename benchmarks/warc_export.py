"""WARC export: speed (captures/s) and the size of the ``.warc.gz`` against
the archive's capture table; and what keeping a gzip-encoded payload costs,
stored beside the decoded body or decoded on demand.

    .venv/bin/python benchmarks/warc_export.py                    # 10,000 captures
    .venv/bin/python benchmarks/warc_export.py --captures 50000 --gzip-level 1

The captures are the sample portal's article pages (its three sites' markup),
sent gzip-encoded at ``--gzip-level`` (nginx defaults to 1, Apache to 6) and
stored as the archive writer stores them (``storage.exchange``) in an
SQLite archive (or ``--database-url``). The table's size is SQLite's page
count for ``captures`` and its indexes (``dbstat``), else the stored bytes.
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import sys
import tempfile
import time
import zlib
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import func, insert, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sample_portal import SamplePortal
from storage.archive import Archive
from storage.exchange import Exchange, received_columns
from storage.export import ExportFilter
from storage.models import Capture
from storage.payload import decode
from storage.types import SEOUL
from storage.warc import WarcInfo, export_warc

START = datetime(2024, 1, 1, 9, 0, tzinfo=SEOUL)
CHUNK = 1000


def pages(count: int) -> list[tuple[str, bytes]]:
    """``count`` article pages of the sample portal: (URL, body as served)."""
    portal = SamplePortal(articles_per_site=-(-count // 3) + 2)
    found = []
    for site in portal.sites:
        for article in portal.articles(site):
            if not article.notice:
                status, _, body = portal.render(article.path)
                assert status == 200, article.path
                found.append((f"http://127.0.0.1:8000{article.path}", body))
    return found[:count]


def exchange(url: str, payload: bytes) -> Exchange:
    return Exchange(
        method="GET",
        request_url=url,
        request_headers=[
            ("Host", "127.0.0.1:8000"),
            ("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
            ("User-Agent", "newsarchive/0.1"),
            ("Accept-Encoding", "gzip, deflate, br, zstd"),
        ],
        http_version="HTTP/1.1",
        reason="OK",
        response_headers=[
            ("Server", "nginx"),
            ("Date", "Mon, 01 Jan 2024 00:00:00 GMT"),
            ("Content-Type", "text/html; charset=utf-8"),
            ("Content-Encoding", "gzip"),
            ("Content-Length", str(len(payload))),
        ],
        ip_address="127.0.0.1",
        payload=payload,
    )


def fill(archive: Archive, served: list[tuple[str, bytes]], level: int) -> None:
    site = archive.site_id("bench", None, "http://127.0.0.1:8000/?page={page}")
    with archive.engine.begin() as connection:
        for start in range(0, len(served), CHUNK):
            rows = []
            for n, (url, body) in enumerate(served[start : start + CHUNK], start):
                when = START + timedelta(seconds=n)
                rows.append(
                    {
                        "site_id": site,
                        "url": url,
                        "final_url": url,
                        "status": 200,
                        "headers": {"Content-Type": "text/html; charset=utf-8"},
                        "fetched_at": when,
                        "outcome": "article",
                        "published": when,
                        "decoded_only": False,
                        **received_columns(
                            exchange(url, gzip.compress(body, level, mtime=0)), body
                        ),
                    }
                )
            connection.execute(insert(Capture), rows)


def table_bytes(archive: Archive) -> tuple[int, str]:
    """The capture table's size, and how it was measured."""
    with archive.engine.connect() as connection:
        if archive.engine.dialect.name == "sqlite":
            size = connection.execute(
                text(
                    "SELECT SUM(pgsize) FROM dbstat WHERE name = 'captures' "
                    "OR name IN (SELECT name FROM sqlite_master "
                    "WHERE type = 'index' AND tbl_name = 'captures')"
                )
            ).scalar()
            return int(size), "SQLite pages of the table and its indexes"
        if archive.engine.dialect.name == "postgresql":
            size = connection.execute(text("SELECT pg_total_relation_size('captures')")).scalar()
            return int(size), "pg_total_relation_size"
        stored = connection.execute(
            select(func.sum(func.length(Capture.body_zlib) + func.length(Capture.payload)))
        ).scalar()
        return int(stored), "stored body bytes"


def per_page_us(work: list[bytes], step: Callable[[bytes], object], rounds: int = 3) -> float:
    """The time ``step`` takes per item of ``work``: the best of ``rounds`` passes."""
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        for data in work:
            step(data)
        best = min(best, time.perf_counter() - started)
    return best / len(work) * 1e6


def store_both_or_decode(served: list[tuple[str, bytes]], level: int) -> None:
    """What each way of keeping a gzip payload costs, per page."""
    bodies = [body for _, body in served]
    payloads = [gzip.compress(body, level, mtime=0) for body in bodies]
    stored = [zlib.compress(body) for body in bodies]
    print(f"\n-- keeping a gzip-encoded page ({len(bodies)} pages, gzip level {level}) --")
    print(f"decoded body, mean                 {statistics.mean(map(len, bodies)):9.0f} B")
    print(f"gzip payload as received, mean     {statistics.mean(map(len, payloads)):9.0f} B")
    print(f"zlib of the decoded body, mean     {statistics.mean(map(len, stored)):9.0f} B")
    both = sum(map(len, payloads)) + sum(map(len, stored))
    print(
        f"store both: {both / 2**20:8.1f} MiB   decode on demand: "
        f"{sum(map(len, payloads)) / 2**20:8.1f} MiB"
    )
    compress = per_page_us(bodies, zlib.compress)
    print(f"store both, at save: zlib.compress of the body      {compress:7.1f} us/page")
    inflate_stored = per_page_us(stored, zlib.decompress)
    decoded = per_page_us(payloads, lambda payload: decode(payload, "gzip"))
    print(f"store both, at read: zlib.decompress of the body    {inflate_stored:7.1f} us/page")
    print(f"decode on demand, at read: gunzip of the payload    {decoded:7.1f} us/page")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--captures", type=int, default=10_000)
    parser.add_argument("--gzip-level", type=int, default=6)
    parser.add_argument("--database-url", help="default: an SQLite file in a temporary directory")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        url = args.database_url or f"sqlite:///{Path(work) / 'archive.db'}"
        started = time.perf_counter()
        served = pages(args.captures)
        print(
            f"rendered {len(served)} sample-portal pages in {time.perf_counter() - started:.1f} s"
        )
        archive = Archive.open(url)
        fill(archive, served, args.gzip_level)
        size, how = table_bytes(archive)
        out = Path(work) / "bench.warc.gz"
        info = WarcInfo.of("newsarchive/0.1", robots_obeyed=True)
        started = time.perf_counter()
        done = export_warc(archive.engine, out, ExportFilter(), info, 1_000_000_000)
        seconds = time.perf_counter() - started
        warc = sum(file.stat().st_size for file in done.files)
        print(f"\n-- WARC export of {done.captures} captures --")
        print(
            f"records: {done.responses} responses, {done.revisits} revisits, "
            f"{done.requests} requests, in {len(done.files)} file(s)"
        )
        print(f"time: {seconds:.2f} s  ->  {done.captures / seconds:,.0f} captures/s")
        print(f"capture table: {size / 2**20:8.1f} MiB ({how})")
        print(f".warc.gz:      {warc / 2**20:8.1f} MiB  = {warc / size:.2f} x the capture table")
        archive.close()
        store_both_or_decode(served, args.gzip_level)


if __name__ == "__main__":
    main()
