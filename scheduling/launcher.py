"""CrawlLauncher: runs ``scrapy crawl portal -a site=NAME``, or ``scrapy daily
SITE...`` for several sites' daily runs, in a child process (a Twisted reactor
cannot be restarted in one process), writes its output to a log file of its
own, and keeps the log file and the exit code with each run the child opened
(logging how the run ended, with its one-line reason when it was not
healthy). It can stop every crawl it started: SIGTERM first (Scrapy closes
the run cleanly), SIGKILL for those still running after a grace time.
A distributed worker's launcher (``die_with_parent``) has its crawls killed
when the worker dies, so a redelivered run never meets its orphan, and may
stop a crawl cleanly after a time limit (a slice of a long backfill).
"""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path

from crawler.exit_codes import EXIT_BUSY
from storage.archive import Archive
from storage.database import project_root
from storage.types import now_seoul

logger = logging.getLogger(__name__)
# the logs of processes running several sites' daily runs, beside the sites' own folders
DAILY_LOGS = "daily"
# a slice counts from when the crawl opened its run, not from its start: on a
# busy machine a crawl's start-up alone can outlast a short slice. One that
# has opened no run by then is stopped all the same.
START_UP_MAX = 120.0


class CrawlLauncher:
    def __init__(
        self,
        archive: Archive,
        database_url: str,
        logs: Path,
        settings: Sequence[str] = (),
        die_with_parent: bool = False,
    ) -> None:
        self.archive = archive
        self.die_with_parent = die_with_parent
        self.database_url = database_url
        self.logs = logs
        self.settings = list(settings)  # NAME=VALUE Scrapy settings for every crawl
        self._children: dict[int, subprocess.Popen[bytes]] = {}
        self._lock = threading.Lock()
        self._stopping = False

    def command(self, site: str, log_file: Path, spider_args: Sequence[str] = ()) -> list[str]:
        """The child's command line (``spider_args``: more ``NAME=VALUE`` spider arguments)."""
        arguments = ["crawl", "portal", "-a", f"site={site}"]
        arguments += [arg for value in spider_args for arg in ("-a", value)]
        return self._scrapy(arguments, log_file)

    def _scrapy(self, arguments: Sequence[str], log_file: Path) -> list[str]:
        settings = [arg for setting in self.settings for arg in ("-s", setting)]
        return [
            sys.executable,
            "-m",
            "scrapy",
            *arguments,
            "-s",
            f"LOG_FILE={log_file}",
            *settings,
        ]

    def run(
        self, site: str, spider_args: Sequence[str] = (), stop_after: float | None = None
    ) -> int | None:
        """Crawl ``site`` in a child process and wait for it; its exit code
        (negative: the signal that ended it), or None when stopping. After
        ``stop_after`` seconds of crawling (counted from when its run opened)
        the crawl is asked to stop (SIGTERM), as on shutdown."""
        started = now_seoul()
        log_file = self._log_file(site, f"{started:%Y-%m-%dT%H%M%S}")

        def opened(pid: int) -> bool:
            return self.archive.runs.find(site, pid, started - timedelta(seconds=1)) is not None

        command = self.command(site, log_file, spider_args)
        ran = self._run(command, log_file, site, stop_after, opened)
        if ran is None:
            return None
        pid, code = ran
        self._record(site, pid, started, code, log_file)
        return code

    def run_daily(self, sites: Sequence[str]) -> dict[str, int | None]:
        """The daily runs of ``sites`` in one child process (``scrapy daily``),
        waited for; each site's exit code (its run's own, or the process's when
        the run kept none: negative, the signal that ended it), None for every
        site when stopping. The log file, kept with every run, is ``logs/daily/``'s."""
        if len(sites) == 1:
            return {sites[0]: self.run(sites[0])}
        started = now_seoul()
        log_file = self._log_file(DAILY_LOGS, f"{started:%Y-%m-%dT%H%M%S.%f}")
        what = f"{len(sites)} sites ({', '.join(sites)})"
        ran = self._run(self._scrapy(["daily", *sites], log_file), log_file, what, None)
        if ran is None:
            return dict.fromkeys(sites)
        pid, code = ran
        return {site: self._record(site, pid, started, code, log_file) for site in sites}

    def _log_file(self, folder: str, name: str) -> Path:
        log_file = self.logs / folder / f"{name}.log"
        log_file.parent.mkdir(parents=True, exist_ok=True)
        return log_file

    def _run(
        self,
        command: list[str],
        log_file: Path,
        what: str,
        stop_after: float | None,
        opened: Callable[[int], bool] = lambda pid: True,
    ) -> tuple[int, int] | None:
        """Run ``command`` in a child process, its output to ``log_file``; its pid
        and exit code, or None when stopping (nothing started)."""
        with self._lock:
            if self._stopping:
                logger.info("not starting a crawl of %s: stopping", what)
                return None
            with log_file.open("ab") as output:
                child = subprocess.Popen(
                    command,
                    cwd=project_root(),
                    env={**os.environ, "DATABASE_URL": self.database_url},
                    stdin=subprocess.DEVNULL,
                    stdout=output,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # a Ctrl-C meant for us is not sent to it too
                    preexec_fn=_kill_me_with_parent if self.die_with_parent else None,
                )
            self._children[child.pid] = child
        logger.info("crawl of %s started: pid %d, log %s", what, child.pid, log_file)
        code = child.wait() if stop_after is None else self._wait(child, what, stop_after, opened)
        with self._lock:
            del self._children[child.pid]
        return child.pid, code

    @staticmethod
    def _wait(
        child: subprocess.Popen[bytes], what: str, stop_after: float, opened: Callable[[int], bool]
    ) -> int:
        """Wait for ``child``, asking it to stop ``stop_after`` seconds after it
        opened its run (or ``START_UP_MAX`` seconds after its start, if it
        opened none by then); its exit code."""
        begun = time.monotonic()
        deadline = begun + START_UP_MAX
        counting = False
        while True:
            try:
                return child.wait(min(1.0, max(0.0, deadline - time.monotonic())))
            except subprocess.TimeoutExpired:
                pass
            if not counting and opened(child.pid):
                counting, deadline = True, time.monotonic() + stop_after
            if time.monotonic() >= deadline:
                logger.info(
                    "asking the crawl of %s to stop after %.0f s", what, time.monotonic() - begun
                )
                child.send_signal(signal.SIGTERM)
                return child.wait()

    def _record(self, site: str, pid: int, started: datetime, code: int, log_file: Path) -> int:
        """Keep the exit code (the run's own when its process kept one: a process
        of several runs exits with one code for all) and the log file with the
        run ``pid`` opened for ``site``, and log how it ended; the exit code."""
        run_id = self.archive.runs.find(site, pid, started - timedelta(seconds=1))
        if run_id is None:
            reason = "the site was busy" if code == EXIT_BUSY else "no run was opened"
            logger.warning("crawl of %s exited %d: %s (see %s)", site, code, reason, log_file)
            return code
        kept = self.archive.runs.summary(run_id).exit_code
        if kept is not None:
            code = kept
        self.archive.runs.record_exit(run_id, code, str(log_file))
        run = self.archive.runs.summary(run_id)
        level = logging.INFO if code == 0 else logging.WARNING
        logger.log(
            level,
            "crawl of %s ended: run %d %s, exit %d%s, log %s",
            site,
            run_id,
            run.status,
            code,
            f": {run.reason}" if run.reason else "",
            log_file,
        )
        return code

    def stop_all(self, grace: float) -> None:
        """Start no more crawls; ask the running ones to stop, kill them after ``grace`` s."""
        with self._lock:
            self._stopping = True
            children = list(self._children.values())
        for child in children:
            logger.info("asking the crawl in pid %d to stop", child.pid)
            child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + grace
        for child in children:
            try:
                child.wait(max(deadline - time.monotonic(), 0))
            except subprocess.TimeoutExpired:
                logger.warning(
                    "the crawl in pid %d did not stop in %.0f s: killing it", child.pid, grace
                )
                child.send_signal(signal.SIGKILL)


def _kill_me_with_parent() -> None:
    """In the child before it runs: Linux kills it when the thread that started it ends."""
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
