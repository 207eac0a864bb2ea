"""End to end on loopback: RabbitMQ, PostgreSQL, two workers and six backfills
of the sample portal. One worker is killed with SIGKILL mid-run: every article
is archived exactly once, no site has two runs at once, no page archived
before the kill is fetched again; crawls go on in slices (the broker's
acknowledgement timeout) and resume; a task delivered again after its run
ended runs no crawl; the scheduler killed and started again loses no due run.

RabbitMQ is the one ``NEWSARCHIVE_TEST_BROKER_URL`` names (``.ci/run`` starts
one), else a private ``rabbitmq-server`` this module starts on 127.0.0.1."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from datetime import date, timedelta
from itertools import pairwise
from pathlib import Path
from typing import TypeVar

import pytest
from kombu import Connection
from sqlalchemy import select

from sample_portal import SamplePortal, serve
from scheduling.distributed import QUEUE, RunRequest, celery_app, enqueue
from storage.archive import Archive
from storage.models import Capture, CrawlRun, Outcome, Site
from storage.run_records import RunStatus
from storage.types import now_seoul
from tests.conftest import ROOT, no_server, project_env
from tests.test_scheduler import wait_until

BROKER_ENV = "NEWSARCHIVE_TEST_BROKER_URL"
RABBITMQ = Path("/usr/lib/rabbitmq/bin/rabbitmq-server")
# slow enough that a worker is killed mid-run and a crawl outlasts its slice
POLITE = [
    "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "DOWNLOAD_DELAY=0.15",
    "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1", "-s", "EXTRACT_WORKERS=1",
]  # fmt: skip
# how long the runs may show no progress before a wait for them fails
STILL = 180.0
T = TypeVar("T")
POSTGRESQL_ONLY = pytest.mark.parametrize(
    "database_url", [pytest.param("postgresql", marks=pytest.mark.postgresql)], indirect=True
)


def _free_ports(count: int) -> list[int]:
    with ExitStack() as stack:
        sockets = [stack.enter_context(socket.socket()) for _ in range(count)]
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]


@pytest.fixture(scope="module")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A RabbitMQ broker on 127.0.0.1 (its node, distribution and epmd ports too)."""
    named = os.environ.get(BROKER_ENV)
    if named:
        yield named
        return
    if not RABBITMQ.exists():
        no_server(f"no RabbitMQ: set {BROKER_ENV} or install rabbitmq-server (Debian package)")
    home = tmp_path_factory.mktemp("rabbitmq")
    (home / "enabled_plugins").write_text("[].\n")
    cookie = home / ".erlang.cookie"
    cookie.write_text(uuid.uuid4().hex)
    cookie.chmod(0o400)
    node_port, dist_port, epmd_port = _free_ports(3)
    env = {
        **os.environ,
        "HOME": str(home),
        "RABBITMQ_NODENAME": f"newsarchive_test_{node_port}@localhost",
        "RABBITMQ_NODE_IP_ADDRESS": "127.0.0.1",
        "RABBITMQ_NODE_PORT": str(node_port),
        "RABBITMQ_DIST_PORT": str(dist_port),
        "ERL_EPMD_ADDRESS": "127.0.0.1",
        "ERL_EPMD_PORT": str(epmd_port),
        "RABBITMQ_MNESIA_BASE": str(home / "mnesia"),
        "RABBITMQ_LOG_BASE": str(home / "log"),
        "RABBITMQ_ENABLED_PLUGINS_FILE": str(home / "enabled_plugins"),
        "RABBITMQ_CONFIG_FILE": str(home / "rabbitmq"),
        "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS": "-kernel inet_dist_use_interface {127,0,0,1}",
    }
    server = subprocess.Popen(
        [str(RABBITMQ)],
        env=env,
        stdout=(home / "server.out").open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"amqp://guest:guest@127.0.0.1:{node_port}//"
    try:
        deadline = time.monotonic() + 120
        while not _answers(url):
            if server.poll() is not None or time.monotonic() > deadline:
                no_server(f"no RabbitMQ: rabbitmq-server did not start (set {BROKER_ENV})")
            time.sleep(0.5)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=60)
        epmd = shutil.which("epmd") or next(Path("/usr/lib/erlang").glob("erts-*/bin/epmd"))
        subprocess.run([str(epmd), "-kill"], env=env, capture_output=True, check=False)


def wait_while_moving(
    check: Callable[[], T | None],
    progress: Callable[[], object],
    what: str,
    still: float = STILL,
) -> T:
    """What ``check`` gives once it gives something, waiting as long as
    ``progress`` keeps changing: a loaded machine is slow, not stuck. Fails
    when ``progress`` has not changed for ``still`` seconds."""
    seen, moved = progress(), time.monotonic()
    while (found := check()) is None:
        now = progress()
        if now != seen:
            seen, moved = now, time.monotonic()
        elif time.monotonic() - moved > still:
            pytest.fail(f"waited for {what}: nothing moved for {still:.0f} s (at {seen})")
        time.sleep(0.2)
    return found


def _answers(url: str) -> bool | None:
    try:
        with Connection(url, connect_timeout=2) as connection:
            connection.ensure_connection(max_retries=1)
        return True
    except Exception:  # not up yet
        return None


def scheduler(
    *args: str, env: dict[str, str], output: Path, **popen: object
) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "scheduler.py", *args],
        cwd=ROOT,
        env=env,
        stdout=output.open("a"),
        stderr=subprocess.STDOUT,
        text=True,
        **popen,  # type: ignore[arg-type]
    )


def purge(broker: str) -> None:
    """Empty the crawl queue (of a broker an earlier test used)."""
    celery_app(broker).control.purge()


def six_sites(tmp_path: Path, stack: ExitStack) -> tuple[Path, dict[str, tuple[SamplePortal, str]]]:
    """Two sample portals (three sites each) served, and a sites.yaml naming the six."""
    sites: dict[str, tuple[SamplePortal, str]] = {}
    blocks = ["sites:"]
    for prefix, seed in (("a", 1), ("b", 2)):
        portal = SamplePortal(articles_per_site=45, seed=seed)
        base_url = stack.enter_context(serve(portal))
        yaml = portal.sites_yaml(base_url).removeprefix("sites:\n")
        for site in portal.sites:
            yaml = yaml.replace(f"- name: {site}\n", f"- name: {prefix}-{site}\n")
            sites[f"{prefix}-{site}"] = (portal, base_url)
        blocks.append(yaml.replace("    cms:", '    schedule: "0 0 1 1 *"\n    cms:').rstrip())
    sites_file = tmp_path / "sites.yaml"
    sites_file.write_text("\n".join(blocks) + "\n", encoding="utf-8")
    return sites_file, sites


@POSTGRESQL_ONLY
def test_two_workers_six_backfills_one_worker_killed(
    broker: str, database_url: str, tmp_path: Path
) -> None:
    purge(broker)
    since, until = date(2000, 1, 1), now_seoul().date() + timedelta(days=1)
    with ExitStack() as stack:
        sites_file, sites = six_sites(tmp_path, stack)
        env = {**project_env(database_url, sites_file), "NEWSARCHIVE_BROKER": broker}
        logs = tmp_path / "logs"
        for site in sites:
            enqueued = subprocess.run(
                [sys.executable, "scheduler.py", "--run-now", site, "--since", str(since),
                 "--until", str(until)],
                cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
            )  # fmt: skip
            assert enqueued.returncode == 0, enqueued.stderr
        worker_args = ["--worker", "--concurrency", "3", "--slice", "8", "--logs", str(logs)]
        outputs = [tmp_path / "worker-a.log", tmp_path / "worker-b.log"]
        workers = [scheduler(*worker_args, *POLITE, env=env, output=output) for output in outputs]
        archive = Archive.open(database_url)
        stack.callback(archive.close)
        for worker in workers:
            stack.callback(lambda worker=worker: worker.poll() is None and worker.kill())

        def captures_by_worker(pid: int) -> int | None:
            with archive.sessions() as session:
                runs = session.scalars(select(CrawlRun.id).where(CrawlRun.pid.in_(children(pid))))
                ids = list(runs)
                if not ids:
                    return None
                count = session.query(Capture).filter(Capture.run_id.in_(ids)).count()
            return ids[0] if count >= 10 else None

        def progress() -> tuple[int, int]:
            """The runs started and the pages captured: what moves while the workers work."""
            with archive.sessions() as session:
                return session.query(CrawlRun).count(), session.query(Capture).count()

        wait_while_moving(
            lambda: captures_by_worker(workers[0].pid), progress, "worker a to archive pages"
        )
        killed_runs = set(_running_runs(archive, children(workers[0].pid)))
        workers[0].send_signal(signal.SIGKILL)
        workers[0].wait()
        assert killed_runs

        def all_done() -> bool | None:
            with archive.sessions() as session:
                done = session.scalars(
                    select(Site.name)
                    .join(CrawlRun, CrawlRun.site_id == Site.id)
                    .where(CrawlRun.status == RunStatus.FINISHED)
                ).all()
            return True if set(done) == set(sites) else None

        wait_while_moving(all_done, progress, "every backfill to finish")

        # a task delivered again after its run ended is acknowledged without a crawl
        site = next(iter(sites))
        with archive.sessions() as session:
            runs_before = session.query(CrawlRun).count()
        enqueue(
            celery_app(broker), RunRequest(site, since, until, now_seoul() - timedelta(hours=1))
        )
        wait_while_moving(
            lambda: "already done by run" in outputs[1].read_text(encoding="utf-8") or None,
            lambda: outputs[1].stat().st_size,
            "the task delivered again to be acknowledged",
        )
        workers[1].send_signal(signal.SIGTERM)
        assert workers[1].wait(timeout=120) == 0, outputs[1].read_text(encoding="utf-8")[-3000:]

        with archive.sessions() as session:
            assert session.query(CrawlRun).count() == runs_before
            runs = session.execute(
                select(CrawlRun, Site.name).join(Site, Site.id == CrawlRun.site_id)
            ).all()
            captures = session.execute(  # the article pages (their photos, list pages aside)
                select(Capture.url, Capture.outcome, Capture.run_id, Site.name)
                .join(Site, Site.id == Capture.site_id)
                .where(Capture.outcome.not_in(("requisite", "page")))
            ).all()

    # the killed worker's runs ended interrupted; slices ended by a clean stop
    by_id = {run.id: run for run, _ in runs}
    assert {by_id[run_id].status for run_id in killed_runs} == {RunStatus.INTERRUPTED}
    assert any(run.status == "shutdown" for run, _ in runs), "no crawl outlasted its slice"
    # no site had two runs at once
    for name in sites:
        spans = sorted((run.started_at, run.finished_at) for run, site in runs if site == name)
        for (_, ended), (started, _) in pairwise(spans):
            assert ended is not None and ended <= started, name
    # every article archived exactly once: each page captured once, none failed
    per_url = Counter((site, url) for url, _, _, site in captures)
    assert max(per_url.values()) == 1
    for name, (portal, base_url) in sites.items():
        captured = {url for url, outcome, _, site in captures if site == name}
        articles = portal.articles(name.split("-", 1)[1])
        assert captured == {base_url.rstrip("/") + article.path for article in articles}, name
        assert not any(outcome == Outcome.FAILED for _, outcome, _, _ in captures)
    # no page archived before the kill was fetched again
    for url, _, run_id, name in captures:
        if run_id in killed_runs:
            portal, base_url = sites[name]
            assert portal.hits[url.removeprefix(base_url.rstrip("/"))] == 1, url
    listing = subprocess.run(
        [sys.executable, "-m", "scrapy", "runs", "--limit", "100"],
        cwd=ROOT, env=project_env(database_url, sites_file), capture_output=True, text=True,
        check=True,
    )  # fmt: skip
    assert listing.stdout.splitlines()[0].split()[-2:] == ["host", "log"]
    assert all(f" {socket.gethostname()} " in line for line in listing.stdout.splitlines()[1:])


def children(pid: int) -> set[int]:
    """The processes ``pid`` started (the worker's crawls)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.add(int(entry.name))
            except OSError:
                continue
    return found


def _running_runs(archive: Archive, pids: set[int]) -> list[int]:
    with archive.sessions() as session:
        return list(
            session.scalars(
                select(CrawlRun.id).where(
                    CrawlRun.pid.in_(pids), CrawlRun.status == RunStatus.RUNNING
                )
            )
        )


@POSTGRESQL_ONLY
def test_a_scheduler_killed_and_started_again_loses_no_due_run(
    broker: str, database_url: str, tmp_path: Path
) -> None:
    purge(broker)
    sites_file = tmp_path / "sites.yaml"
    sites_file.write_text(
        'sites:\n  - name: ticking\n    list_url: "http://127.0.0.1:9/?page={page}"\n'
        '    schedule: "*/10 * * * * *"\n',
        encoding="utf-8",
    )
    env = {**project_env(database_url, sites_file), "NEWSARCHIVE_BROKER": broker}
    output = tmp_path / "scheduler.log"

    def enqueued(count: int) -> bool | None:
        return output.read_text(encoding="utf-8").count("enqueued the daily run") >= count or None

    first = scheduler(env=env, output=output)
    wait_until(lambda: enqueued(1), "a first due run")
    first.send_signal(signal.SIGKILL)
    first.wait()
    now = now_seoul()
    missed = now.replace(microsecond=0) + timedelta(seconds=10 - now.second % 10)
    time.sleep((missed - now).total_seconds() + 1.5)  # a due time passes with no scheduler
    second = scheduler(env=env, output=output)
    try:
        wait_until(lambda: enqueued(3), "the missed run and the next one")
    finally:
        second.send_signal(signal.SIGTERM)
        assert second.wait(timeout=60) == 0
    requested = []
    with Connection(broker) as connection:
        queue = connection.SimpleQueue(QUEUE)
        while True:
            try:
                message = queue.get(timeout=1)
            except queue.Empty:
                break
            requested.append(RunRequest.read(message.payload[1]).requested)
            message.ack()
        queue.close()
    assert len(set(requested)) == len(requested) == 3, requested  # none enqueued twice
    assert missed in requested, requested  # the run due while no scheduler ran was made up
