"""``scrapy demo``: serve the sample portal on loopback, crawl every site of it
into the archive (``DATABASE_URL``, default the SQLite file), export the
archive and print what was archived against what the portal published.

It shows the whole job on a machine that reaches no real portal; a real run
is ``scrapy crawl portal -a site=NAME`` with your own ``sites.yaml``.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from scrapy.commands import ScrapyCommand
from scrapy.settings import SETTINGS_PRIORITIES

from crawler.commands import fail
from sample_portal import SamplePortal, serve
from storage.archive import Archive
from storage.database import ArchiveUnavailable, project_root
from storage.export import ExportFilter, export

# loopback only, so the politeness delays are off
DEMO_SETTINGS = {
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
    "LOG_LEVEL": "WARNING",
}


class Command(ScrapyCommand):
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
        try:
            archive = Archive.open(self.settings.get("DATABASE_URL"))
        except ArchiveUnavailable as exc:
            self.exitcode = fail(str(exc))
            return
        portal = SamplePortal(articles_per_site=opts.articles)
        with serve(portal, port=opts.port) as base_url, tempfile.TemporaryDirectory() as tmp:
            sites_file = Path(tmp) / "sites.yaml"
            sites_file.write_text(portal.sites_yaml(base_url), encoding="utf-8")
            os.environ["NEWSARCHIVE_SITES"] = str(sites_file)
            print(f"sample portal on {base_url}: crawling {', '.join(portal.sites)} ...")
            for site in portal.sites:
                self.crawler_process.crawl("portal", site=site)
            self.crawler_process.start()
        output = Path(opts.output)
        if not output.is_absolute():
            output = project_root() / output
        exported = export(archive.engine, output, ExportFilter())
        counts = archive.article_counts()
        archive.close()
        print(f"{'site':<10} {'published':>9} {'archived':>9}")
        complete = True
        for site in portal.sites:
            published, archived = len(portal.articles(site)), counts.get(site, 0)
            complete &= archived == published
            print(f"{site:<10} {published:>9} {archived:>9}")
        total = sum(len(portal.articles(site)) for site in portal.sites)
        print(f"archived {sum(counts.get(s, 0) for s in portal.sites)} of {total} sample articles")
        print(f"archive: {archive.engine.url.render_as_string(hide_password=True)}")
        print(f"exported {exported} articles to {output}")
        if not complete:
            self.exitcode = 1
