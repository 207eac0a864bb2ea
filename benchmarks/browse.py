"""``scrapy browse`` on a large archive: how long the browse view takes to open
and to answer searches.

    .venv/bin/python benchmarks/browse.py                     # 100,000 articles
    .venv/bin/python benchmarks/browse.py --articles 20000 --keep archive.db  # reused next time
    .venv/bin/python benchmarks/browse.py --articles 1000000 --keep big.db
    .venv/bin/python benchmarks/browse.py --database postgresql://u@host/db --keep mirror.db

An archive is filled with the sample portal's generated Korean stories
(``sample_portal.content.Newsroom``: titles, bylines, 3 to 9 paragraphs, three
sites, one every 17 minutes; past 50,000 the stories are told again, at new
times and URLs), written through the archive's own schema, so the search
indexes are filled by their triggers as a crawl's writes would. An SQLite
archive is the file ``--keep`` names (or a scratch one); ``--database`` names
an empty PostgreSQL database to fill instead (one already holding articles is
used as it is), browsed through its SQLite mirror (``--keep``): started twice,
the second time after ``--new`` more articles were written. Then ``scrapy
browse`` is started as a user starts it, and timed: until the database page
answers (open: wall and CPU time; a mirror's is served at once, catching up
in the background: then how long that took), then the canned query ``search`` (JSON)
for three-character and longer queries (the trigram index) and for two- and
one-character queries (the short-query index), the article list with its
three facets (HTML), unsearched and searched, and the landing page (HTML):
each query, the latest articles, and a search of one site and one month, its
second page. Each is run 5 times: the first (cold) and the median are
printed. The database's size per article is printed too.
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

from sqlalchemy import Engine, insert, select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sample_portal.content import Newsroom, Story  # noqa: E402
from storage.archive import Archive  # noqa: E402
from storage.models import Article, Capture, Site  # noqa: E402
from storage.types import SEOUL  # noqa: E402

SITES = ("gnuboard", "newscms", "generic")
START = datetime(2021, 1, 1, 6, 0, tzinfo=SEOUL)
CHUNK = 2000
DISTINCT = 50_000  # stories generated; past these they are told again
QUERIES = ("청년 버스킹", "지원사업", "경산", "軍")
# the landing page's search of one site and one month (within the first 20,000 articles)
MONTH = {"q": "지원사업", "site": "newscms", "since": "2021-03-01", "until": "2021-03-31"}


def fill(archive: Archive, count: int, start: int = 0) -> float:
    """Write ``count`` generated stories (numbered from ``start``, into the
    archive's sites, made if missing); the seconds it took."""
    newsroom = Newsroom(seed=13)
    stories: dict[int, Story] = {}
    began = time.perf_counter()
    with archive.engine.begin() as connection:
        site_ids = [
            connection.execute(
                select(Site.__table__.c.id).where(Site.__table__.c.name == name)
            ).scalar_one_or_none()
            or connection.execute(
                insert(Site.__table__).returning(Site.__table__.c.id),
                dict(name=name, cms=None, list_url=f"http://{name}.example/?page={{page}}"),
            ).scalar_one()
            for name in SITES
        ]
    for first in range(start, start + count, CHUNK):
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
            for n in range(first, min(first + CHUNK, start + count)):
                site = n % len(SITES)
                published = START + timedelta(minutes=17 * n)
                if n % DISTINCT not in stories:
                    stories[n % DISTINCT] = newsroom.story(SITES[site], published)
                story = stories[n % DISTINCT]
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


def build(url: str, count: int) -> None:
    archive = Archive.open(url)
    seconds = fill(archive, count)
    archive.close()
    print(
        f"archive: {count:,} articles written in {seconds:.1f} s "
        f"({count / seconds:,.0f}/s, search indexes filled by their triggers)"
    )


def articles_in(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.execute(text("SELECT count(*) FROM articles")).scalar_one()


def size(engine: Engine, path: Path | None) -> None:
    """Print the database's size, and the SQLite file's (the archive or the mirror)."""
    count = articles_in(engine)
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            total = connection.execute(
                text("SELECT pg_database_size(current_database())")
            ).scalar_one()
        print(f"PostgreSQL: {total / 2**20:,.0f} MiB, {total / count / 1024:.1f} KiB an article")
    if path is not None and path.exists():
        total = sum(f.stat().st_size for f in path.parent.glob(path.name + "*"))
        per = total / count / 1024
        print(f"SQLite {path.name}: {total / 2**20:,.0f} MiB, {per:.1f} KiB an article")


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
        "--keep", metavar="FILE", help="the SQLite archive (or mirror) to build and keep, or reuse"
    )
    parser.add_argument(
        "--database", metavar="URL", help="a PostgreSQL database to fill and browse"
    )
    parser.add_argument(
        "--new", type=int, default=1000, help="PostgreSQL: articles added between starts"
    )
    opts = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(opts.keep or Path(scratch) / "archive.db").resolve()
        if opts.database:
            postgresql(opts.database, path, opts.articles, opts.new)
            return 0
        if path.exists():
            print(f"archive: {path} as it is")
        else:
            build(f"sqlite:///{path}", opts.articles)
        archive = Archive.open(f"sqlite:///{path}")
        size(archive.engine, path)
        archive.close()
        serve(path, {"DATABASE_URL": f"sqlite:///{path}"})
    return 0


def postgresql(url: str, path: Path, count: int, new: int) -> None:
    """Fill the PostgreSQL archive (when empty), browse it through its mirror
    at ``path``, write ``new`` articles, browse it again."""
    archive = Archive.open(url)
    held = articles_in(archive.engine)
    if held:
        print(f"archive: {url} as it is, {held:,} articles")
    else:
        build(url, count)
        held = count
    environment = {"DATABASE_URL": url}
    serve(path, environment, ("--snapshot", str(path)), searches=False)
    seconds = fill(archive, new, start=held)
    print(f"archive: {new:,} more articles written in {seconds:.1f} s")
    serve(path, environment, ("--snapshot", str(path)))
    size(archive.engine, path)
    archive.close()


def serve(
    path: Path, environment: dict[str, str], options: tuple[str, ...] = (), searches: bool = True
) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    began = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "scrapy", "browse", "--port", str(port), *options],
        cwd=ROOT,
        env={**os.environ, **environment},
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        wait_for(process, f"{base}/{path.stem}")
        opened = time.perf_counter() - began
        print(
            f"open: `scrapy browse` answered its database page {opened:.2f} s after start "
            f"({cpu_seconds(process.pid):.2f} s of CPU)"
        )
        print(f"caught up: the mirror {caught_up(process, base):.1f} s after it answered")
        if not searches:
            return
        for query in QUERIES:
            quoted = urllib.parse.quote(query)
            report(
                f"search {query!r} (json)",
                f"{base}/{path.stem}/search.json?q={quoted}&_shape=array",
            )
        report("article list, newest first, 3 facets (html)", f"{base}/{path.stem}/article_index")
        for query in ("지원사업", "경산"):
            report(
                f"article list, _q={query!r}, 3 facets (html)",
                f"{base}/{path.stem}/article_index?_q={urllib.parse.quote(query)}",
            )
        for query in QUERIES:
            report(f"landing page q={query!r} (html)", f"{base}/?q={urllib.parse.quote(query)}")
        report("landing page, the latest articles (html)", f"{base}/")
        report(
            "landing page q='지원사업', one site, one month, page 2 (html)",
            f"{base}/?{urllib.parse.urlencode(MONTH | {'page': 2})}",
        )
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)
        out, _ = process.communicate(timeout=30)
        print("  " + "\n  ".join(out.strip().splitlines()))


def cpu_seconds(pid: int) -> float:
    """The CPU time process ``pid`` has used (a loaded machine stretches wall time)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_for(process: subprocess.Popen[str], url: str) -> None:
    """Wait until ``scrapy browse`` in ``process`` answers ``url``."""
    while True:
        try:
            timed_get(url)
            return
        except OSError:
            if process.poll() is not None:
                raise SystemExit(f"scrapy browse exited with {process.returncode}") from None
            time.sleep(0.05)


def caught_up(process: subprocess.Popen[str], base: str) -> float:
    """Wait until the landing page at ``base`` no longer says the mirror is
    catching up (``browsing.catching_up``); the seconds it took."""
    began = time.perf_counter()
    while b'class="catching-up"' in timed_get(f"{base}/")[1]:
        if process.poll() is not None:
            raise SystemExit(f"scrapy browse exited with {process.returncode}")
        time.sleep(1)
    return time.perf_counter() - began


def answers(url: str, times: int = 5) -> tuple[list[float], bytes, int]:
    """``url`` asked ``times`` times: the seconds each took, the last body and HTTP status."""
    spent, body, status = [], b"", 200
    for _ in range(times):
        try:
            seconds, body = timed_get(url)
        except urllib.error.HTTPError as error:
            seconds, body, status = 0.0, error.read(), error.code
        spent.append(seconds)
    return spent, body, status


def report(label: str, url: str) -> None:
    times, body, status = answers(url)
    rows = body.count(b'"id":') if url.find(".json") > 0 else None
    found = f", {rows} rows" if rows is not None else ""
    failed = f", HTTP {status}" if status != 200 else ""
    if b'class="problems"' in body:  # the landing page's search outlasted the time limit
        failed += ", the page names a problem"
    first, median = times[0] * 1000, statistics.median(times) * 1000
    print(f"{label}: first {first:.0f} ms, median {median:.0f} ms{found}{failed}")


if __name__ == "__main__":
    raise SystemExit(main())
