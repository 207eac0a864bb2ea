"""What complete captures cost: the sample portal's press board and Gnuboard
paper (``--articles`` each) crawled with ``requisites: all`` and with
``requisites: none``, each into a fresh SQLite archive, delays off.

Prints, per 1,000 articles: the requests sent; the requisites kept and the
bytes they hold, as fetched and as stored (once by digest, compressed);
then each crawl's articles/s and CPU seconds (the crawl process and its
extraction workers), and the cost of requisites in throughput; then, per
attachment type, the milliseconds ``pipelines.attachment_text`` takes to read
a file's text (the stored files read again, ``--reads`` times each).

    python benchmarks/requisites.py --articles 500
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text

from pipelines.attachment_text import read_attachment
from sample_portal import SamplePortal, serve
from sample_portal.press_board import PRESS_BOARD

ROOT = Path(__file__).resolve().parent.parent
SITES = ("gnuboard", PRESS_BOARD)
FAST = (
    "AUTOTHROTTLE_ENABLED=0",
    "DOWNLOAD_DELAY=0",
    "CONCURRENT_REQUESTS=32",
    "CONCURRENT_REQUESTS_PER_DOMAIN=16",
    "LOG_LEVEL=WARNING",
)


@dataclass
class Crawl:
    """One way of crawling the sites: what it sent, kept and cost."""

    choice: str
    articles: int
    requests: int
    seconds: float
    cpu_seconds: float
    requisites: int
    fetched_bytes: int  # the stored requisites' bytes, counted for each article carrying them
    stored_bytes: int  # their payloads, once by digest, as stored (compressed; kept pages aside)
    payload_bytes: int  # the same payloads uncompressed

    def per_thousand(self, value: float) -> float:
        return value * 1000 / self.articles


def crawl(choice: str, articles: int, folder: Path) -> Crawl:
    """Serve the sites afresh, crawl them one after the other with ``choice``."""
    portal = SamplePortal(sites=["gnuboard"], articles_per_site=articles, press_board=True)
    database = f"sqlite:///{folder / f'{choice}.db'}"
    seconds = cpu = 0.0
    with serve(portal) as base_url:
        sites = folder / f"sites-{choice}.yaml"
        listed = portal.sites_yaml(base_url).replace(
            "    list_url:", f"    requisites: {choice}\n    list_url:"
        )
        sites.write_text(listed, encoding="utf-8")
        env = {**os.environ, "DATABASE_URL": database, "NEWSARCHIVE_SITES": str(sites)}
        for site in SITES:
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "-m", "scrapy", "crawl", "portal", "-a", f"site={site}",
                 *(arg for setting in FAST for arg in ("-s", setting))],
                cwd=ROOT, env=env, capture_output=True, text=True, check=False,
            )  # fmt: skip
            seconds += time.perf_counter() - started
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu += after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
            if done.returncode != 0:
                sys.exit(f"{site} ({choice}): exit {done.returncode}\n{done.stderr[-2000:]}")
        requests = sum(portal.hits.values())
    engine = create_engine(database)
    with engine.connect() as connection:
        count, requisites, fetched = connection.execute(
            text(
                "SELECT (SELECT count(*) FROM articles), count(*), coalesce(sum(size), 0) "
                "FROM requisites WHERE status = 'stored'"
            )
        ).one()
        stored, payload = connection.execute(
            text(
                "SELECT coalesce(sum(length(body_zlib)), 0), coalesce(sum(size), 0) FROM payloads "
                "WHERE sha256 IN (SELECT sha256 FROM requisites)"
            )
        ).one()
    engine.dispose()
    return Crawl(choice, count, requests, seconds, cpu, requisites, fetched, stored, payload)


def reading_times(database: str, reads: int) -> dict[str, list[float]]:
    """Milliseconds to read each stored attachment's text, by its type."""
    times: dict[str, list[float]] = {}
    engine = create_engine(database)
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT DISTINCT requisites.file_type, requisites.name, payloads.body_zlib "
                "FROM requisites JOIN payloads ON payloads.sha256 = requisites.sha256 "
                "WHERE requisites.kind = 'attachment'"
            )
        ).all()
    engine.dispose()
    for file_type, name, body_zlib in rows:
        data = zlib.decompress(body_zlib)
        for _ in range(reads):
            started = time.perf_counter()
            read_attachment(data, name)
            times.setdefault(file_type or "unknown", []).append(
                (time.perf_counter() - started) * 1000
            )
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=500, help="articles per site")
    parser.add_argument("--reads", type=int, default=3, help="reads of each stored file")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        kept, bare = crawl("all", options.articles, folder), crawl("none", options.articles, folder)
        times = reading_times(f"sqlite:///{folder / 'all.db'}", options.reads)
    print(
        f"{len(SITES)} sample sites ({', '.join(SITES)}) of {options.articles} articles, "
        f"crawled one after the other, delays off; {os.cpu_count()} cores"
    )
    print(f"{'per 1,000 articles':<38} {'requisites: all':>16} {'requisites: none':>17}")
    for label, value in (
        ("requests", lambda c: c.per_thousand(c.requests)),
        ("requisites stored", lambda c: c.per_thousand(c.requisites)),
        ("requisites' bytes, each article's, MB", lambda c: c.per_thousand(c.fetched_bytes) / 1e6),
        ("payload bytes, once by digest, MB", lambda c: c.per_thousand(c.payload_bytes) / 1e6),
        ("as stored (compressed), MB", lambda c: c.per_thousand(c.stored_bytes) / 1e6),
        ("CPU seconds", lambda c: c.per_thousand(c.cpu_seconds)),
    ):
        print(f"{label:<38} {value(kept):>16.2f} {value(bare):>17.2f}")
    for run in (kept, bare):
        print(
            f"requisites: {run.choice:<5} {run.articles} articles in {run.seconds:.1f} s: "
            f"{run.articles / run.seconds:.1f} articles/s, "
            f"{run.cpu_seconds * 1000 / run.articles:.1f} CPU ms/article"
        )
    ratio = (kept.articles / kept.seconds) / (bare.articles / bare.seconds)
    print(f"throughput with requisites: {ratio:.2f}x that without them")
    if kept.fetched_bytes:
        share = kept.payload_bytes / kept.fetched_bytes
        print(f"stored once by digest: {share:.1%} of the bytes the articles carry")
    print(f"{'attachment text':<16} {'files read':>10} {'median ms':>10} {'max ms':>8}")
    for file_type, spent in sorted(times.items()):
        print(
            f"{file_type:<16} {len(spent) // options.reads:>10} "
            f"{statistics.median(spent):>10.2f} {max(spent):>8.2f}"
        )


if __name__ == "__main__":
    main()
