"""What ``render: browser`` costs a page: a daily run of one site over plain
HTTP, through headless Chromium, and through Chromium behind a cookie bot
check (each page answered first by the script page that sets the cookie and
reloads), each into a fresh SQLite archive.

Serves the sample portal's site (``--site``, ``--articles``, 15 a list page) on
127.0.0.1 in this process. For each way, ``--repeat`` crawls, alternating; it
prints the median of pages archived a second (wall clock of the whole
``scrapy crawl``, start-up included) and CPU milliseconds a page (user and
system time of the crawl's process and everything it started and waited for:
the Playwright driver and Chromium's processes), and what the browser adds
to each page.

Politeness delays are off (loopback): on a real site the delays between
requests, not the rendering, set the pace.

    python benchmarks/rendering.py --site newscms --articles 60 --repeat 3
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
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sample_portal import SamplePortal, serve  # noqa: E402

SETTINGS = {
    "AUTOTHROTTLE_ENABLED": "0",
    "DOWNLOAD_DELAY": "0",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "8",
    "EXTRACT_WORKERS": "0",
    "LOG_LEVEL": "WARNING",
}
# (label, served behind the cookie bot check, render: browser)
WAYS = (
    ("plain HTTP", False, False),
    ("browser", False, True),
    ("browser, bot check", True, True),
)


@dataclass
class Crawl:
    pages: int
    seconds: float
    cpu: float  # seconds of CPU, the crawl's process tree

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.seconds

    @property
    def cpu_ms_per_page(self) -> float:
        return 1000 * self.cpu / self.pages


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def crawl(site: str, sites_file: Path, database: Path) -> Crawl:
    """One daily run into a fresh archive: pages archived, seconds, CPU seconds."""
    flags = [arg for key, value in SETTINGS.items() for arg in ("-s", f"{key}={value}")]
    database.unlink(missing_ok=True)
    url = f"sqlite:///{database}"
    env = {**os.environ, "DATABASE_URL": url, "NEWSARCHIVE_SITES": str(sites_file)}
    command = [sys.executable, "-m", "scrapy", "crawl", "portal", "-a", f"site={site}", *flags]
    cpu, started = children_cpu(), time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    seconds, cpu = time.perf_counter() - started, children_cpu() - cpu
    if result.returncode != 0:
        sys.exit(f"crawl failed ({result.returncode}):\n{result.stderr[-3000:]}")
    engine = create_engine(url)
    with engine.connect() as connection:
        pages = connection.execute(text("SELECT count(*) FROM captures")).scalar_one()
    engine.dispose()
    return Crawl(int(pages), seconds, cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", choices=("gnuboard", "newscms", "generic"), default="newscms")
    parser.add_argument("--articles", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    site = options.site

    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        sites_files: dict[str, Path] = {}
        for label, guarded, rendered in WAYS:
            portal = SamplePortal(
                articles_per_site=options.articles, sites=[site], bot_check=guarded
            )
            base_url = stack.enter_context(serve(portal))
            yaml = portal.sites_yaml(base_url, list_url_only=True)
            sites_files[label] = folder / f"sites-{len(sites_files)}.yaml"
            sites_files[label].write_text(
                yaml + ("    render: browser\n" if rendered else ""), encoding="utf-8"
            )
        crawls: dict[str, list[Crawl]] = {label: [] for label, _, _ in WAYS}
        for _ in range(options.repeat):
            for label, _, _ in WAYS:
                crawls[label].append(crawl(site, sites_files[label], folder / "archive.db"))

    print(f"site {site}, {options.articles} articles, median of {options.repeat} daily runs each")
    print(f"{'way':<20} {'pages':>6} {'seconds':>8} {'pages/s':>8} {'CPU ms/page':>12}")
    medians: dict[str, tuple[float, float]] = {}
    for label, _, _ in WAYS:
        done = crawls[label]
        seconds = statistics.median(c.seconds for c in done)
        rate = statistics.median(c.pages_per_second for c in done)
        cpu = statistics.median(c.cpu_ms_per_page for c in done)
        medians[label] = (1000 / rate, cpu)
        print(f"{label:<20} {done[0].pages:>6} {seconds:>8.2f} {rate:>8.1f} {cpu:>12.1f}")
    plain_ms, plain_cpu = medians["plain HTTP"]
    for label, _, rendered in WAYS:
        if rendered:
            wall, cpu = medians[label]
            print(
                f"{label}: +{wall - plain_ms:.0f} ms wall and +{cpu - plain_cpu:.0f} ms CPU "
                "a page over plain HTTP"
            )


if __name__ == "__main__":
    main()
