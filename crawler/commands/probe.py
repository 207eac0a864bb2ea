"""``scrapy probe SITE`` / ``scrapy probe --list-url URL``: what a crawl of a
site would find and extract, writing nothing to the archive. Reads list pages 1
and 2 and three articles, politely (robots.txt, the project's delays), then
prints the family and its evidence, how article links are found, the links of
each list page, and each article's fields with warnings. Exit code 0 when list
page 1 links to articles, 1 when it links to none, 2 on a bad site or URL, 7
when a bot check answered in place of a list page (the report says how to go on)."""

from __future__ import annotations

import argparse

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler.commands import fail
from crawler.exit_codes import EXIT_BLOCKED, EXIT_USAGE
from crawler.probing import ProbeReport
from crawler.sites import SiteProfile, SitesConfigError, check_list_url, load_site
from crawler.spiders.probe import ProbeSpider

EXIT_NO_LINKS = 1


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = True

    def syntax(self) -> str:
        return "SITE | --list-url URL"

    def short_desc(self) -> str:
        return "Show what a crawl of a site would find and extract, writing nothing"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument(
            "--list-url", help="a list page URL with {page} where the page number goes"
        )

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        assert self.settings is not None
        if not opts.loglevel:  # the report, not Scrapy's start-up lines
            self.settings.set("LOG_LEVEL", "WARNING", priority="cmdline")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if bool(args) == bool(opts.list_url) or len(args) > 1:
            raise UsageError("name one site of sites.yaml, or give --list-url URL")
        try:
            profile = (
                load_site(args[0])
                if args
                else SiteProfile("probe", check_list_url(opts.list_url, "--list-url"))
            )
        except SitesConfigError as exc:
            self.exitcode = fail(str(exc), EXIT_USAGE)
            return
        report = ProbeReport(profile.name, profile.list_url)
        assert self.crawler_process is not None
        self.crawler_process.crawl(ProbeSpider, profile=profile, report=report)
        self.crawler_process.start()
        print("\n".join(report.lines()))
        if report.bot_check is not None:
            self.exitcode = fail(f"{profile.name}: bot check: {report.bot_check}", EXIT_BLOCKED)
        elif not report.found_links:
            self.exitcode = fail(
                f"list page 1 of {profile.name} links to no article: check list_url, "
                "or give the site list_links or article_pattern",
                EXIT_NO_LINKS,
            )
