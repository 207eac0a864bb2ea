"""``scrapy crawl portal -a site=NAME [-a since=YYYY-MM-DD -a until=YYYY-MM-DD]``.

Scrapy's own ``crawl``, plus: the site profile, the arguments and the archive
are checked before Scrapy starts (a bad one, or an archive that cannot be
reached or written, ends the command with one line on stderr and exit code 2);
the run is then crawled by the crawl lifecycle (``crawler.crawl_lifecycle``),
which opens it, taking the site's run lock (a site another live run is
crawling ends the command with one line and exit code 3); its run keeper
(``crawler.run_keeper``) says how the run ended: exit code 1 when the crawl
did not finish normally or met an error in the spider (when the archive
stopped taking writes, with one line saying why); 4, 5 or 6, with one line,
when it finished without an article link, without a list page read, or
without any answer from the site; 8 when a backfill read no date; 9 when it archived
less than it should (``crawler.partial``). The exit code and the log file
(``LOG_FILE``) are kept with the run.

A backfill given ``since`` alone continues an interrupted backfill from the
same day with that one's ``until``, so resuming it on a later day keeps its window.

At the end of a run the site's boilerplate is learned again from the archive
and taken out of its stored articles (``crawler.archiving.boilerplate_learning``).
"""

from __future__ import annotations

import argparse
import sys

from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.exceptions import UsageError
from scrapy.spiderloader import get_spider_loader

from crawler.commands import ArchiveErrors, fail
from crawler.crawl_lifecycle import crawl_sites, shared_exit_code
from crawler.exit_codes import EXIT_FAILED
from crawler.job import CrawlArgumentError, CrawlJob, crawl_job
from crawler.spiders.portal import PortalSpider
from storage.archive import Archive
from storage.database import ArchiveUnavailable

# the portal spider's arguments (``crawler.job.crawl_job``)
SPIDER_ARGUMENTS = ("site", "since", "until")


class Command(ArchiveErrors, ScrapyCrawl):
    job: CrawlJob | None = None

    def syntax(self) -> str:
        return "portal -a site=NAME [-a since=YYYY-MM-DD [-a until=YYYY-MM-DD]]"

    def long_desc(self) -> str:
        return (
            "Crawl one site of sites.yaml. -a site=NAME alone is the daily, incremental run; "
            "-a since=YYYY-MM-DD (and -a until=YYYY-MM-DD, default today) backfills the "
            "articles published in that window. Exit codes: 0 the run finished; 1 it did not "
            "finish (or the archive stopped taking writes); 2 bad arguments, configuration or "
            "archive; 3 the site is being crawled by another run; 4 no article link on the "
            "list pages read; 5 no list page could be read; 6 the site never answered; "
            "7 a bot check answered in place of the list pages; "
            "8 a backfill read no article with a readable date; "
            "9 it archived less than it should (list paging ended early with no other "
            "route, or too few of what its feeds, sitemaps and list endpoints listed)."
        )

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        assert self.settings is not None
        if args and args[0] not in get_spider_loader(self.settings).list():
            raise SystemExit(fail(f"no spider {args[0]!r}: use {PortalSpider.name}"))
        if args[:1] != [PortalSpider.name]:
            return
        unknown = sorted(set(opts.spargs) - set(SPIDER_ARGUMENTS))
        if unknown:
            raise SystemExit(
                fail(
                    f"unknown argument -a {unknown[0]}: the portal spider takes "
                    "-a site=NAME, -a since=YYYY-MM-DD, -a until=YYYY-MM-DD"
                )
            )
        try:
            job = crawl_job(**opts.spargs)
            archive = Archive.open(self.settings.get("DATABASE_URL"))
        except (CrawlArgumentError, ArchiveUnavailable) as exc:
            raise SystemExit(fail(str(exc))) from None
        try:
            archive.check_writable()
            if job.window is not None and "until" not in opts.spargs:
                job = self._keep_window(archive, job, opts.spargs)
        except (CrawlArgumentError, ArchiveUnavailable) as exc:
            raise SystemExit(fail(str(exc))) from None
        finally:
            archive.close()
        self.job = job

    @staticmethod
    def _keep_window(archive: Archive, job: CrawlJob, spargs: dict[str, str]) -> CrawlJob:
        """The window of the interrupted backfill from the same ``since``, if any."""
        assert job.window is not None
        until = archive.runs.unfinished_until(job.profile.name, job.window.since)
        if until is None or until == job.window.until:
            return job
        spargs["until"] = until.isoformat()
        print(
            f"newsarchive: resuming the interrupted backfill {job.window.since}..{until}",
            file=sys.stderr,
        )
        return crawl_job(**spargs)

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("name one spider: scrapy crawl portal -a site=NAME")
        if self.job is None:  # another spider than the portal's: Scrapy's own crawl
            super().run(args, opts)
            return
        assert self.crawler_process is not None
        crawls = crawl_sites(self.crawler_process, [self.job])
        failed = self.crawler_process.bootstrap_failed
        self.exitcode = EXIT_FAILED if failed else shared_exit_code(crawls)
