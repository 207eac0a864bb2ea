"""Crawl throughput: newsarchive's full pipeline against a plain spider.

Serves ``--sites`` sample sites of ``--articles`` articles each on 127.0.0.1
(delays off; Gnuboard and news-CMS sites in turn, each its own seed), crawls
them one after another as the scheduler does, start-ups included, into one
fresh archive with ``scrapy crawl portal`` (raw captures kept, extraction,
the archive writer; ``-s NAME=VALUE`` tries other settings), then with
``plain_spider.py`` (``trafilatura.extract`` in the callback, a row inserted
per article), and prints articles/s, CPU ms per article and the peak memory
of one crawl of each side by side; then the CPU of a daily run of the first
site that finds nothing new.

    python benchmarks/throughput.py --articles 2000
    python benchmarks/throughput.py --sites 6 --articles 500
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
LIST_PATHS = {
    "gnuboard": ("/bbs/board.php?bo_table=news&page={page}", "#bo_list .td_subject a::attr(href)"),
    "newscms": ("/news/section_list_all.html?page={page}", ".art_list_all a::attr(href)"),
}
# the plain spider stores a notice again from each list page: count articles once
PLAIN_DISTINCT = "SELECT count(DISTINCT title) FROM article"
FAST = {
    "AUTOTHROTTLE_ENABLED": "0",
    "DOWNLOAD_DELAY": "0",
    "CONCURRENT_REQUESTS": "32",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "16",
    "LOG_LEVEL": "WARNING",
}


@dataclass
class Measure:
    name: str
    articles: int
    seconds: float
    cpu_seconds: float
    peak_rss_mb: float

    def __add__(self, other: Measure) -> Measure:
        """Two crawls one after the other: summed, the higher peak."""
        return Measure(
            self.name,
            self.articles + other.articles,
            self.seconds + other.seconds,
            self.cpu_seconds + other.cpu_seconds,
            max(self.peak_rss_mb, other.peak_rss_mb),
        )

    def row(self) -> str:
        rate = self.articles / self.seconds
        cpu_ms = 1000 * self.cpu_seconds / max(self.articles, 1)
        return (
            f"{self.name:<22} {self.articles:>8} {self.seconds:>8.1f} {rate:>11.1f} "
            f"{cpu_ms:>13.1f} {self.peak_rss_mb:>12.0f}"
        )


def tree_rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and all its descendants, in MiB."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            status = (entry / "status").read_text()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                rss[int(entry.name)] = int(line.split()[1])
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        total += rss.get(current, 0)
        stack.extend(children.get(current, []))
    return total / 1024


def run_measured(
    name: str, command: list[str], env: dict[str, str], count: Callable[[], int]
) -> Measure:
    """Run ``command``; wall time, CPU of it and its children, peak tree RSS."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
    peak = 0.0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_rss_mb(process.pid))
            done.wait(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    stderr = process.stderr.read() if process.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{name} failed:\n{stderr[-3000:]}")
    return Measure(name, count(), seconds, usage.ru_utime + usage.ru_stime, peak)


def serve_portal(articles: int, site: str, seed: int) -> tuple[subprocess.Popen[str], str]:
    portal = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sample_portal",
            "--articles",
            str(articles),
            "--per-page",
            "20",
            "--port",
            "0",
            "--sites",
            site,
            "--seed",
            str(seed),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert portal.stdout is not None
    line = portal.stdout.readline().strip()
    if not line.startswith("READY "):
        sys.exit(f"sample portal did not start: {line!r}")
    return portal, line.split()[1]


def write_sites(folder: Path, served: dict[str, tuple[str, str]]) -> Path:
    """A sites.yaml in ``folder`` naming each served site (name: family, base URL)."""
    sites = folder / "sites.yaml"
    sites.write_text(
        "".join(
            f"- name: {name}\n  list_url: '{base_url}{LIST_PATHS[family][0]}'\n"
            for name, (family, base_url) in served.items()
        ),
        encoding="utf-8",
    )
    return sites


def count_rows(url: str, query: str) -> int:
    engine = create_engine(url)
    with engine.connect() as connection:
        found = connection.execute(text(query)).scalar_one()
    engine.dispose()
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000, help="articles per site")
    parser.add_argument("--sites", type=int, default=1, help="sites crawled one after another")
    parser.add_argument("--site", choices=sorted(LIST_PATHS), default="gnuboard")
    parser.add_argument("--workers", type=int, default=None, help="EXTRACT_WORKERS")
    parser.add_argument(
        "-s", "--set", action="append", default=[], metavar="NAME=VALUE",
        help="a Scrapy setting for newsarchive's crawls (repeatable)",
    )  # fmt: skip
    options = parser.parse_args()

    families = [options.site] + [f for f in sorted(LIST_PATHS) if f != options.site]
    portals: list[subprocess.Popen[str]] = []
    served: dict[str, tuple[str, str]] = {}
    try:
        for number in range(options.sites):
            family = families[number % len(families)]
            portal, base_url = serve_portal(options.articles, family, number + 1)
            portals.append(portal)
            served[f"{family}-{number + 1}"] = (family, base_url)
        with tempfile.TemporaryDirectory() as tmp:
            sites = write_sites(Path(tmp), served)
            ours_db = f"sqlite:///{tmp}/archive.db"
            settings = dict(FAST)
            if options.workers is not None:
                settings["EXTRACT_WORKERS"] = str(options.workers)
            env = {**os.environ, "DATABASE_URL": ours_db, "NEWSARCHIVE_SITES": str(sites)}
            flags = [arg for key, value in settings.items() for arg in ("-s", f"{key}={value}")]

            archived = [0]  # articles in the archive so far

            def new_articles() -> int:
                total = count_rows(ours_db, "SELECT count(*) FROM articles")
                new, archived[0] = total - archived[0], total
                return new

            def ours_crawl(name: str) -> Measure:
                command = [sys.executable, "-m", "scrapy", "crawl", "portal", "-a", f"site={name}"]
                ours_flags = [*flags, *(arg for value in options.set for arg in ("-s", value))]
                return run_measured(
                    "newsarchive (full)", [*command, *ours_flags], env, new_articles
                )

            def plain_crawl(name: str) -> Measure:
                family, base_url = served[name]
                list_path, article_css = LIST_PATHS[family]
                plain_db = f"{tmp}/plain-{name}.db"
                return run_measured(
                    "plain trafilatura",
                    [
                        sys.executable,
                        "-m",
                        "scrapy",
                        "runspider",
                        "benchmarks/plain_spider.py",
                        "-a",
                        f"list_url={base_url}{list_path}",
                        "-a",
                        f"db={plain_db}",
                        "-a",
                        f"article_css={article_css}",
                        *flags,
                    ],
                    env,
                    lambda: count_rows(f"sqlite:///{plain_db}", PLAIN_DISTINCT),
                )

            ours: Measure | None = None
            for name in served:
                crawl = ours_crawl(name)
                ours = crawl if ours is None else ours + crawl
            plain: Measure | None = None
            for name in served:
                crawl = plain_crawl(name)
                plain = crawl if plain is None else plain + crawl
            idle = ours_crawl(next(iter(served)))
    finally:
        for portal in portals:
            portal.terminate()
            portal.wait()
    assert ours is not None and plain is not None

    kinds = ", ".join(sorted({family for family, _ in served.values()}))
    print(
        f"{options.sites} sites ({kinds}) of {options.articles} sample articles, crawled one "
        f"after another, start-ups included; {os.cpu_count()} cores"
    )
    print(
        f"{'crawler':<22} {'articles':>8} {'seconds':>8} {'articles/s':>11} "
        f"{'CPU ms/article':>13} {'peak RSS MB':>12}"
    )
    print(ours.row())
    print(plain.row())
    speedup = (ours.articles / ours.seconds) / (plain.articles / plain.seconds)
    print(f"speed-up (articles/s): {speedup:.2f}x")
    print(
        f"no-op daily run ({idle.articles} new): {idle.cpu_seconds:.2f} s CPU, "
        f"{idle.seconds:.2f} s, peak RSS {idle.peak_rss_mb:.0f} MB"
    )


if __name__ == "__main__":
    main()
