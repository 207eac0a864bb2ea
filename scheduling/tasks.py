"""The worker side of distributed runs: ``python scheduler.py --worker`` runs
each task of ``scheduling.distributed`` as a ``scrapy crawl`` child process.

Guarantees, and what gives each:

- One site never has two runs at once, on any machine: the crawl takes the
  site's run lock in the archive; a crawl that finds the site busy (exit 3)
  puts its task back on the queue for later (Celery retry: the new message is
  sent before the old one is acknowledged), so it is neither lost nor run
  alongside. The run lock also keeps a portal's politeness (delay, autothrottle,
  requests per domain) across machines: only one crawl of it runs anywhere.
- A worker killed with SIGKILL: its crawls die with it (``die_with_parent``),
  its unacknowledged messages go to another worker, whose crawl marks the
  dead run interrupted and resumes the job from its resume point, skipping
  the pages already archived.
- RabbitMQ's consumer acknowledgement timeout (30 min by default): a crawl
  runs for at most ``slice`` seconds per task (20 min by default); then it
  stops cleanly and the task enqueues its continuation before it is
  acknowledged, and the next slice resumes the job where it stopped.
- A task delivered twice runs once: one whose job ended after it was
  requested is acknowledged without a crawl.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from dataclasses import dataclass

from celery import Celery, Task

from crawler.exit_codes import EXIT_BUSY
from scheduling.distributed import TASK, RunRequest, celery_app, enqueue
from scheduling.launcher import CrawlLauncher
from storage.archive import Archive
from storage.run_records import RunStatus, RunSummary

logger = logging.getLogger(__name__)

SLICE_SECONDS = 1200.0  # below RabbitMQ's 30-minute consumer timeout, with room to stop
BUSY_RETRY_SECONDS = 30.0  # a task for a busy site comes back this much later
# how a run of the job ends that makes its task done
DONE = frozenset(
    {
        RunStatus.FINISHED,
        RunStatus.NO_ARTICLES,
        RunStatus.LIST_UNREADABLE,
        RunStatus.UNREACHABLE,
    }
)
_RECENT_RUNS = 50


@dataclass
class Worker:
    """What a worker's tasks run with: the launcher of crawls, and the slice length."""

    launcher: CrawlLauncher
    slice_seconds: float = SLICE_SECONDS
    busy_retry_seconds: float = BUSY_RETRY_SECONDS

    @property
    def archive(self) -> Archive:
        return self.launcher.archive

    def crawl(self, task: Task, message: dict[str, str | None]) -> None:
        """Run one site run request (a slice of it), then say what became of it."""
        request = RunRequest.read(message)
        done = self.done_by(request)
        if done is not None:
            logger.info(
                "%s run of %s requested %s: already done by run %d, not run again",
                request.mode,
                request.site,
                request.requested,
                done.id,
            )
            return
        started = time.monotonic()
        code = self.launcher.run(request.site, _spider_args(request), self.slice_seconds)
        if code == EXIT_BUSY:
            logger.info(
                "%s is busy: its %s run comes back in %.0f s",
                request.site,
                request.mode,
                self.busy_retry_seconds,
            )
            raise task.retry(countdown=self.busy_retry_seconds, max_retries=None)
        if time.monotonic() - started >= self.slice_seconds and self.done_by(request) is None:
            logger.info("%s run of %s goes on in its next slice", request.mode, request.site)
            enqueue(task.app, request)

    def done_by(self, request: RunRequest) -> RunSummary | None:
        """The run of the request's job, started after it was requested, that ended
        it, if any."""
        assert request.requested is not None
        for run in self.archive.runs.listing(request.site, _RECENT_RUNS):
            if run.started_at < request.requested:
                break
            if (
                run.mode == request.mode
                and (run.since, run.until) == (request.since, request.until)
                and run.status in DONE
            ):
                return run
        return None


def worker_app(broker: str, worker: Worker) -> Celery:
    """The Celery app of ``broker`` whose crawl task runs on ``worker``."""
    app = celery_app(broker)

    @app.task(name=TASK, bind=True)
    def crawl_site(task: Task, **message: str | None) -> None:
        worker.crawl(task, message)

    return app


def run_worker(broker: str, worker: Worker, concurrency: int) -> int:
    """Consume crawl tasks until SIGTERM/SIGINT (Celery's warm shutdown waits
    for the running crawls, each at most one slice)."""
    app = worker_app(broker, worker)
    app.worker_main(
        [
            "worker",
            "--pool=threads",  # the crawls are child processes: threads only wait for them
            f"--concurrency={concurrency}",
            f"--hostname=newsarchive-{os.getpid()}@{socket.gethostname()}",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=INFO",
        ]
    )
    return 0


def _spider_args(request: RunRequest) -> list[str]:
    if request.since is None:
        return []
    args = [f"since={request.since.isoformat()}"]
    if request.until is not None:
        args.append(f"until={request.until.isoformat()}")
    return args
