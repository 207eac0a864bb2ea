"""The extraction worker processes of a crawl (and of ``scrapy reextract``).

They are forked from a server process (multiprocessing's ``forkserver``),
never from the crawl's own: a fork of a process running the reactor is not
safe. The server starts clean, imports the page room once
(:data:`PRELOADED`), and each worker forked from it starts with it imported:
a second worker costs a fork, not another second of imports. The server
ends with the crawl's process, and each worker as soon as its server or the
crawl's process is gone (a zombie too: a crawl killed with ``kill -9`` whose
parent still reads its output), so a crawl killed so leaves no worker behind.
Workers ignore Ctrl-C (the terminal sends it to the whole process group): the
crawl's process decides how to stop.
Workers run at a lower priority than the crawl's process (:data:`NICENESS`):
when the cores are all busy, the process that feeds them goes first.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import forkserver

from storage.host_processes import process_running

# what every worker runs: imported once, in the server the workers are forked from
PRELOADED = ["pipelines.article_page", "pipelines.attachment_text"]
# added to the workers' nice value: on a machine with fewer cores than the
# crawl's process and its workers, the crawl's process (the reactor fetching
# and handing out the pages, the writer storing them) goes first, and the
# workers take the CPU it leaves; idle cores are the workers' all the same
NICENESS = 10


def process_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of ``workers`` processes forked from the server; they end with the crawl."""
    return ProcessPoolExecutor(
        workers, mp_context=_context(), initializer=_start_worker, initargs=(os.getpid(),)
    )


def started_pool(workers: int) -> ProcessPoolExecutor:
    """:func:`process_pool` with its workers running: this waits for the
    server to start and import the page room (the better part of a second),
    so it is called off the reactor."""
    pool = process_pool(workers)
    # the server inherits the signals its spawning thread blocks: Ctrl-C
    # while it imports the page room would end it (it ignores Ctrl-C only
    # once it serves), and the workers with it
    masked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        submitted = [pool.submit(os.getpid) for _ in range(workers)]
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, masked)
    for started in submitted:
        started.result()
    return pool


def _context() -> multiprocessing.context.BaseContext:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOADED)
    return context


def _start_worker(crawl: int) -> None:
    gc.freeze()  # the page room, imported by the server: never garbage, never walked again
    os.nice(NICENESS)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _exit_with_crawl(crawl)


def _exit_with_crawl(crawl: int) -> None:
    """In a worker: end it as soon as process ``crawl`` (a zombie too) or the
    server it was forked from is gone. The server ends only once every worker
    has (each holds its end of the server's lifeline), so the worker must see
    the crawl's end itself."""
    server = os.getppid()

    def watch() -> None:
        while os.getppid() == server and process_running(crawl):
            time.sleep(1)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-crawl", daemon=True).start()


def stop_server() -> None:
    """Stop the workers' server (its pools shut down first) and wait for it,
    so that it and the workers it reaped count in the crawl's own CPU."""
    forkserver._forkserver._stop()  # multiprocessing's own call: its tests stop the server so
