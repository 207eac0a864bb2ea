"""One crawl lifecycle for every command that crawls (``crawl``, ``daily``,
``demo``): the crawls of a set of sites in one Scrapy process.

For each site it opens a run in the archive, taking the site's run lock (a
site another live run holds is left out, with one line, and the others
crawl); then it crawls them all at once, one :class:`RunCrawler` each,
sharing the process's extraction service; then, for each run, says how it
ended (one line when it was not healthy), learns the site's frame and
boilerplate again when the run archived new articles (extracting the run's
articles again with the frame, taking the boilerplate out of the site's
stored articles: a new site's first articles are cleaned at the end of the
run that archived them), and records the run's exit code with it. While they
crawl, a terminal shows a progress line per site (``crawler.terminal_progress``);
at the end every site's result is printed on stdout, one line each
(``crawler.crawl_summary``).
"""

from __future__ import annotations

import gc
import sys
import time
from collections.abc import Sequence
from concurrent.futures import Executor
from pathlib import Path

from scrapy.crawler import CrawlerProcessBase
from sqlalchemy.exc import SQLAlchemyError

from crawler.archiving import frame_learning
from crawler.archiving.boilerplate_learning import relearn
from crawler.cpu_stages import RUN_END_CPU, append_cpu_stages
from crawler.crawl_summary import SiteCrawl, print_summary
from crawler.exit_codes import EXIT_BUSY, EXIT_FAILED
from crawler.extraction_service import ExtractionService, default_workers
from crawler.job import CrawlJob
from crawler.run_crawler import OpenRun, RunCrawler, open_run
from crawler.run_keeper import RunKeeper
from crawler.spiders.portal import PortalSpider
from crawler.terminal_progress import terminal_progress
from crawler.user_messages import say
from storage.archive import Archive
from storage.database import one_line
from storage.run_records import SiteBusy

BUSY = "busy"  # the status of a site another live run holds


def crawl_sites(process: CrawlerProcessBase, jobs: Sequence[CrawlJob]) -> list[SiteCrawl]:
    """Crawl ``jobs`` in ``process``, each as a run of its own in the archive
    of the process's ``DATABASE_URL`` (see the module doc); how each went,
    printed on stdout."""
    settings = process.settings
    log_file = settings.get("LOG_FILE")
    logged = str(Path(log_file).resolve()) if log_file else None
    done: list[SiteCrawl] = []
    opened: list[OpenRun] = []
    for job in jobs:
        archive = Archive.open(settings.get("DATABASE_URL"))
        try:
            opened.append(open_run(archive, job, logged))
        except SiteBusy as exc:
            archive.close()
            say(str(exc))
            done.append(SiteCrawl(job.profile.name, None, EXIT_BUSY, BUSY, str(exc)))
    if not opened:
        print_summary(done)
        return done
    extraction = ExtractionService(settings.getint("EXTRACT_WORKERS", default_workers()))
    crawlers = [RunCrawler(PortalSpider, settings, run, extraction) for run in opened]
    try:
        for crawler in crawlers:
            process.crawl(crawler)
        # what the start-up made lives as long as the process: the collector
        # stops walking it at each of the crawl's full collections
        gc.freeze()
        with terminal_progress(crawlers):
            process.start()
    finally:
        try:
            for crawler in crawlers:
                done.append(_ended(crawler, extraction.pool))
        finally:
            extraction.close()
        print_summary(done)
        # the process ends: its memory goes back whole, so the collector's
        # passes over the heap as the interpreter exits are skipped
        gc.freeze()
    return done


def _ended(crawler: RunCrawler, pool: Executor | None) -> SiteCrawl:
    """Say how ``crawler``'s run ended, relearn its site's frame (extracting
    its articles again in ``pool``'s worker processes when the crawl started
    them) and boilerplate when it archived new articles, and record its exit
    code."""
    run = crawler.run
    end = RunKeeper.end_of(crawler)
    if end.reason is not None:
        say(end.reason)
    keeper = RunKeeper.of(crawler)
    try:
        # an archive that stopped taking the run's writes is not written again
        if crawler.counts.new and not (keeper and keeper.write_failed):
            started = time.thread_time()
            taught = crawler.frames_taught.get(run.job.profile.name)
            frame_learning.relearn_at_end(run, crawler.counts.new, crawler.read_with, taught, pool)
            relearn_boilerplate(run)
            if crawler._stats is not None:
                crawler._stats.set_value(RUN_END_CPU, time.thread_time() - started)
    finally:
        run.record_exit(end.exit_code)
    stats = crawler._stats  # None when the crawl failed before it started
    if stats is not None:
        append_cpu_stages(crawler, run.job.profile.name, crawler.counts.new)
    seconds = stats.get_value("elapsed_time_seconds", 0.0) if stats else 0.0
    return SiteCrawl(
        run.job.profile.name,
        run.id,
        end.exit_code,
        end.status,
        end.reason,
        crawler.counts,
        keeper.list_pages.read if keeper else 0,
        seconds,
    )


def relearn_boilerplate(run: OpenRun) -> None:
    """Learn the run's site's boilerplate again and take it out of its articles."""
    site = run.job.profile.name
    try:
        relearned = relearn(run.archive.engine, site)
    except SQLAlchemyError as exc:
        say(f"{site}: boilerplate not learned: {one_line(exc)}")
        return
    if relearned.added:
        print(
            f"newsarchive: {site}: boilerplate version {relearned.version},"
            f" {relearned.added} new lines; taken out of {relearned.cleaned} articles",
            file=sys.stderr,
        )


def shared_exit_code(crawls: Sequence[SiteCrawl]) -> int:
    """The exit code the crawls share, else 1 (each run's own is kept with it)."""
    codes = {crawl.exit_code for crawl in crawls}
    return codes.pop() if len(codes) == 1 else EXIT_FAILED
