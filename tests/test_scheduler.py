"""The scheduler, on SQLite and PostgreSQL: its job store follows sites.yaml
(no stale or duplicate jobs, a missed run kept), ``--list`` and ``--run-now``,
and ``python scheduler.py`` itself crawling the sample portal on a schedule of
a few seconds while the portal publishes between runs."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import TypeVar

import pytest
from apscheduler.job import Job
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import select, text

from crawler.cron import cron_trigger
from crawler.sites import SiteProfile
from scheduling.jobs import (
    JOB_TABLE,
    SyncReport,
    build_scheduler,
    job_store,
    read_jobs,
    sync_jobs,
)
from scheduling.launcher import CrawlLauncher
from storage.archive import Archive
from storage.models import CrawlRun
from storage.types import SEOUL, now_seoul
from tests.conftest import FAST, ROOT, Portal, project_env

T = TypeVar("T")
NEVER_SOON = "0 0 1 1 *"  # new year's midnight: not during a test


def profile(name: str, schedule: str) -> SiteProfile:
    return SiteProfile(name, f"http://{name}.example/?page={{page}}", schedule=schedule)


def synced(database_url: str, tmp_path: Path, sites: dict[str, SiteProfile]) -> SyncReport:
    """Start a paused scheduler on the archive's job store and apply ``sites``, as
    ``python scheduler.py`` does on start; then stop it."""
    archive = Archive.open(database_url)
    scheduler = build_scheduler(database_url, CrawlLauncher(archive, database_url, tmp_path), 1)
    scheduler.start(paused=True)
    try:
        return sync_jobs(scheduler, sites)
    finally:
        scheduler.shutdown(wait=False)
        archive.close()


def stored(database_url: str) -> dict[str, Job]:
    return {job.id: job for job in read_jobs(database_url)}


def miss(database_url: str, job_id: str, when: datetime) -> None:
    """Make a stored job due at ``when``, as if the scheduler was down then."""
    store = job_store(database_url)
    store.start(BackgroundScheduler(timezone=SEOUL), "default")
    job = store.lookup_job(job_id)
    job._modify(next_run_time=when)
    store.update_job(job)
    store.shutdown()


def test_the_job_store_follows_sites_yaml(database_url: str, tmp_path: Path) -> None:
    sites = {"a": profile("a", "0 7 * * *"), "b": profile("b", "30 6 * * *")}
    report = synced(database_url, tmp_path, sites)
    assert (report.added, report.changed, report.removed) == (["a", "b"], [], [])
    assert stored(database_url)["crawl:a"].next_run_time.hour == 7
    missed = now_seoul() - timedelta(hours=1)
    miss(database_url, "crawl:a", missed)

    report = synced(database_url, tmp_path, sites)
    assert report.kept == ["a", "b"] and not (report.added or report.changed or report.removed)
    assert stored(database_url)["crawl:a"].next_run_time == missed  # still due: runs on start

    edited = {"a": profile("a", "15 8 * * 1-5"), "c": profile("c", "0 5 * * *")}
    report = synced(database_url, tmp_path, edited)
    assert (report.added, report.changed, report.removed) == (["c"], ["a"], ["b"])
    jobs = stored(database_url)
    assert set(jobs) == {"crawl:a", "crawl:c"}
    assert repr(jobs["crawl:a"].trigger) == repr(cron_trigger("15 8 * * 1-5"))
    assert jobs["crawl:a"].next_run_time.strftime("%H:%M %a") in {
        f"08:15 {day}" for day in ("Mon", "Tue", "Wed", "Thu", "Fri")
    }
    assert jobs["crawl:a"].func_ref == "scheduling.jobs:scheduled_crawl"
    assert jobs["crawl:a"].coalesce and jobs["crawl:a"].max_instances == 1
    assert jobs["crawl:a"].misfire_grace_time >= 3600

    archive = Archive.open(database_url)
    with archive.engine.connect() as connection:
        ids = connection.execute(text(f"SELECT id FROM {JOB_TABLE} ORDER BY id")).scalars().all()
    archive.close()
    assert ids == ["crawl:a", "crawl:c"]


def run_scheduler(
    *args: str, database_url: str, sites_file: Path, output: Path | None = None
) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "scheduler.py", *args],
        cwd=ROOT,
        env=project_env(database_url, sites_file),
        stdout=output.open("w") if output else subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_list_and_run_now(portal: Portal, database_url: str, tmp_path: Path) -> None:
    portal.sites_file.write_text(
        portal.portal.sites_yaml(portal.base_url).replace(
            "    cms: newscms\n", '    cms: newscms\n    schedule: "0 7 * * 0"\n'
        ),
        encoding="utf-8",
    )
    logs = tmp_path / "logs"
    now = run_scheduler(
        "--run-now", "newscms", "--logs", str(logs), *FAST,
        database_url=database_url, sites_file=portal.sites_file,
    )  # fmt: skip
    output = now.communicate(timeout=120)[0]
    assert now.returncode == 0, output[-3000:]
    archive = Archive.open(database_url)
    with archive.sessions() as session:
        run = session.scalars(select(CrawlRun)).one()
    archive.close()
    assert (run.status, run.exit_code, run.new) == (
        "finished",
        0,
        len(portal.portal.articles("newscms")),
    )
    assert run.log_file is not None and Path(run.log_file).parent == logs / "newscms"
    assert "Spider closed (finished)" in Path(run.log_file).read_text(encoding="utf-8")

    listed = run_scheduler("--list", database_url=database_url, sites_file=portal.sites_file)
    output = listed.communicate(timeout=60)[0]
    assert listed.returncode == 0, output
    rows = {line.split()[0]: line for line in output.splitlines()[1:]}
    assert set(rows) == set(portal.portal.sites)
    sunday = cron_trigger("0 7 * * 0").get_next_fire_time(None, now_seoul())
    assert sunday.strftime("%a %H:%M") == "Sun 07:00"
    assert sunday.astimezone(SEOUL).strftime("%Y-%m-%d %H:%M") in rows["newscms"]
    assert rows["newscms"].rstrip().endswith("finished")
    assert " 06:30 " in rows["gnuboard"] and rows["gnuboard"].rstrip().endswith("never")


def wait_until(check: Callable[[], T | None], what: str, timeout: float = 120) -> T:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found is not None:
            return found
        time.sleep(0.2)
    pytest.fail(f"waited {timeout} s for {what}")


def test_the_scheduler_crawls_on_schedule_and_stops_cleanly(
    portal: Portal, database_url: str, tmp_path: Path
) -> None:
    yaml = portal.portal.sites_yaml(portal.base_url)
    portal.sites_file.write_text(
        yaml.replace("    cms: newscms\n", '    cms: newscms\n    schedule: "*/3 * * * * *"\n')
        .replace("    cms: gnuboard5\n", f'    cms: gnuboard5\n    schedule: "{NEVER_SOON}"\n')
        .replace("    cms: generic\n", f'    cms: generic\n    schedule: "{NEVER_SOON}"\n'),
        encoding="utf-8",
    )
    output = tmp_path / "scheduler.log"
    scheduler = run_scheduler(
        "--logs", str(tmp_path / "logs"), *FAST,
        database_url=database_url, sites_file=portal.sites_file, output=output,
    )  # fmt: skip
    archive = Archive.open(database_url)
    try:

        def ended_runs(after=None) -> list[CrawlRun] | None:  # type: ignore[no-untyped-def]
            with archive.sessions() as session:
                query = select(CrawlRun).where(CrawlRun.exit_code.is_not(None))
                if after is not None:
                    query = query.where(CrawlRun.started_at > after)
                return session.scalars(query.order_by(CrawlRun.id)).all() or None

        first = wait_until(ended_runs, "a first scheduled run")[0]
        published_at = now_seoul()
        fresh = portal.portal.publish("newscms", 3)
        wait_until(lambda: ended_runs(published_at), "a run after new articles were published")

        # newscms taken out of sites.yaml: SIGHUP applies it, leaving no job of it
        blocks = portal.sites_file.read_text(encoding="utf-8").split("  - name: ")
        portal.sites_file.write_text(
            "  - name: ".join(block for block in blocks if not block.startswith("newscms")),
            encoding="utf-8",
        )
        scheduler.send_signal(signal.SIGHUP)
        wait_until(
            lambda: "schedules removed: newscms" in output.read_text(encoding="utf-8") or None,
            "the edited sites.yaml to be applied",
        )
        assert sorted(job.id for job in read_jobs(database_url)) == [
            "crawl:generic",
            "crawl:gnuboard",
        ]
        scheduler.send_signal(signal.SIGTERM)
        assert scheduler.wait(timeout=180) == 0, output.read_text(encoding="utf-8")[-3000:]
    finally:
        if scheduler.poll() is None:
            scheduler.kill()
        archive.close()

    archive = Archive.open(database_url)
    with archive.sessions() as session:
        runs = session.scalars(select(CrawlRun).order_by(CrawlRun.id)).all()
    archive.close()
    assert len({run.site_id for run in runs}) == 1
    assert runs[0].id == first.id and runs[0].new == len(portal.portal.articles("newscms")) - 3
    before = [run for run in runs if run.started_at <= published_at]
    after = [run for run in runs if run.started_at > published_at]
    assert [run.new for run in before[1:]] == [0] * (len(before) - 1)
    assert after[0].new == len(fresh) and [run.new for run in after[1:]] == [0] * (len(after) - 1)
    for run in runs:  # each ended and recorded, the last one maybe stopped by SIGTERM
        assert run.status in ("finished", "shutdown", "interrupted"), run.status
        assert run.exit_code is not None and run.log_file and Path(run.log_file).is_file()
    logs = [output.read_text(encoding="utf-8")] + [
        Path(run.log_file).read_text(encoding="utf-8") for run in runs
    ]
    assert not any("database is locked" in log for log in logs)

    listing = subprocess.run(
        [sys.executable, "-m", "scrapy", "runs", "--site", "newscms"],
        cwd=ROOT,
        env=project_env(database_url, portal.sites_file),
        capture_output=True,
        text=True,
        check=True,
    )
    lines = listing.stdout.splitlines()[1:]
    assert [int(line.split()[0]) for line in lines] == [run.id for run in reversed(runs)]
    for line, run in zip(lines, reversed(runs), strict=True):
        assert f"  {run.new}  " in line and line.endswith(run.log_file)
