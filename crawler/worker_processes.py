"""The extraction worker processes of a crawl (and of ``scrapy reextract``).

They are spawned, never forked: a fork of a process running the reactor is
not safe. Each ends as soon as the crawl's process is gone, so a crawl killed
with ``kill -9`` leaves no worker behind. They ignore Ctrl-C (the terminal
sends it to the whole process group): the crawl's process decides how to stop.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor


def process_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of ``workers`` spawned processes that end with the crawl's process."""
    return ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_start_worker,
        initargs=(os.getpid(),),
    )


def _start_worker(parent: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _exit_with_parent(parent)


def _exit_with_parent(parent: int) -> None:
    """In a worker: end it as soon as process ``parent`` (the crawl) is gone."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-crawl", daemon=True).start()
