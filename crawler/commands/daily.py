"""``scrapy daily SITE [SITE ...]``: the daily runs of several sites in one
Scrapy process, one crawler per site, as the local scheduler runs the sites
due at the same time (``scheduling.launcher``): the process starts once for them
all, and one site's politeness waits leave the CPU to the others' pages.

Each site keeps what ``scrapy crawl portal -a site=NAME`` gives it: its own
run (taking its run lock: a busy site is left out, with one line, and the
others crawl), run keeper, archive writer thread and exit code, kept with its
run; a site that fails does not fail the others. Extraction runs in one
thread for them all (worker processes, shared by the crawls, with ``-s
EXTRACT_WORKERS=N``). The process exits with the code its runs share, else 1
(each run's own code is in ``scrapy runs``); 2 when a site is unknown or the
archive cannot be written, before anything is fetched.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler.commands import fail, say
from crawler.commands.crawl import relearn_boilerplate
from crawler.exit_codes import EXIT_BUSY, EXIT_FAILED
from crawler.job import CrawlArgumentError, crawl_job
from crawler.run import OpenRun, RunKeeper, hand_over, open_run
from crawler.spiders.portal import PortalSpider
from storage.archive import Archive
from storage.database import ArchiveUnavailable
from storage.runs import SiteBusy


class Command(ScrapyCommand):
    requires_project = True
    # extraction in a thread of the process: the scheduler runs two of these at
    # once, which keeps both cores busy; on six sites of 500 articles (throughput.py)
    # worker processes made it no faster (94-97 against 102-103 articles/s) at 1.6
    # times the memory (480-494 against 303-309 MB). -s EXTRACT_WORKERS=N for workers
    default_settings = {"EXTRACT_WORKERS": 0}

    def __init__(self) -> None:
        super().__init__()
        self.opened: list[OpenRun] = []
        self.busy = 0  # sites left out: another run holds them

    def syntax(self) -> str:
        return "SITE [SITE ...]"

    def short_desc(self) -> str:
        return "Run the daily runs of several sites in one process, one crawler per site"

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        assert self.settings is not None
        if not args:
            raise UsageError("name the sites: scrapy daily SITE [SITE ...]")
        if len(set(args)) != len(args):
            raise SystemExit(fail("a site is named twice: name each site once"))
        url = self.settings.get("DATABASE_URL")
        try:
            jobs = [crawl_job(site=site) for site in args]
            archive = Archive.open(url)
            archive.check_writable()
            archive.close()
        except (CrawlArgumentError, ArchiveUnavailable) as exc:
            raise SystemExit(fail(str(exc))) from None
        log_file = self.settings.get("LOG_FILE")
        logged = str(Path(log_file).resolve()) if log_file else None
        for job in jobs:
            archive = Archive.open(url)
            try:
                self.opened.append(open_run(archive, job, logged))
            except SiteBusy as exc:
                archive.close()
                say(str(exc))
                self.busy += 1

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.crawler_process is not None
        crawls = []
        for opened in self.opened:
            crawler = self.crawler_process.create_crawler(PortalSpider.name)
            hand_over(crawler, opened)
            self.crawler_process.crawl(crawler, site=opened.job.profile.name)
            crawls.append((crawler, opened))
        codes = [EXIT_BUSY] * self.busy
        try:
            if crawls:
                self.crawler_process.start()
        finally:
            for crawler, opened in crawls:
                end = RunKeeper.end_of(crawler)
                if end.reason is not None:
                    say(end.reason)
                relearn_boilerplate(crawler, opened)
                opened.record_exit(end.exit_code)
                codes.append(end.exit_code)
        self.exitcode = codes[0] if len(set(codes)) == 1 else EXIT_FAILED
