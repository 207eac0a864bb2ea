"""Crawl throughput: newsarchive's full pipeline against a plain spider.

Serves ``--sites`` sample sites of ``--articles`` articles each on 127.0.0.1
(delays off; Gnuboard and news-CMS sites in turn, each its own seed) and
crawls them all, start-ups included, three ways, each into a fresh archive:

- newsarchive as the local scheduler runs sites that come due together: its
  own ``DueSites`` and ``CrawlLauncher`` (``scheduler.py``'s defaults: two
  crawl processes at once, the sites shared out between them, each a
  ``scrapy daily`` process of one crawler per site);
- newsarchive one site after another, a ``scrapy crawl portal`` each;
- ``plain_spider.py`` one site after another (``trafilatura.extract`` in the
  callback, a row inserted per article).

newsarchive keeps raw captures, extracts, fingerprints and deduplicates, and
fetches the photos the articles show (``--requisites none``: not; ``-s
NAME=VALUE`` tries other settings). It prints articles/s, CPU ms per
article (every process) and the peak memory of one crawl (a crawl process
with its extraction workers) for each, the speed-up of each newsarchive way
over the plain spider, then the CPU of a daily run of the first site that
finds nothing new, and newsarchive's CPU per article split by stage (each
run's ``cpu_seconds/*`` stats, ``crawler.cpu_stages``). ``--heavy`` serves
the heavy portal (``sample_portal.heavy``): pages of about 20 KB with menus,
boxes and comments, a site whose articles share a standing block, releases
every site reposts with small edits.

    python benchmarks/throughput.py --sites 6 --articles 500
    python benchmarks/throughput.py --articles 2000 --requisites none
    python benchmarks/throughput.py --sites 6 --articles 500 --requisites none --heavy
"""

from __future__ import annotations

import argparse
import functools
import json
import operator
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text

from crawler.sites import REQUISITE_CHOICES
from scheduling.jobs import MAX_CRAWLS, SITES_PER_CRAWL, DueSites
from scheduling.launcher import CrawlLauncher
from storage.archive import Archive

ROOT = Path(__file__).resolve().parent.parent
LIST_PATHS = {
    "gnuboard": ("/bbs/board.php?bo_table=news&page={page}", "#bo_list .td_subject a::attr(href)"),
    "newscms": ("/news/section_list_all.html?page={page}", ".art_list_all a::attr(href)"),
}
# the plain spider stores a notice again from each list page: count articles once
PLAIN_DISTINCT = "SELECT count(DISTINCT title) FROM article"
STAGES = ("fetch", "extraction", "fingerprint", "near_duplicates", "write", "run_end")
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
    peak_mb: float

    def __add__(self, other: Measure) -> Measure:
        """Two crawls one after the other: summed, the higher peak."""
        return Measure(
            self.name,
            self.articles + other.articles,
            self.seconds + other.seconds,
            self.cpu_seconds + other.cpu_seconds,
            max(self.peak_mb, other.peak_mb),
        )

    @property
    def rate(self) -> float:
        """Articles per second."""
        return self.articles / self.seconds

    def row(self) -> str:
        cpu_ms = 1000 * self.cpu_seconds / max(self.articles, 1)
        return (
            f"{self.name:<26} {self.articles:>8} {self.seconds:>8.1f} {self.rate:>11.1f} "
            f"{cpu_ms:>14.1f} {self.peak_mb:>12.0f}"
        )


def tree_memory_mb(pid: int) -> float:
    """Memory of ``pid`` and all its descendants, in MiB: each process's
    proportional share (PSS) of what it maps, so that the pages the extraction
    workers share with the server they were forked from count once."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        total += _pss_kb(current)
        stack.extend(children.get(current, []))
    return total / 1024


def _pss_kb(pid: int) -> int:
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:  # it ended
        return 0
    pss = [line.split()[1] for line in rollup.splitlines() if line.startswith("Pss:")]
    return int(pss[0]) if pss else 0


def run_measured(
    name: str, command: list[str], env: dict[str, str], count: Callable[[], int]
) -> Measure:
    """Run ``command``; wall time, CPU of it and its children, peak tree memory."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
    with PeakMemory(lambda: [process.pid]) as memory:
        _pid, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
    stderr = process.stderr.read() if process.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{name} failed:\n{stderr[-3000:]}")
    return Measure(name, count(), seconds, usage.ru_utime + usage.ru_stime, memory.peak)


class PeakMemory:
    """Samples, every 0.1 s while in its ``with`` block, the resident memory
    of each process tree rooted at the pids ``roots()`` gives; ``peak`` is the
    largest one tree reached."""

    def __init__(self, roots: Callable[[], list[int]]) -> None:
        self.roots = roots
        self.peak = 0.0
        self.done = threading.Event()
        self.sampler = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> PeakMemory:
        self.sampler.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.done.set()
        self.sampler.join()

    def _sample(self) -> None:
        while not self.done.is_set():
            for pid in self.roots():
                self.peak = max(self.peak, tree_memory_mb(pid))
            self.done.wait(0.1)


def crawl_children() -> list[int]:
    """This process's children that run a Scrapy command (not the portals)."""
    found = []
    tasks = Path(f"/proc/{os.getpid()}/task")  # children of every thread
    children = [child for task in tasks.iterdir() for child in _children_of(task)]
    for child in children:
        try:
            command = Path(f"/proc/{child}/cmdline").read_bytes()
        except OSError:
            continue
        if b"scrapy" in command:
            found.append(int(child))
    return found


def _children_of(task: Path) -> list[str]:
    try:
        return (task / "children").read_text().split()
    except OSError:  # the thread ended
        return []


def scheduled(
    name: str, sites: list[str], archive_url: str, settings: list[str], count: Callable[[], int]
) -> Measure:
    """The sites, all due at once, run by the local scheduler's way of running
    them (``scheduling.jobs.DueSites``, ``scheduler.py``'s defaults)."""
    archive = Archive.open(archive_url)
    with tempfile.TemporaryDirectory() as logs:
        launcher = CrawlLauncher(archive, archive_url, Path(logs), settings)
        due = DueSites(launcher, MAX_CRAWLS, SITES_PER_CRAWL)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        with PeakMemory(crawl_children) as memory, ThreadPoolExecutor(len(sites)) as jobs:
            codes = list(jobs.map(due.run, sites))
        seconds = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    archive.close()
    if any(codes):
        sys.exit(f"{name}: crawls ended with exit codes {codes}")
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return Measure(name, count(), seconds, cpu, memory.peak)


def serve_portal(
    articles: int, site: str, seed: int, heavy: bool
) -> tuple[subprocess.Popen[str], str]:
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
            *(["--heavy"] if heavy else []),
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


def write_sites(folder: Path, served: dict[str, tuple[str, str]], requisites: str) -> Path:
    """A sites.yaml in ``folder`` naming each served site (name: family, base
    URL), each keeping the ``requisites`` of its articles."""
    sites = folder / "sites.yaml"
    sites.write_text(
        "".join(
            f"- name: {name}\n  list_url: '{base_url}{LIST_PATHS[family][0]}'\n"
            f"  requisites: {requisites}\n"
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
    parser.add_argument("--sites", type=int, default=1, help="sites crawled")
    parser.add_argument("--site", choices=sorted(LIST_PATHS), default="gnuboard")
    parser.add_argument("--workers", type=int, default=None, help="EXTRACT_WORKERS")
    parser.add_argument(
        "--requisites",
        choices=sorted(REQUISITE_CHOICES),
        default="all",
        help="what newsarchive keeps of each article besides its page (sites.yaml requisites:)",
    )
    parser.add_argument(
        "--heavy",
        action="store_true",
        help="the heavy portal: pages of ~20 KB with menus, boxes and comments, a site whose "
        "articles share a standing block, releases every site reposts (sample_portal.heavy)",
    )
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
            portal, base_url = serve_portal(options.articles, family, number + 1, options.heavy)
            portals.append(portal)
            served[f"{family}-{number + 1}"] = (family, base_url)
        with tempfile.TemporaryDirectory() as tmp:
            sites = write_sites(Path(tmp), served, options.requisites)
            settings = dict(FAST)
            if options.workers is not None:
                settings["EXTRACT_WORKERS"] = str(options.workers)
            ours_settings = [f"{key}={value}" for key, value in settings.items()] + options.set
            flags = [arg for key, value in settings.items() for arg in ("-s", f"{key}={value}")]
            os.environ["NEWSARCHIVE_SITES"] = str(sites)

            def new_articles(url: str) -> Callable[[], int]:
                archived = [0]  # articles in the archive so far

                def count() -> int:
                    total = count_rows(url, "SELECT count(*) FROM articles")
                    new, archived[0] = total - archived[0], total
                    return new

                return count

            by_scheduler_db = f"sqlite:///{tmp}/by-scheduler.db"
            one_by_one_db = f"sqlite:///{tmp}/one-by-one.db"
            one_by_one_count = new_articles(one_by_one_db)

            stages = {way: Path(tmp) / f"cpu-{way}.jsonl" for way in ("scheduled", "one", "idle")}

            def ours_crawl(name: str, way: str = "one") -> Measure:
                command = [sys.executable, "-m", "scrapy", "crawl", "portal", "-a", f"site={name}"]
                recorded = [*ours_settings, f"CPU_STAGES_FILE={stages[way]}"]
                ours_flags = [arg for value in recorded for arg in ("-s", value)]
                env = {**os.environ, "DATABASE_URL": one_by_one_db}
                return run_measured(
                    "newsarchive, one by one", [*command, *ours_flags], env, one_by_one_count
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
                    os.environ.copy(),
                    lambda: count_rows(f"sqlite:///{plain_db}", PLAIN_DISTINCT),
                )

            by_scheduler = scheduled(
                "newsarchive, as scheduled",
                list(served),
                by_scheduler_db,
                [*ours_settings, f"CPU_STAGES_FILE={stages['scheduled']}"],
                new_articles(by_scheduler_db),
            )
            plain = sum_of(plain_crawl(name) for name in served)
            one_by_one = sum_of(ours_crawl(name) for name in served)
            idle = ours_crawl(next(iter(served)), "idle")
            splits = {
                measure.name: cpu_split(stages[way], measure)
                for way, measure in (("scheduled", by_scheduler), ("one", one_by_one))
            }
    finally:
        for portal in portals:
            portal.terminate()
            portal.wait()

    kinds = ", ".join(sorted({family for family, _ in served.values()}))
    portal = "heavy" if options.heavy else "light"
    print(
        f"{options.sites} sites ({kinds}) of {options.articles} sample articles ({portal} "
        f"portal), load average {' '.join(f'{load:.2f}' for load in os.getloadavg())}, "
        f"requisites: {options.requisites}, start-ups "
        f"included; {os.cpu_count()} cores. As scheduled: all due at once, {MAX_CRAWLS} crawl "
        f"processes at once of up to {SITES_PER_CRAWL} sites each (scrapy daily); one by one: "
        "a scrapy crawl per site, one after another; the plain spider one after another"
    )
    print(
        f"{'crawler':<26} {'articles':>8} {'seconds':>8} {'articles/s':>11} "
        f"{'CPU ms/article':>14} {'peak MB':>12}"
    )
    for measure in (by_scheduler, one_by_one, plain):
        print(measure.row())
    for measure in (by_scheduler, one_by_one):
        print(f"speed-up, {measure.name}: {measure.rate / plain.rate:.2f}x the plain spider")
    print(
        f"no-op daily run ({idle.articles} new): {idle.cpu_seconds:.2f} s CPU, "
        f"{idle.seconds:.2f} s, peak {idle.peak_mb:.0f} MB"
    )
    print(
        "peak MB: the largest memory (PSS) one crawl process reached with its extraction "
        "workers and their server"
    )
    print(
        "CPU ms per article by stage (fetch: the rest of the processes' CPU: Scrapy's "
        "download, list pages, the pipelines' own work, start-ups):"
    )
    print(f"{'crawler':<26} " + " ".join(f"{stage:>15}" for stage in STAGES))
    for name, split in splits.items():
        print(f"{name:<26} " + " ".join(f"{split[stage]:>15.1f}" for stage in STAGES))


def cpu_split(path: Path, measure: Measure) -> dict[str, float]:
    """CPU ms per article of ``measure`` by stage, from the JSON lines its runs
    appended to ``path`` (``crawler.cpu_stages``); fetch is the rest."""
    seconds: dict[str, float] = dict.fromkeys(STAGES, 0.0)
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    for line in lines:
        for stage, value in json.loads(line)["cpu_seconds"].items():
            seconds[stage] = seconds.get(stage, 0.0) + value
    seconds["fetch"] = measure.cpu_seconds - sum(v for k, v in seconds.items() if k != "fetch")
    return {stage: 1000 * seconds[stage] / max(measure.articles, 1) for stage in STAGES}


def sum_of(measures: Iterable[Measure]) -> Measure:
    """Crawls one after the other: summed, the higher peak."""
    return functools.reduce(operator.add, measures)


if __name__ == "__main__":
    main()
