"""The daily runner: ``python scheduler.py`` crawls each site of ``sites.yaml``
on its ``schedule`` (cron, Asia/Seoul) in child processes, until SIGINT or
SIGTERM: the sites that come due together run in ``scrapy daily`` processes of
up to ``--sites-per-crawl`` sites (one crawler per site, the log in
``logs/daily/``), ``--max-crawls`` processes at once; a site due alone is a
``scrapy crawl portal -a site=NAME`` (its log in ``logs/SITE/``). Then it
stops the running crawls cleanly (killing those still running after
``--stop-timeout`` seconds) and exits. SIGHUP re-reads ``sites.yaml``; so
does every start. A site whose entry in ``sites.yaml`` is refused is logged
with its one line and not scheduled; the others are.

    python scheduler.py                 run the schedules
    python scheduler.py --list          each site's schedule, next run and last run (KST),
                                        and each refused site's line
    python scheduler.py --run-now SITE [--since D [--until D]]
                                        crawl one site now (a backfill window), in the foreground

Jobs live in the archive database (``DATABASE_URL``), see ``scheduling.jobs``.

With ``NEWSARCHIVE_BROKER`` set (``amqp://USER:PASSWORD@HOST:5672//``), runs
are spread over machines (``scheduling.distributed``, ``scheduling.tasks``): the
scheduler and ``--run-now`` enqueue each site run as a task, and

    python scheduler.py --worker [--concurrency N]   runs the tasks, on any machine
                                                     reaching the broker and the archive
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

from apscheduler.job import Job
from apscheduler.schedulers.base import BaseScheduler

from crawler.commands import fail
from crawler.job import CrawlArgumentError, Window, crawl_job
from crawler.sites import SitesConfigError, SitesFile, read_sites
from scheduling.distributed import (
    BrokerUnavailable,
    EnqueueExecutor,
    RunRequest,
    broker_url,
    celery_app,
    enqueue,
    reach,
)
from scheduling.jobs import (
    MAX_CRAWLS,
    SITES_PER_CRAWL,
    build_scheduler,
    next_runs,
    read_jobs,
    sync_jobs,
)
from scheduling.launcher import CrawlLauncher
from scheduling.tasks import SLICE_SECONDS, Worker, run_worker
from storage.archive import Archive
from storage.database import ArchiveUnavailable, database_url, project_root
from storage.types import SEOUL

logger = logging.getLogger("scheduler")
# how scheduler.py spells a backfill's window in its messages
WINDOW_OPTION = "--{name} {value}"


def main(argv: list[str] | None = None) -> int:
    options = _arguments().parse_args(argv)
    logging.basicConfig(
        level=logging.WARNING if options.list else logging.INFO,
        format="%(asctime)s [%(name)s] %(levelname)s: %(message)s",
    )
    # the archive migrates itself when opened: Alembic's INFO lines say nothing to act on
    logging.getLogger("alembic").setLevel(logging.WARNING)
    if (options.since or options.until) and not options.run_now:
        return fail("--since and --until go with --run-now SITE: a backfill of one site, now")
    url = database_url()
    broker = broker_url()
    try:
        sites = read_sites()
        app = celery_app(broker) if broker else None
        archive = Archive.open(url)
    except (SitesConfigError, ArchiveUnavailable, BrokerUnavailable) as exc:
        return fail(str(exc))
    logs = Path(options.logs) if options.logs else project_root() / "logs"
    launcher = CrawlLauncher(
        archive, url, logs.resolve(), options.set, die_with_parent=bool(broker)
    )
    try:
        if options.worker:
            if broker is None:
                return fail("--worker needs the broker's URL in NEWSARCHIVE_BROKER")
            return run_worker(broker, Worker(launcher, options.slice), options.concurrency)
        if options.run_now:
            try:
                job = crawl_job(options.run_now, options.since, options.until, WINDOW_OPTION)
                if app is not None:
                    reach(app)
                    enqueue(app, RunRequest(options.run_now, *_dates(job.window)))
                    return 0
            except (CrawlArgumentError, BrokerUnavailable) as exc:
                return fail(str(exc))
            return _run_now(launcher, options.run_now, job.window, options.stop_timeout)
        if options.list:
            print_plan(read_jobs(url), sites, archive)
            return 0
        try:
            if app is not None:
                reach(app)
        except BrokerUnavailable as exc:
            return fail(str(exc))
        executor = EnqueueExecutor(app) if app else None
        scheduler = build_scheduler(
            url, launcher, options.max_crawls, executor, options.sites_per_crawl
        )
        scheduler.start(paused=True)
        _apply(scheduler, sites)
        scheduler.resume()
        for signum in _signals(signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            if signum != signal.SIGHUP:
                break
            try:
                _apply(scheduler, read_sites())
            except SitesConfigError as exc:
                logger.error("%s: keeping the schedules as they were", exc)
        logger.info("stopping: no new crawls; waiting for the running ones")
        scheduler.pause()
        launcher.stop_all(options.stop_timeout)
        scheduler.shutdown(wait=True)
        return 0
    finally:
        archive.close()


def _dates(window: Window | None) -> tuple[date | None, date | None]:
    return (window.since, window.until) if window else (None, None)


def _run_now(launcher: CrawlLauncher, site: str, window: Window | None, stop_timeout: float) -> int:
    """Crawl ``site`` in the foreground; SIGINT/SIGTERM stop the crawl cleanly."""
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    since, until = _dates(window)
    spider_args = [f"since={since}", f"until={until}"] if window else []
    try:
        code = launcher.run(site, spider_args)
    except KeyboardInterrupt:
        logger.info("stopping the crawl of %s", site)
        launcher.stop_all(stop_timeout)
        return 130
    if code is None:
        return 1
    return code if code >= 0 else 128 - code  # killed by a signal: 128 + its number


def _arguments() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python scheduler.py", description="Crawl each site of sites.yaml on its schedule."
    )
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--list", action="store_true", help="print each site's next run and exit")
    action.add_argument("--run-now", metavar="SITE", help="crawl SITE now and exit")
    action.add_argument(
        "--worker", action="store_true", help="run the broker's crawl tasks (NEWSARCHIVE_BROKER)"
    )
    parser.add_argument("--since", metavar="YYYY-MM-DD", help="with --run-now: a backfill from")
    parser.add_argument("--until", metavar="YYYY-MM-DD", help="with --run-now: a backfill to")
    parser.add_argument(
        "--concurrency", type=int, default=2, help="with --worker: crawls at once (2)"
    )
    parser.add_argument(
        "--slice",
        type=float,
        default=SLICE_SECONDS,
        help="with --worker: seconds a task crawls before its run goes on in a new task, "
        f"under the broker's acknowledgement timeout ({SLICE_SECONDS:.0f})",
    )
    parser.add_argument("--logs", metavar="DIR", help="folder for crawl logs (logs/)")
    parser.add_argument(
        "--max-crawls",
        type=int,
        default=MAX_CRAWLS,
        help=f"crawl processes running at once, of different sites ({MAX_CRAWLS})",
    )
    parser.add_argument(
        "--sites-per-crawl",
        type=int,
        default=SITES_PER_CRAWL,
        help="daily runs due together that one crawl process runs, one crawler per site "
        f"({SITES_PER_CRAWL})",
    )
    parser.add_argument(
        "--stop-timeout",
        type=float,
        default=120,
        help="seconds a crawl gets to stop cleanly on SIGINT/SIGTERM before it is killed (120)",
    )
    parser.add_argument(
        "-s",
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a Scrapy setting for every crawl (repeatable)",
    )
    return parser


def _apply(scheduler: BaseScheduler, sites: SitesFile) -> None:
    """Schedule the usable sites of ``sites``; log each refused one's line."""
    for error in sites.refused.values():
        logger.error("%s: not scheduled", error)
    if not sites.profiles and not sites.refused:
        logger.warning("%s", _no_sites(sites))
    report = sync_jobs(scheduler, sites.profiles)
    for what in ("added", "changed", "removed"):
        if getattr(report, what):
            logger.info("schedules %s: %s", what, ", ".join(getattr(report, what)))
    for name, when in next_runs(scheduler.get_jobs(), sites.profiles).items():
        logger.info("%s: next run %s KST", name, kst(when))


def _no_sites(sites: SitesFile) -> str:
    return (
        f"no sites in {sites.path}: nothing to schedule (add yours, as in "
        "sites.example.yaml, then send SIGHUP or start again)"
    )


def print_plan(jobs: list[Job], sites: SitesFile, archive: Archive) -> None:
    """Each site's schedule, next run (from its stored ``jobs``) and last run,
    in Korea time; each refused site with its line."""
    if not sites.profiles and not sites.refused:
        print(_no_sites(sites))
        return
    plan = next_runs(jobs, sites.profiles)
    print(f"{'site':<20} {'schedule':<16} {'next run (KST)':<17} last run (KST)")
    for name, profile in sites.profiles.items():
        last = archive.runs.listing(name, 1)
        done = f"{kst(last[0].started_at)} {last[0].status}" if last else "never"
        print(f"{name:<20} {profile.schedule:<16} {kst(plan[name]):<17} {done}")
    for name, error in sites.refused.items():
        print(f"{name:<20} config error: {error}")


def kst(moment: datetime) -> str:
    """A time as ``--list`` and the log show it: Korea time, to the minute."""
    return moment.astimezone(SEOUL).strftime("%Y-%m-%d %H:%M")


def _signals(*signums: int) -> Iterator[int]:
    """The signals received, as they come (the main thread waits for them here)."""
    read_end, write_end = os.pipe()
    os.set_blocking(write_end, False)
    signal.set_wakeup_fd(write_end)
    for signum in signums:
        signal.signal(signum, _noted)
    while True:
        yield from os.read(read_end, 64)


def _noted(_signum: int, _frame: object) -> None:
    """Signals are read from the wakeup pipe: nothing to do in the handler."""


if __name__ == "__main__":
    sys.exit(main())
