"""``scrapy demo``: serve the sample portal on loopback, crawl every site of it
into the archive (``DATABASE_URL``, default the SQLite file), each as a run of
its own (``crawler.crawl_lifecycle``, as ``scrapy daily`` crawls), export the
archive and print, per site, what the portal published, what this run added
(new), what was archived before (unchanged), what failed and what the archive
holds. A busy port or an export name it cannot write is refused before
anything is crawled.

It shows the whole job on a machine that reaches no real portal; a real run is
``scrapy crawl portal -a site=NAME`` with your own ``sites.yaml``.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from scrapy.commands import ScrapyCommand
from scrapy.settings import SETTINGS_PRIORITIES

from crawler.commands import ArchiveErrors, fail, port_problem
from crawler.crawl_lifecycle import crawl_sites
from crawler.job import CrawlJob
from crawler.sites import load_sites
from storage.archive import Archive
from storage.database import ArchiveUnavailable, project_root
from storage.export import ExportFilter, export, format_of

# loopback only, so the politeness delays are off
DEMO_SETTINGS = {
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
    "LOG_LEVEL": "WARNING",
}


class Command(ArchiveErrors, ScrapyCommand):
    requires_project = True

    def short_desc(self) -> str:
        return "Crawl the bundled sample portal on 127.0.0.1 into the archive and export it"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--port", type=int, default=8737, help="loopback port (8737)")
        parser.add_argument("--articles", type=int, default=65, help="articles per site (65)")
        parser.add_argument(
            "-o", "--output", default="newsarchive-demo.jsonl", help="export file to write"
        )

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        assert self.settings is not None
        # above the project's polite settings, which would otherwise win
        for name, value in DEMO_SETTINGS.items():
            if self.settings.getpriority(name) < SETTINGS_PRIORITIES["cmdline"]:
                self.settings.set(name, value, priority="cmdline")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.crawler_process is not None and self.settings is not None
        output = Path(opts.output)
        if not output.is_absolute():
            output = project_root() / output
        problem = port_problem(opts.port)
        try:
            format_of(output)
        except ValueError as exc:
            problem = str(exc)
        if problem is None and not output.parent.is_dir():
            problem = f"cannot write {output}: folder {output.parent} does not exist"
        if problem:
            self.exitcode = fail(problem)
            return
        url = self.settings.get("DATABASE_URL")
        try:
            archive = Archive.open(url)
        except ArchiveUnavailable as exc:
            self.exitcode = fail(str(exc))
            return
        before = archive.article_counts()
        # the demo's alone: imported when it runs, not as every command starts
        from sample_portal import SamplePortal, serve

        portal = SamplePortal(articles_per_site=opts.articles)
        with serve(portal, port=opts.port) as base_url, tempfile.TemporaryDirectory() as tmp:
            sites_file = Path(tmp) / "sites.yaml"
            sites_file.write_text(portal.sites_yaml(base_url), encoding="utf-8")
            profiles = load_sites(sites_file)
            print(f"sample portal on {base_url}: crawling {', '.join(portal.sites)} ...")
            jobs = [CrawlJob(profiles[site], None) for site in portal.sites]
            crawls = crawl_sites(self.crawler_process, jobs)
        exported = export(archive.engine, output, ExportFilter())
        counts = archive.article_counts()
        # a site another run held (said in one line) has no run here: nothing new, none failed
        done = {crawl.site: archive.runs.summary(crawl.run_id) for crawl in crawls if crawl.run_id}
        archive.close()
        print(
            f"{'site':<10} {'published':>9} {'new':>5} {'unchanged':>9} {'failed':>6}"
            f" {'archived':>8}"
        )
        complete = True
        for site in portal.sites:
            published, archived = len(portal.articles(site)), counts.get(site, 0)
            complete &= archived == published
            new, failed = (done[site].new, done[site].failed) if site in done else (0, 0)
            print(
                f"{site:<10} {published:>9} {new:>5} {before.get(site, 0):>9}"
                f" {failed:>6} {archived:>8}"
            )
        total = sum(len(portal.articles(site)) for site in portal.sites)
        added = sum(summary.new for summary in done.values())
        print(
            f"this run added {added} articles; the archive holds"
            f" {sum(counts.get(s, 0) for s in portal.sites)} of the {total} sample articles"
            " (each site's --articles, and the board's 2 pinned notices)"
        )
        print(f"archive: {archive.engine.url.render_as_string(hide_password=True)}")
        print(f"exported {exported} articles to {output}")
        if not complete:
            self.exitcode = 1
