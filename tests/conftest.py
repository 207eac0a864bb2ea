"""Shared fixtures: archive databases (SQLite and a real PostgreSQL server),
the sample portal on 127.0.0.1, and running the project's Scrapy commands."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from sample_portal import SamplePortal, serve
from storage.database import create_archive_engine

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_ENV = "NEWSARCHIVE_TEST_POSTGRES_URL"
NO_POSTGRES = (
    f"no PostgreSQL server: set {POSTGRES_ENV} (a server URL whose role may create "
    "databases) to run it; `bash .ci/run` starts one"
)
# set by `.ci/run`, which starts every server the tests need: a test that finds
# one missing then fails rather than skips (a skipped test proves nothing)
SERVERS_ENV = "NEWSARCHIVE_TEST_SERVERS"


def no_server(reason: str) -> NoReturn:
    """Skip the test for want of a server, with one line saying why; fail it
    where the servers are required (``NEWSARCHIVE_TEST_SERVERS=required``)."""
    if os.environ.get(SERVERS_ENV) == "required":
        pytest.fail(f"{reason} ({SERVERS_ENV}=required)", pytrace=False)
    pytest.skip(reason)


# settings for crawling the loopback portal: no politeness delays
FAST = [
    "-s",
    "AUTOTHROTTLE_ENABLED=0",
    "-s",
    "DOWNLOAD_DELAY=0",
    "-s",
    "CONCURRENT_REQUESTS_PER_DOMAIN=8",
    "-s",
    "EXTRACT_WORKERS=1",
]


# what makes a test end-to-end: it serves the sample portal or runs a Scrapy command
E2E_FIXTURES = {"portal"}
E2E_CALLS = {"scrapy", "start_scrapy", "serve"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark ``e2e`` every test that serves the sample portal or runs a Scrapy
    command in a child process (directly, through a fixture, or through a
    module helper that does), so ``-m "not e2e"`` runs the unit tests alone."""
    for item in items:
        code = getattr(getattr(item, "function", None), "__code__", None)
        names = set(code.co_names) if code else set()
        if E2E_FIXTURES & set(getattr(item, "fixturenames", ())) or E2E_CALLS & names:
            item.add_marker(pytest.mark.e2e)


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Skip a ``postgresql`` test, with one line saying why, when no server is named."""
    if item.get_closest_marker("postgresql") and not os.environ.get(POSTGRES_ENV):
        no_server(NO_POSTGRES)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty archive database: an SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'archive.db'}"
        return
    server = os.environ[POSTGRES_ENV]  # without it the test is skipped: see pytest_runtest_setup
    name = f"newsarchive_test_{uuid.uuid4().hex[:12]}"
    admin = create_archive_engine(server).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@dataclass
class Portal:
    """The sample portal being served, and a sites.yaml that points at it."""

    portal: SamplePortal
    base_url: str
    sites_file: Path


@pytest.fixture
def portal(tmp_path: Path) -> Iterator[Portal]:
    sample = SamplePortal()
    with serve(sample) as base_url:
        sites_file = tmp_path / "sites.yaml"
        sites_file.write_text(sample.sites_yaml(base_url), encoding="utf-8")
        yield Portal(sample, base_url, sites_file)


def free_port() -> str:
    """A TCP port of 127.0.0.1 free just now, for a command that serves on one
    (``scrapy demo --port``): its default port may be taken on a shared machine."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return str(probe.getsockname()[1])


def project_env(database_url: str, sites_file: Path) -> dict[str, str]:
    """The environment of a command run on this archive and sites.yaml; a
    command that crashes in C prints where (Python's fault handler)."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "NEWSARCHIVE_SITES": str(sites_file),
        "PYTHONFAULTHANDLER": "1",
    }


def scrapy(
    *args: str, database_url: str, sites_file: Path, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run ``scrapy ARGS`` from the project root as a user would, in a child process."""
    return subprocess.run(
        [sys.executable, "-m", "scrapy", *args],
        cwd=ROOT,
        env=project_env(database_url, sites_file),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def start_scrapy(
    *args: str, database_url: str, sites_file: Path, **popen: Any
) -> subprocess.Popen[str]:
    """Start ``scrapy ARGS`` like :func:`scrapy`, without waiting: in its own
    process group (to kill it with its workers), output captured."""
    return subprocess.Popen(
        [sys.executable, "-m", "scrapy", *args],
        cwd=ROOT,
        env=project_env(database_url, sites_file),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        **popen,
    )
