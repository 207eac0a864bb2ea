"""Backfill and resume: how long a backfill of N sample articles takes, and how
long its resume takes after a ``kill -9`` at half.

Serves N sample articles on 127.0.0.1 (delays off), then
1. backfills the whole archive into a fresh SQLite archive, uninterrupted;
2. starts the same backfill into another fresh archive, kills it with SIGKILL
   once half the articles are captured, and runs the same command again;
and prints the times, whether both archives hold the same articles, and how
many pages the resume fetched again (captures twice, list pages read twice).

    python benchmarks/backfill.py --articles 2000
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError
from throughput import FAST, LIST_PATHS, ROOT, count_rows, serve_portal, write_sites

SINCE, UNTIL = "2000-01-01", "2024-12-31"  # every sample article is inside
TWICE_CAPTURED = "SELECT count(*) FROM (SELECT url FROM captures GROUP BY url HAVING count(*) > 1)"
LIST_PAGES_TWICE = (
    "SELECT count(*) FROM (SELECT number FROM run_list_pages GROUP BY number HAVING count(*) > 1)"
)


def crawl_command(site: str) -> list[str]:
    flags = [arg for key, value in FAST.items() for arg in ("-s", f"{key}={value}")]
    return [
        sys.executable,
        "-m",
        "scrapy",
        "crawl",
        "portal",
        "-a",
        f"site={site}",
        "-a",
        f"since={SINCE}",
        "-a",
        f"until={UNTIL}",
        *flags,
    ]


def timed_run(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"crawl failed ({result.returncode}):\n{result.stderr[-3000:]}")
    return time.perf_counter() - started


def run_killed_at(command: list[str], env: dict[str, str], db: str, captures: int) -> float:
    """Start the crawl, SIGKILL it once ``captures`` pages are stored; seconds it ran."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    engine = create_engine(db)
    try:
        while process.poll() is None:
            with engine.connect() as connection:
                if _stored(connection) >= captures:
                    break
            time.sleep(0.05)
    finally:
        engine.dispose()
    if process.poll() is not None:
        sys.exit("the crawl ended before it could be killed: use more --articles")
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    return time.perf_counter() - started


def _stored(connection) -> int:  # type: ignore[no-untyped-def]
    try:
        return connection.execute(text("SELECT count(*) FROM captures")).scalar_one()
    except OperationalError:  # no table yet: the crawl has not migrated the archive
        return 0


def article_urls(db: str) -> set[str]:
    engine = create_engine(db)
    with engine.connect() as connection:
        urls = set(connection.execute(text("SELECT url FROM articles")).scalars())
    engine.dispose()
    return urls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--site", choices=sorted(LIST_PATHS), default="gnuboard")
    options = parser.parse_args()

    portal, base_url = serve_portal(options.articles, options.site)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            sites = write_sites(Path(tmp), options.site, base_url)
            env = {**os.environ, "NEWSARCHIVE_SITES": str(sites)}
            command = crawl_command(options.site)
            whole_db = f"sqlite:///{tmp}/whole.db"
            whole = timed_run(command, {**env, "DATABASE_URL": whole_db})
            killed_db = f"sqlite:///{tmp}/killed.db"
            killed_env = {**env, "DATABASE_URL": killed_db}
            before_kill = run_killed_at(command, killed_env, killed_db, options.articles // 2)
            at_kill = count_rows(killed_db, "SELECT count(*) FROM captures")
            resume = timed_run(command, killed_env)
            same = article_urls(whole_db) == article_urls(killed_db)
            archived = count_rows(killed_db, "SELECT count(*) FROM articles")
            twice = count_rows(killed_db, TWICE_CAPTURED)
            lists_twice = count_rows(killed_db, LIST_PAGES_TWICE)
            runs = count_rows(killed_db, "SELECT count(*) FROM crawl_runs")
    finally:
        portal.terminate()
        portal.wait()

    print(
        f"backfill of {options.articles} sample articles ({options.site}, 20 per list page) "
        f"on {base_url}, {os.cpu_count()} cores, SQLite; wall-clock times on a shared machine"
    )
    print(f"{'uninterrupted backfill':<28} {whole:>7.1f} s")
    print(f"{'killed (SIGKILL) after':<28} {before_kill:>7.1f} s   {at_kill} pages captured")
    print(f"{'resume after the kill':<28} {resume:>7.1f} s   {archived} articles archived")
    print(f"{'killed + resume':<28} {before_kill + resume:>7.1f} s")
    print(
        f"same articles as the uninterrupted run: {'yes' if same else 'NO'}; "
        f"pages captured twice: {twice}; list pages read twice: {lists_twice}; runs: {runs}"
    )


if __name__ == "__main__":
    main()
