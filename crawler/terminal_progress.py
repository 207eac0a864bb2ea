"""A live progress line per site while the crawls run, updated in place on a
terminal (with ``rich``): pages archived, new articles, requests waiting
(scheduled or in the downloader) and pages a second. Only when stdout is a
terminal: a pipe, a file or the log never gets it (the log has
``crawler.progress``'s lines). Log lines written to the same terminal
meanwhile are printed above the progress lines, not through them.

The lines are redrawn from the reactor's thread, which owns the crawls'
counts and queues, a few times a second.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime

from rich.console import Console
from rich.live import Live
from rich.text import Text
from twisted.internet.task import LoopingCall

from crawler.run_crawler import RunCrawler
from crawler.run_keeper import RunKeeper

REDRAW_INTERVAL = 0.25  # seconds


class ProgressLines:
    """The crawls' progress lines, read from the crawlers when drawn."""

    def __init__(self, crawlers: Sequence[RunCrawler]) -> None:
        self.crawlers = crawlers

    @staticmethod
    def line(crawler: RunCrawler) -> str:
        counts, stats = crawler.counts, crawler._stats  # None until the crawl starts
        started = stats.get_value("start_time") if stats else None  # when the spider opened
        ended = (stats.get_value("finish_time") if stats else None) or datetime.now(UTC)
        seconds = (ended - started).total_seconds() if started else 0.0
        rate = counts.pages / seconds if seconds > 0 else 0.0
        keeper = RunKeeper.of(crawler)
        state = f" ({keeper.end.status})" if keeper and keeper.end else ""
        return (
            f"{crawler.run.job.profile.name}{state}: {counts.pages} pages, {counts.new} new, "
            f"queue {waiting(crawler)}, {rate:.1f} pages/s"
        )

    def __rich__(self) -> Text:
        return Text("\n".join(self.line(crawler) for crawler in self.crawlers))


def waiting(crawler: RunCrawler) -> int:
    """The crawl's requests not yet answered: in its scheduler or its downloader."""
    engine = crawler._engine  # None until the crawl starts
    if engine is None or not crawler.crawling or engine.scheduler is None:
        return 0
    return len(engine.scheduler) + len(engine.downloader.active)  # type: ignore[arg-type]


@contextmanager
def terminal_progress(crawlers: Sequence[RunCrawler]) -> Iterator[None]:
    """Show the crawls' progress lines while in the block, when stdout is a terminal."""
    if not sys.stdout.isatty():
        yield
        return
    console = Console(file=sys.stdout, highlight=False, soft_wrap=True)
    logs_here = sys.stderr.isatty()
    stderr = sys.stderr
    live = Live(
        ProgressLines(crawlers),
        console=console,
        auto_refresh=False,
        transient=True,
        redirect_stderr=logs_here,
    )
    redraw = LoopingCall(live.refresh)
    with live:
        # the log's handlers hold the terminal itself: through Live's stderr instead
        moved = [
            handler
            for handler in logging.root.handlers
            if logs_here and isinstance(handler, logging.StreamHandler) and handler.stream is stderr
        ]
        for handler in moved:
            handler.setStream(sys.stderr)
        redraw.start(REDRAW_INTERVAL)
        try:
            yield
        finally:
            if redraw.running:
                redraw.stop()
            for handler in moved:
                handler.setStream(stderr)
