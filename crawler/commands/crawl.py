"""``scrapy crawl portal -a site=NAME [-a since=YYYY-MM-DD -a until=YYYY-MM-DD]``.

Scrapy's own ``crawl``, plus: the site profile, the arguments and the archive
are checked before Scrapy starts (a bad one, or an archive that cannot be
reached or written, ends the command with one line on stderr and exit code 2);
the archive is opened then (migrated: this process's one handle) and the run
with it, taking the site's run lock (a site another live run is crawling ends
the command with one line and exit code 3), and handed to the run keeper
(``crawler.run``), which says how the run ended: exit code 1 when the crawl
did not finish normally or met an error in the spider (when the archive
stopped taking writes, with one line saying why); 4, 5 or 6, with one line,
when it finished without an article link, without a list page read, or
without any answer from the site; 8 when a backfill read no date. The exit code and the log file
(``LOG_FILE``) are kept with the run.

A backfill given ``since`` alone continues an interrupted backfill from the
same day with that one's ``until``, so resuming it on a later day keeps its window.

At the end of a run the site's boilerplate is learned again from the archive
and taken out of its stored articles (``crawler.archiving.boilerplate_learning``): a new
site's first articles are cleaned at the end of the run that archived them.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.crawler import Crawler
from scrapy.exceptions import UsageError
from scrapy.spiderloader import get_spider_loader
from sqlalchemy.exc import SQLAlchemyError

from crawler.archiving.boilerplate_learning import relearn
from crawler.commands import fail, say
from crawler.exit_codes import EXIT_BUSY, EXIT_FAILED
from crawler.job import CrawlArgumentError, CrawlJob, crawl_job
from crawler.run import OpenRun, RunKeeper, hand_over, open_run, run_keeper
from crawler.spiders.portal import PortalSpider
from storage.archive import Archive
from storage.database import ArchiveUnavailable, one_line
from storage.runs import SiteBusy

# the portal spider's arguments (``crawler.job.crawl_job``)
SPIDER_ARGUMENTS = ("site", "since", "until")


class Command(ScrapyCrawl):
    opened: OpenRun | None = None

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
            "8 a backfill read no article with a readable date."
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
            archive.check_writable()
            if job.window is not None and "until" not in opts.spargs:
                job = self._keep_window(archive, job, opts.spargs)
        except (CrawlArgumentError, ArchiveUnavailable) as exc:
            raise SystemExit(fail(str(exc))) from None
        if len(args) != 1:
            archive.close()
            return  # run() says what is wrong
        log_file = self.settings.get("LOG_FILE")
        try:
            self.opened = open_run(
                archive, job, str(Path(log_file).resolve()) if log_file else None
            )
        except SiteBusy as exc:
            archive.close()
            raise SystemExit(fail(str(exc), EXIT_BUSY)) from None

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
        assert self.crawler_process is not None
        try:
            crawler = self._create_crawler(args[0])
            if self.opened is not None:
                hand_over(crawler, self.opened)
            self.crawler_process.crawl(crawler, **opts.spargs)
            self.crawler_process.start()
            end = RunKeeper.end_of(crawler)
            if end.reason is not None:
                say(end.reason)
            self.exitcode = EXIT_FAILED if self.crawler_process.bootstrap_failed else end.exit_code
            if self.opened is not None:
                relearn_boilerplate(crawler, self.opened)
        except BaseException:
            self.exitcode = EXIT_FAILED
            raise
        finally:
            if self.opened is not None:
                self.opened.record_exit(self.exitcode)


def relearn_boilerplate(crawler: Crawler, opened: OpenRun) -> None:
    """After a run that archived new articles: learn the site's boilerplate
    again and take it out of its articles."""
    try:
        new = run_keeper(crawler).counts.new
    except RuntimeError:  # the crawl failed before its extensions were made
        return
    if not new:
        return
    site = opened.job.profile.name
    try:
        relearned = relearn(opened.archive.engine, site)
    except SQLAlchemyError as exc:
        say(f"{site}: boilerplate not learned: {one_line(exc)}")
        return
    if relearned.added:
        print(
            f"newsarchive: {site}: boilerplate version {relearned.version},"
            f" {relearned.added} new lines; taken out of {relearned.cleaned} articles",
            file=sys.stderr,
        )
