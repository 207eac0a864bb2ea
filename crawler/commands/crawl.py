"""``scrapy crawl portal -a site=NAME [-a since=YYYY-MM-DD -a until=YYYY-MM-DD]``.

Scrapy's own ``crawl``, plus: the site profile, the arguments and the archive
are checked before Scrapy starts (a bad one, or an archive that cannot be
reached or written, ends the command with one line on stderr and exit code 2);
the run is opened then, taking the site's run lock (a site another live run is
crawling ends the command with one line and exit code 3); a crawl that did not
finish normally, or met an error in the spider, exits 1 (when the archive
stopped taking writes, with one line saying why). The exit code and the log
file (``LOG_FILE``) are kept with the run.

A backfill given ``since`` alone continues an interrupted backfill from the
same day with that one's ``until``, so resuming it on a later day keeps its window.

At the end of a run the site's boilerplate is learned again from the archive
and taken out of its stored articles (``pipelines.site_boilerplate``): a new
site's first articles are cleaned at the end of the run that archived them.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.exceptions import UsageError
from sqlalchemy.exc import SQLAlchemyError

from crawler.commands import EXIT_BUSY, fail, say
from crawler.job import CrawlArgumentError, CrawlJob, crawl_job
from crawler.spiders.portal import PortalSpider
from pipelines.site_boilerplate import relearn
from storage.archive import Archive
from storage.database import ArchiveUnavailable, create_archive_engine, database_url, one_line
from storage.runs import SiteBusy


class Command(ScrapyCrawl):
    run_id: int | None = None

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        if args[:1] != [PortalSpider.name]:
            return
        assert self.settings is not None
        try:
            job = crawl_job(**opts.spargs)
            archive = Archive.open(self.settings.get("DATABASE_URL"))
            archive.check_writable()
            if job.window is not None and "until" not in opts.spargs:
                job = self._keep_window(archive, job, opts.spargs)
        except TypeError as exc:
            raise SystemExit(fail(f"unknown spider argument ({exc})")) from None
        except (CrawlArgumentError, ArchiveUnavailable) as exc:
            raise SystemExit(fail(str(exc))) from None
        if len(args) != 1:
            archive.close()
            return  # run() says what is wrong
        try:
            self.run_id = self._open_run(archive, job)
        except SiteBusy as exc:
            raise SystemExit(fail(str(exc), EXIT_BUSY)) from None
        finally:
            archive.close()
        self.settings.set("CRAWL_RUN_ID", self.run_id, priority="cmdline")

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

    def _open_run(self, archive: Archive, job: CrawlJob) -> int:
        """Start the run (and take the site's run lock) before Scrapy starts."""
        assert self.settings is not None
        profile, window = job.profile, job.window
        log_file = self.settings.get("LOG_FILE")
        return archive.runs.start(
            archive.site_id(profile.name, profile.cms, profile.list_url),
            job.mode,
            window.since if window else None,
            window.until if window else None,
            log_file=str(Path(log_file).resolve()) if log_file else None,
        )

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("name one spider: scrapy crawl portal -a site=NAME")
        assert self.crawler_process is not None
        try:
            crawler = self._create_crawler(args[0])
            self.crawler_process.crawl(crawler, **opts.spargs)
            self.crawler_process.start()
            stats = crawler.stats.get_stats() if crawler.stats else {}
            if "archive/write_failed" in stats:
                say(f"{stats['archive/write_failed']}: the crawl stopped; run it again when fixed")
            if (
                self.crawler_process.bootstrap_failed
                or stats.get("finish_reason") != "finished"
                or stats.get("spider_exceptions/count", 0)
            ):
                self.exitcode = 1
            if stats.get("archive/outcome/article", 0):
                self._relearn_boilerplate(opts.spargs["site"])
        except BaseException:
            self.exitcode = 1
            raise
        finally:
            if self.run_id is not None:
                self._record_exit(self.run_id)

    def _relearn_boilerplate(self, site: str) -> None:
        """Learn the site's boilerplate again and take it out of its articles."""
        assert self.settings is not None
        engine = create_archive_engine(self.settings.get("DATABASE_URL") or database_url())
        try:
            relearned = relearn(engine, site)
        except SQLAlchemyError as exc:
            say(f"{site}: boilerplate not learned: {one_line(exc)}")
            return
        finally:
            engine.dispose()
        if relearned.added:
            print(
                f"newsarchive: {site}: boilerplate version {relearned.version},"
                f" {relearned.added} new lines; taken out of {relearned.cleaned} articles",
                file=sys.stderr,
            )

    def _record_exit(self, run_id: int) -> None:
        assert self.settings is not None
        url = self.settings.get("DATABASE_URL") or database_url()
        archive = Archive(create_archive_engine(url))  # migrated when the run was opened
        try:
            archive.runs.record_exit(run_id, self.exitcode)
        except SQLAlchemyError:
            # the archive stopped taking writes: the crawl has said so in one line,
            # and the next run marks this one as ended from its captures
            pass
        finally:
            archive.close()
