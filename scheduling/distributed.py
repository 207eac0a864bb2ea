"""Site runs spread over machines: a Celery 5 app on RabbitMQ (``NEWSARCHIVE_BROKER``).

``python scheduler.py`` with a broker enqueues each due site run as one task
(:class:`EnqueueExecutor` stands in for APScheduler's thread pool), and
``--run-now SITE [--since D --until D]`` enqueues one; ``python scheduler.py
--worker`` runs them (``scheduling.tasks``), each as a ``scrapy crawl`` child.

A task message is acknowledged only when its run is done (``acks_late``), one
at a time per worker slot (prefetch 1); a worker that dies leaves its messages
unacknowledged and RabbitMQ hands them to another worker (``reject_on_worker_lost``
for a pool child that dies). Each task carries the moment it was asked for
(``requested``: the schedule's due time, or the enqueuing moment): a task whose
job already ended after that moment is done, so a task delivered twice (a
scheduler killed between enqueuing and storing the job's next time, a
redelivery after the run ended) runs once.

The broker is RabbitMQ (``amqp://``): the guarantees above are its
acknowledgements'. Another broker URL (``redis://``) is refused in one line, as
is a broker that cannot be reached (its URL shown without the password).
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from datetime import date, datetime

from apscheduler.executors.base import BaseExecutor
from apscheduler.job import Job
from celery import Celery
from kombu.exceptions import OperationalError
from kombu.utils.url import maybe_sanitize_url

from storage.types import now_seoul

BROKER_ENV = "NEWSARCHIVE_BROKER"
QUEUE = "newsarchive.crawls"
TASK = "newsarchive.crawl_site"
# RabbitMQ's URL schemes (py-amqp); only its acknowledgements give the guarantees above
BROKER_SCHEMES = ("amqp", "amqps", "pyamqp")

logger = logging.getLogger(__name__)


def broker_url() -> str | None:
    """The broker of distributed runs, or None: runs stay on this machine."""
    return os.environ.get(BROKER_ENV) or None


class BrokerUnavailable(RuntimeError):
    """The broker cannot be used; the message is one line: its URL, without the
    password, and what to do."""


def celery_app(broker: str) -> Celery:
    """The app every scheduler and worker of one archive shares; a broker URL
    other than RabbitMQ's is refused (:class:`BrokerUnavailable`)."""
    scheme = broker.partition("://")[0].lower()
    if scheme not in BROKER_SCHEMES:
        raise BrokerUnavailable(
            f"{BROKER_ENV}={maybe_sanitize_url(broker)}: the broker must be RabbitMQ, "
            "amqp://USER:PASSWORD@HOST:5672// (runs rely on its acknowledgements)"
        )
    app = Celery("newsarchive", broker=broker, include=["scheduling.tasks"])
    app.conf.update(
        task_default_queue=QUEUE,
        task_acks_late=True,  # a run's message is acknowledged once the run is done
        task_reject_on_worker_lost=True,  # a pool child killed mid-run: the message goes back
        worker_prefetch_multiplier=1,  # a worker holds no more messages than it runs
        task_serializer="json",
        accept_content=["json"],
        result_backend=None,
        task_ignore_result=True,
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
        worker_cancel_long_running_tasks_on_connection_loss=False,
    )
    return app


@dataclass(frozen=True)
class RunRequest:
    """One site run asked of the workers: daily, or a backfill window."""

    site: str
    since: date | None = None
    until: date | None = None
    requested: datetime | None = None  # when it was due or asked for; None: now

    @property
    def mode(self) -> str:
        return "daily" if self.since is None else "backfill"

    def message(self) -> dict[str, str | None]:
        """The task's keyword arguments, as JSON carries them."""
        return {
            "site": self.site,
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
            "requested": (self.requested or now_seoul()).isoformat(),
        }

    @classmethod
    def read(cls, message: dict[str, str | None]) -> RunRequest:
        since, until, requested = message.get("since"), message.get("until"), message["requested"]
        assert message["site"] is not None and requested is not None
        return cls(
            message["site"],
            date.fromisoformat(since) if since else None,
            date.fromisoformat(until) if until else None,
            datetime.fromisoformat(requested),
        )


def reach(app: Celery) -> None:
    """Connect to ``app``'s broker once (a retry after a short wait), or raise
    :class:`BrokerUnavailable`."""
    try:
        with app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1)
    except (OperationalError, OSError) as exc:
        raise _unreachable(app, exc) from None  # the line says it all


def _unreachable(app: Celery, exc: Exception) -> BrokerUnavailable:
    return BrokerUnavailable(
        f"cannot reach the broker {maybe_sanitize_url(app.conf.broker_url)}: {exc}: "
        f"start RabbitMQ there, or set {BROKER_ENV} to where it listens"
    )


def enqueue(app: Celery, request: RunRequest) -> str:
    """Send ``request`` to the workers; the task's id (:class:`BrokerUnavailable`
    when the broker cannot be reached)."""
    try:
        result = app.send_task(TASK, kwargs=request.message(), queue=QUEUE)
    except (OperationalError, OSError) as exc:
        raise _unreachable(app, exc) from None  # the line says it all
    logger.info(
        "enqueued the %s run of %s (%s): task %s",
        request.mode,
        request.site,
        request.message()["requested"],
        result.id,
    )
    return result.id


class EnqueueExecutor(BaseExecutor):
    """APScheduler executor that enqueues a due site run instead of running it.

    It enqueues before the scheduler stores the job's next run time, so a
    scheduler killed in between enqueues the same due run again on restart,
    with the same due time: the worker runs it once (see the module docstring).
    A broker that cannot be reached fails the job's run (logged by APScheduler).
    """

    def __init__(self, app: Celery) -> None:
        super().__init__()
        self.app = app

    def _do_submit_job(self, job: Job, run_times: list[datetime]) -> None:
        (site,) = job.args
        try:
            enqueue(self.app, RunRequest(site, requested=run_times[-1]))
        except BrokerUnavailable as exc:  # logged as the job's error, its one line
            self._run_job_error(job.id, exc)
            return
        except Exception as exc:  # APScheduler logs the failed job
            self._run_job_error(job.id, exc, exc.__traceback__)
            return
        self._run_job_success(job.id, [])
