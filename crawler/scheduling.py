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

from dataclasses import dataclass, field
from datetime import datetime

from apscheduler.executors.base import BaseExecutor
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.job import Job
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import STATE_STOPPED, BaseScheduler

from crawler.cron import cron_trigger
from crawler.launcher import CrawlLauncher
from crawler.sites import SiteProfile
from storage.database import create_archive_engine
from storage.types import SEOUL

JOB_TABLE = "apscheduler_jobs"
JOB_FUNC = "crawler.scheduling:scheduled_crawl"
JOB_PREFIX = "crawl:"
# a run may start this late (scheduler down, or every crawl slot busy) and still
# run; later than that it is skipped, and the next day's incremental run catches up
MISFIRE_GRACE = 12 * 3600

_launcher: CrawlLauncher | None = None


class SiteScheduler(BackgroundScheduler):
    """APScheduler 3.x's background scheduler without one trap: on shutdown its
    loop wakes once more and takes every due job's run (moving the job to its next
    time) while its executors are already shut, so a run missed while stopping
    would be lost instead of made up for at the next start."""

    def _process_jobs(self) -> float | None:
        if self.state == STATE_STOPPED:
            return None
        return super()._process_jobs()


def scheduled_crawl(site: str) -> None:
    """The job of every site: crawl it with the installed launcher."""
    if _launcher is None:
        raise RuntimeError("no crawl launcher is installed (run the jobs with scheduler.py)")
    _launcher.run(site)


def build_scheduler(
    database_url: str,
    launcher: CrawlLauncher,
    max_crawls: int,
    executor: BaseExecutor | None = None,
) -> SiteScheduler:
    """A scheduler on the archive database's job store whose jobs run on ``launcher``
    (or, given an ``executor``, are handed to it: see ``crawler.distributed``)."""
    global _launcher
    _launcher = launcher
    return SiteScheduler(
        jobstores={"default": job_store(database_url)},
        executors={"default": executor or ThreadPoolExecutor(max_crawls)},
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
