"""The scheduler's jobs: one cron job per site of ``sites.yaml`` (its
``schedule``, Asia/Seoul) in an APScheduler 3.x job store kept in the archive
database, so a run missed while the scheduler was down is made up for (once:
coalesced) when it starts again, within ``MISFIRE_GRACE``.

Jobs are stored by reference to :func:`scheduled_crawl` (the job store
pickles jobs: no lambdas); it hands the site to the installed launcher.
:func:`sync_jobs` makes the store match ``sites.yaml``: new sites added,
changed schedules rescheduled, removed sites' jobs deleted, unchanged jobs
left alone (keeping a pending missed run).
"""

from __future__ import annotations

import math
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import datetime

from apscheduler.executors.base import BaseExecutor
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.job import Job
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import STATE_STOPPED, BaseScheduler

from crawler.cron import cron_trigger
from crawler.sites import SiteProfile
from scheduling.launcher import CrawlLauncher
from storage.database import create_archive_engine
from storage.types import SEOUL

JOB_TABLE = "apscheduler_jobs"
JOB_FUNC = "scheduling.jobs:scheduled_crawl"
JOB_PREFIX = "crawl:"
# a run may start this late (scheduler down, or every crawl slot busy) and still
# run; later than that it is skipped, and the next day's incremental run catches up
MISFIRE_GRACE = 12 * 3600

# crawl processes at once (scheduler.py --max-crawls)
MAX_CRAWLS = 2
# daily runs due together run in one crawl process, up to this many (scheduler.py --sites-per-crawl)
SITES_PER_CRAWL = 10
# a run that comes due waits for the others due at the same time: until none
# has come for QUIET_SECONDS (the scheduler hands the runs due at one time
# over within milliseconds), GATHER_SECONDS at most
QUIET_SECONDS = 0.2
GATHER_SECONDS = 1.0

_due: DueSites | None = None


class SiteScheduler(BackgroundScheduler):
    """APScheduler 3.x's background scheduler without one trap: on shutdown its
    loop wakes once more and takes every due job's run (moving the job to its next
    time) while its executors are already shut, so a run missed while stopping
    would be lost instead of made up for at the next start."""

    def _process_jobs(self) -> float | None:
        if self.state == STATE_STOPPED:
            return None
        return super()._process_jobs()


class DueSites:
    """Runs the daily runs that come due together in processes of several
    sites (``CrawlLauncher.run_daily``: one Scrapy process, one crawler per
    site), each process starting once for its sites and one site's politeness
    waits leaving the CPU to the others' pages. At most ``max_crawls`` processes
    run at once, of at most ``sites_per_crawl`` sites; the sites waiting are
    shared out evenly among the free processes, at least two sites to a
    process (two sites due together are one ``scrapy daily``, four are two of
    two): a site runs alone only when it came due alone. The job asking for a
    run waits for it, so a site never has two runs queued."""

    def __init__(
        self,
        launcher: CrawlLauncher,
        max_crawls: int,
        sites_per_crawl: int,
        gather: float = GATHER_SECONDS,
    ) -> None:
        self.launcher = launcher
        self.max_crawls = max_crawls
        self.sites_per_crawl = sites_per_crawl
        self.gather = gather
        self._changed = threading.Condition()
        self._waiting: dict[str, Future[int | None]] = {}  # in the order they came due
        self._last_due = 0.0  # when the last of them came (time.monotonic())
        self._running = 0
        self._dispatcher: threading.Thread | None = None

    def run(self, site: str) -> int | None:
        """Run ``site``'s daily run with the others due now; its exit code
        (None: the launcher is stopping)."""
        done: Future[int | None] = Future()
        with self._changed:
            self._waiting[site] = done
            self._last_due = time.monotonic()
            if self._dispatcher is None:
                self._dispatcher = threading.Thread(
                    target=self._dispatch, name="due-sites", daemon=True
                )
                self._dispatcher.start()
            self._changed.notify_all()
        return done.result()

    def _dispatch(self) -> None:
        while True:
            with self._changed:
                while not self._waiting or self._running >= self.max_crawls:
                    self._changed.wait()
                self._gather()
                sites = list(self._waiting)[: self._share()]
                batch = {site: self._waiting.pop(site) for site in sites}
                self._running += 1
            threading.Thread(target=self._crawl, args=(batch,), name="crawl").start()

    def _gather(self) -> None:
        """Wait (holding ``_changed``) for the other runs due now to come in:
        until none has come for ``QUIET_SECONDS``, ``gather`` seconds at most."""
        deadline = time.monotonic() + self.gather
        while True:
            now = time.monotonic()
            quiet_from = self._last_due + min(QUIET_SECONDS, self.gather)
            if now >= deadline or now >= quiet_from:
                return
            self._changed.wait(min(deadline, quiet_from) - now)

    def _share(self) -> int:
        """How many of the sites waiting the next process runs: an even share
        among the free processes, of at least two sites, at most ``sites_per_crawl``."""
        waiting = len(self._waiting)
        processes = max(1, min(self.max_crawls - self._running, waiting // 2))
        return min(math.ceil(waiting / processes), self.sites_per_crawl)

    def _crawl(self, batch: dict[str, Future[int | None]]) -> None:
        try:
            codes = self.launcher.run_daily(list(batch))
            for site, done in batch.items():
                done.set_result(codes[site])
        except Exception as exc:  # the archive failed under the launcher: the jobs say so
            for done in batch.values():
                if not done.done():
                    done.set_exception(exc)
        finally:
            with self._changed:
                self._running -= 1
                self._changed.notify_all()


def scheduled_crawl(site: str) -> None:
    """The job of every site: its daily run, with the others due at the same time."""
    if _due is None:
        raise RuntimeError("no crawl launcher is installed (run the jobs with scheduler.py)")
    _due.run(site)


def build_scheduler(
    database_url: str,
    launcher: CrawlLauncher,
    max_crawls: int,
    executor: BaseExecutor | None = None,
    sites_per_crawl: int = 1,
) -> SiteScheduler:
    """A scheduler on the archive database's job store whose jobs run on
    ``launcher``, at most ``max_crawls`` crawl processes at once, each running
    up to ``sites_per_crawl`` sites due together (or, given an ``executor``,
    are handed to it: see ``scheduling.distributed``)."""
    global _due
    _due = DueSites(launcher, max_crawls, sites_per_crawl)
    # a thread per site in flight: each waits for its site's run
    threads = max_crawls * sites_per_crawl
    return SiteScheduler(
        jobstores={"default": job_store(database_url)},
        executors={"default": executor or ThreadPoolExecutor(threads)},
        job_defaults={
            "coalesce": True,
            "max_instances": 1,
            "misfire_grace_time": MISFIRE_GRACE,
        },
        timezone=SEOUL,
    )


def job_store(database_url: str) -> SQLAlchemyJobStore:
    return SQLAlchemyJobStore(engine=create_archive_engine(database_url), tablename=JOB_TABLE)


def read_jobs(database_url: str) -> list[Job]:
    """The stored jobs, read without starting a scheduler: nothing runs, nothing changes."""
    store = job_store(database_url)
    store.start(BackgroundScheduler(timezone=SEOUL), "default")
    try:
        return store.get_all_jobs()
    finally:
        store.shutdown()


@dataclass
class SyncReport:
    """What :func:`sync_jobs` changed, by site name."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


def job_id(site: str) -> str:
    return JOB_PREFIX + site


def sync_jobs(scheduler: BaseScheduler, profiles: dict[str, SiteProfile]) -> SyncReport:
    """Make the scheduler's (started) job store hold one job per site of ``profiles``."""
    report = SyncReport()
    stored = {job.id: job for job in scheduler.get_jobs()}
    for name, profile in profiles.items():
        trigger = cron_trigger(profile.schedule)
        job = stored.pop(job_id(name), None)
        if job is None:
            scheduler.add_job(JOB_FUNC, trigger, args=[name], id=job_id(name), name=name)
            report.added.append(name)
        elif not _same(job, name, trigger):
            job.modify(func=JOB_FUNC, args=[name], name=name)
            job.reschedule(trigger)
            report.changed.append(name)
        else:
            report.kept.append(name)
    for job in stored.values():
        job.remove()
        report.removed.append(job.id.removeprefix(JOB_PREFIX))
    return report


def _same(job: Job, site: str, trigger: object) -> bool:
    return (
        job.func_ref == JOB_FUNC
        and tuple(job.args) == (site,)
        and repr(job.trigger) == repr(trigger)
    )


def next_runs(jobs: list[Job], profiles: dict[str, SiteProfile]) -> dict[str, datetime]:
    """Each site's next run: its stored job's when that matches ``sites.yaml``, else
    the schedule's next time from now (what the next start will store)."""
    stored = {job.id: job for job in jobs}
    plan: dict[str, datetime] = {}
    for name, profile in profiles.items():
        trigger = cron_trigger(profile.schedule)
        job = stored.get(job_id(name))
        when = job.next_run_time if job is not None and _same(job, name, trigger) else None
        if when is None:
            now = datetime.now(SEOUL)
            when = trigger.get_next_fire_time(None, now)
        plan[name] = when.astimezone(SEOUL)
    return plan
