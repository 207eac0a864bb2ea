"""What each site's crawl did, as the crawl commands (``crawl``, ``daily``,
``demo``) print it on stdout when they end: one line per site with its run,
status, new, duplicate and failed pages, list pages read (and failed), the
seconds it took, and, when it did not end healthy, why (else its exit code);
for a run stopped by Ctrl-C or SIGTERM, that the same command resumes it.
The log keeps its own lines; this is the result a user reads."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from storage.run_records import RunCounts, RunStatus

# the status Scrapy closes a crawl with on SIGINT (Ctrl-C) or SIGTERM, and what its line says
STOPPED_BY_SIGNAL = "shutdown"
STOPPED = "interrupted (Ctrl-C or SIGTERM): run the same command to resume"


@dataclass(frozen=True)
class SiteCrawl:
    """How one site's crawl went: its run (None: the site was busy), exit code,
    status, what it did and, when it ended unhealthy, why."""

    site: str
    run_id: int | None
    exit_code: int
    status: str = RunStatus.FINISHED
    reason: str | None = None
    counts: RunCounts = field(default_factory=RunCounts)
    list_pages: int = 0  # list pages read
    seconds: float = 0.0


def summary_line(crawl: SiteCrawl) -> str:
    """``crawl`` on one line: ``run 7 gyeongsan-news finished: 59 new, ...``."""
    if crawl.run_id is None:
        return f"{crawl.site} {crawl.status}: not crawled; {crawl.reason}"
    counts = crawl.counts
    pages = "list page" if crawl.list_pages == 1 else "list pages"
    list_failed = f" ({counts.list_failed} failed)" if counts.list_failed else ""
    line = (
        f"run {crawl.run_id} {crawl.site} {crawl.status}: {counts.new} new, "
        f"{counts.duplicate} duplicate, {counts.failed} failed, "
        f"{crawl.list_pages} {pages}{list_failed}, {crawl.seconds:.1f} s"
    )
    reason = crawl.reason
    if crawl.status == STOPPED_BY_SIGNAL:
        reason = STOPPED
    elif reason is None and crawl.exit_code:  # an error in the spider, or a crawl that broke off
        reason = f"exit code {crawl.exit_code}: see the log"
    return f"{line}; {reason}" if reason else line


def print_summary(crawls: Sequence[SiteCrawl]) -> None:
    """Print each crawl's line on stdout."""
    for crawl in crawls:
        print(summary_line(crawl), flush=True)
