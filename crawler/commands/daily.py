"""``scrapy daily SITE [SITE ...]``: the daily runs of several sites in one
Scrapy process, one crawler per site, as the local scheduler runs the sites
due at the same time (``scheduling.launcher``): the process starts once for
them all, and one site's politeness waits leave the CPU to the others' pages.

Each site keeps what ``scrapy crawl portal -a site=NAME`` gives it, through
the same crawl lifecycle (``crawler.crawl_lifecycle``): its own run (taking
its run lock: a busy site is left out, with one line, and the others crawl),
run keeper, archive writer thread and exit code, kept with its run; a site
that fails does not fail the others. Extraction runs in one thread for them
all until pages queue up for it, then in worker processes shared by the
crawls, as many as ``scrapy crawl`` starts (``-s EXTRACT_WORKERS=N``, 0 for
the thread alone; the README gives the figures). The process exits with
the code its runs share, else 1 (each run's own code is in ``scrapy runs``); 2
when a site is unknown or the archive cannot be written, before anything is
fetched. A site whose sites.yaml entry is refused is skipped with its one
line, the others run, and the process exits 2 at the end, naming it again.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler.commands import ArchiveErrors, fail
from crawler.crawl_lifecycle import crawl_sites, shared_exit_code
from crawler.exit_codes import EXIT_FAILED, EXIT_USAGE
from crawler.job import CrawlArgumentError, CrawlJob, crawl_job
from crawler.sites import SitesConfigError, read_sites
from crawler.user_messages import say
from storage.archive import Archive
from storage.database import ArchiveUnavailable


class Command(ArchiveErrors, ScrapyCommand):
    requires_project = True

    def __init__(self) -> None:
        super().__init__()
        self.jobs: list[CrawlJob] = []
        self.skipped: list[str] = []  # sites whose sites.yaml entry is refused
        self.sites_file: Path | None = None

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
        try:
            sites = read_sites()
            self.skipped = [site for site in args if site in sites.refused]
            if len(self.skipped) == len(args):  # nothing to run
                for site in args:
                    say(str(sites.refused[site]))
                raise SystemExit(EXIT_USAGE)
            for site in self.skipped:
                say(f"{sites.refused[site]} (skipped: the other sites run)")
            self.sites_file = sites.path
            self.jobs = [crawl_job(site=site) for site in args if site not in self.skipped]
            archive = Archive.open(self.settings.get("DATABASE_URL"))
            archive.check_writable()
            archive.close()
        except (SitesConfigError, CrawlArgumentError, ArchiveUnavailable) as exc:
            raise SystemExit(fail(str(exc))) from None

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.crawler_process is not None
        crawls = crawl_sites(self.crawler_process, self.jobs)
        failed = self.crawler_process.bootstrap_failed
        self.exitcode = EXIT_FAILED if failed else shared_exit_code(crawls)
        if self.skipped:
            self.exitcode = fail(
                f"skipped for their entry in {self.sites_file}: {', '.join(self.skipped)}"
            )
