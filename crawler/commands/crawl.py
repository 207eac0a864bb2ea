"""``scrapy crawl portal -a site=NAME [-a since=YYYY-MM-DD -a until=YYYY-MM-DD]``.

Scrapy's own ``crawl``, plus: the site profile, the arguments and the archive
are checked before Scrapy starts (a bad one, or an archive that cannot be
reached or written, ends the command with one line on stderr and exit code 2),
and a crawl that did not finish normally, or met an error in the spider,
exits 1 (when the archive stopped taking writes, with one line saying why).
"""

from __future__ import annotations

import argparse

from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.exceptions import UsageError

from crawler.commands import fail, say
from crawler.job import CrawlArgumentError, crawl_job
from crawler.spiders.portal import PortalSpider
from storage.archive import Archive
from storage.database import ArchiveUnavailable


class Command(ScrapyCrawl):
    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        if args[:1] != [PortalSpider.name]:
            return
        assert self.settings is not None
        try:
            crawl_job(**opts.spargs)
            archive = Archive.open(self.settings.get("DATABASE_URL"))
            try:
                archive.check_writable()
            finally:
                archive.close()
        except TypeError as exc:
            raise SystemExit(fail(f"unknown spider argument ({exc})")) from None
        except (CrawlArgumentError, ArchiveUnavailable) as exc:
            raise SystemExit(fail(str(exc))) from None

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("name one spider: scrapy crawl portal -a site=NAME")
        assert self.crawler_process is not None
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
