"""A daily pass over many sites with few new articles each: the local
scheduler's way (``scheduling.jobs.DueSites`` with ``scheduler.py``'s
defaults: every site due at once, two crawl processes at a time, each a
``scrapy daily`` of up to ``SITES_PER_CRAWL`` sites, one crawler per site)
and the same with one ``scrapy crawl`` per site (``--sites-per-crawl 1``),
against two local Celery workers (``python scheduler.py --worker``, one
``scrapy crawl`` at a time each) fed through RabbitMQ. Prints wall time and
CPU (every process of the pass) of each.

The sites are sample portals served on 127.0.0.1 (delays off); a first,
unmeasured pass archives what they hold, then ``--new`` articles are
published on every site before each measured pass.

    python benchmarks/daily_pass.py --broker amqp://guest:guest@127.0.0.1:5672// --sites 50
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path

from sqlalchemy import func, select

from sample_portal import SamplePortal, serve
from scheduling.distributed import RunRequest, celery_app, enqueue
from scheduling.jobs import MAX_CRAWLS, SITES_PER_CRAWL, DueSites
from scheduling.launcher import CrawlLauncher
from storage.archive import Archive
from storage.models import CrawlRun
from storage.types import now_seoul

ROOT = Path(__file__).resolve().parent.parent
FAST = [
    "AUTOTHROTTLE_ENABLED=0", "DOWNLOAD_DELAY=0", "CONCURRENT_REQUESTS_PER_DOMAIN=8",
    "LOG_LEVEL=WARNING",
]  # fmt: skip


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measured(name: str, run: Callable[[], None]) -> None:
    cpu, started = children_cpu(), time.perf_counter()
    run()
    print(f"{name:<40} {time.perf_counter() - started:>8.1f} {children_cpu() - cpu:>9.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--broker", required=True, help="a RabbitMQ URL (amqp://...)")
    parser.add_argument("--sites", type=int, default=50)
    parser.add_argument("--articles", type=int, default=30, help="articles per site at first")
    parser.add_argument("--new", type=int, default=2, help="new articles per site before a pass")
    parser.add_argument("--database", help="the archive (default: a fresh SQLite file)")
    options = parser.parse_args()

    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        sites: dict[str, tuple[SamplePortal, str]] = {}
        yaml = ["sites:"]
        seed = 0
        while len(sites) < options.sites:
            seed += 1
            portal = SamplePortal(articles_per_site=options.articles, seed=seed)
            base_url = stack.enter_context(serve(portal))
            for block in portal.sites_yaml(base_url).split("  - name: ")[1:]:
                family = block.split("\n", 1)[0]
                name = f"{family}-{seed}"
                if len(sites) < options.sites:
                    sites[name] = (portal, family)
                    yaml.append(f"  - name: {name}{block.removeprefix(family).rstrip()}")
        sites_file = tmp / "sites.yaml"
        sites_file.write_text("\n".join(yaml) + "\n", encoding="utf-8")
        url = options.database or f"sqlite:///{tmp / 'archive.db'}"
        os.environ.update(DATABASE_URL=url, NEWSARCHIVE_SITES=str(sites_file))
        archive = Archive.open(url)
        stack.callback(archive.close)
        launcher = CrawlLauncher(archive, url, tmp / "logs", FAST)

        def local_pass(sites_per_crawl: int) -> Callable[[], None]:
            due = DueSites(launcher, MAX_CRAWLS, sites_per_crawl)

            def run() -> None:
                with ThreadPoolExecutor(len(sites)) as jobs:  # every site's job comes due
                    list(jobs.map(due.run, sites))

            return run

        def workers_pass() -> None:
            started = now_seoul()
            app = celery_app(options.broker)
            for site in sites:
                enqueue(app, RunRequest(site))
            env = {**os.environ, "NEWSARCHIVE_BROKER": options.broker}
            flags = [arg for setting in FAST for arg in ("-s", setting)]
            command = [sys.executable, "scheduler.py", "--worker", "--concurrency", "1"]
            workers = [
                subprocess.Popen(
                    [*command, "--logs", str(tmp / "logs"), *flags],
                    cwd=ROOT,
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
                for _ in range(2)
            ]
            while ended_since(archive, started) < len(sites):
                time.sleep(0.2)
            for worker in workers:
                worker.terminate()
                worker.wait()

        local_pass(SITES_PER_CRAWL)()  # archives what the sites hold: not measured
        print(
            f"daily pass over {len(sites)} sample sites, {options.new} new articles each; "
            f"{os.cpu_count()} cores"
        )
        print(f"{'':<40} {'seconds':>8} {'CPU s':>9}")
        for name, run in (
            ("local scheduler (scrapy daily)", local_pass(SITES_PER_CRAWL)),
            ("local scheduler, a scrapy crawl per site", local_pass(1)),
            ("two local workers (Celery)", workers_pass),
        ):
            for portal, family in sites.values():
                portal.publish(family, options.new)
            measured(name, run)


def ended_since(archive: Archive, started: object) -> int:
    with archive.sessions() as session:
        return session.scalar(
            select(func.count(CrawlRun.id)).where(
                CrawlRun.started_at >= started, CrawlRun.exit_code.is_not(None)
            )
        )


if __name__ == "__main__":
    main()
