"""``scrapy browse`` on a large archive: how long the browse view takes to open
and to answer searches.

    .venv/bin/python benchmarks/browse.py                     # 100,000 articles
    .venv/bin/python benchmarks/browse.py --articles 20000 --keep archive.db  # reused next time

An SQLite archive is filled with the sample portal's generated Korean stories
(``sample_portal.content.Newsroom``: titles, bylines, 3 to 9 paragraphs, three
sites, one every 17 minutes), written through the archive's own schema, so
the search index is filled by its triggers as a crawl's writes would. Then
``scrapy browse`` is started as a user starts it, and timed: until the
database page answers (open), then the canned query ``search`` (JSON) for a
three-character and longer query (the trigram index) and for a two-character
query (the substring scan), the searched article list with its three
facets (HTML), and the landing page (HTML): each query, the latest articles,
and a search of one site and one month, its second page. Each search is
run 5 times: the first (cold) and the median are printed.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import zlib
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sample_portal.content import Newsroom  # noqa: E402
from storage.archive import Archive  # noqa: E402
from storage.models import Article, Capture, Site  # noqa: E402
from storage.types import SEOUL  # noqa: E402

SITES = ("gnuboard", "newscms", "generic")
START = datetime(2021, 1, 1, 6, 0, tzinfo=SEOUL)
CHUNK = 2000
QUERIES = ("청년 버스킹", "지원사업", "경산", "軍")


def fill(archive: Archive, count: int) -> float:
    """Write ``count`` generated stories; the seconds it took."""
    newsroom = Newsroom(seed=13)
    began = time.perf_counter()
    with archive.engine.begin() as connection:
        site_ids = [
            connection.execute(
                insert(Site.__table__).returning(Site.__table__.c.id),
                dict(name=name, cms=None, list_url=f"http://{name}.example/?page={{page}}"),
            ).scalar_one()
            for name in SITES
        ]
    for first in range(0, count, CHUNK):
        with archive.engine.begin() as connection:
            capture_id = connection.execute(
                insert(Capture.__table__).returning(Capture.__table__.c.id),
                dict(
                    site_id=site_ids[0],
                    url="http://fill.example/",
                    final_url="http://fill.example/",
                    status=200,
                    headers={},
                    body_zlib=zlib.compress(b"<html></html>"),
                    fetched_at=START,
                    outcome="article",
                ),
            ).scalar_one()
            rows = []
            for n in range(first, min(first + CHUNK, count)):
                site = n % len(SITES)
                published = START + timedelta(minutes=17 * n)
                story = newsroom.story(SITES[site], published)
                rows.append(
                    dict(
                        site_id=site_ids[site],
                        url=f"http://{SITES[site]}.example/{n}",
                        title=story.title,
                        author=story.author,
                        published=published,
                        body="\n\n".join(story.paragraphs),
                        content_hash=f"{n:064d}",
                        extractor_version="bench",
                        capture_id=capture_id,
                    )
                )
            connection.execute(insert(Article.__table__), rows)
    return time.perf_counter() - began


def build(path: Path, count: int) -> None:
    archive = Archive.open(f"sqlite:///{path}")
    seconds = fill(archive, count)
    with archive.engine.connect() as connection:
        indexed = connection.execute(text("SELECT count(*) FROM articles_fts")).scalar_one()
    archive.close()
    size = sum(f.stat().st_size for f in path.parent.glob(path.name + "*")) / 2**20
    print(
        f"archive: {count:,} articles written in {seconds:.1f} s "
        f"({count / seconds:,.0f}/s, search index filled by triggers: "
        f"{indexed:,} rows); {size:,.0f} MiB on disk"
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def timed_get(url: str) -> tuple[float, bytes]:
    began = time.perf_counter()
    with urllib.request.urlopen(url, timeout=120) as response:
        body = response.read()
    return time.perf_counter() - began, body


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument(
        "--keep", metavar="FILE", help="build the archive here and keep it (or reuse it)"
    )
    opts = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(opts.keep or Path(scratch) / "archive.db").resolve()
        if path.exists():
            print(f"archive: {path} as it is")
        else:
            build(path, opts.articles)
        serve(path)
    return 0


def serve(path: Path) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    environment = {**os.environ, "DATABASE_URL": f"sqlite:///{path}"}
    began = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "scrapy", "browse", "--port", str(port)],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        while True:
            try:
                timed_get(f"{base}/{path.stem}")
                break
            except OSError:
                if process.poll() is not None:
                    raise SystemExit(f"scrapy browse exited with {process.returncode}") from None
                time.sleep(0.05)
        opened = time.perf_counter() - began
        print(f"open: `scrapy browse` answered its database page {opened:.2f} s after start")
        for query in QUERIES:
            quoted = urllib.parse.quote(query)
            report(
                f"search {query!r} (json)",
                f"{base}/{path.stem}/search.json?q={quoted}&_shape=array",
            )
        report(
            "article list, _q='지원사업', 3 facets (html)",
            f"{base}/{path.stem}/article_index?_q={urllib.parse.quote('지원사업')}",
        )
        for query in QUERIES:
            report(f"landing page q={query!r} (html)", f"{base}/?q={urllib.parse.quote(query)}")
        report("landing page, the latest articles (html)", f"{base}/")
        month = {"q": "지원사업", "site": "newscms", "since": "2022-03-01", "until": "2022-03-31"}
        report(
            "landing page q='지원사업', one site, one month, page 2 (html)",
            f"{base}/?{urllib.parse.urlencode(month | {'page': 2})}",
        )
    finally:
        os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=30)


def report(label: str, url: str) -> None:
    times, body = [], b""
    for _ in range(5):
        try:
            seconds, body = timed_get(url)
        except urllib.error.HTTPError as error:  # Datasette's time limit: 400
            print(f"{label}: HTTP {error.code} after {len(times)} answers")
            return
        times.append(seconds)
    rows = body.count(b'"id":') if url.find(".json") > 0 else None
    found = f", {rows} rows" if rows is not None else ""
    first, median = times[0] * 1000, statistics.median(times) * 1000
    print(f"{label}: first {first:.0f} ms, median {median:.0f} ms{found}")


if __name__ == "__main__":
    raise SystemExit(main())
