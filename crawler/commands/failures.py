"""``scrapy failures [--site NAME]``: the URLs whose every capture failed, each
with the reason its latest try gave and how many tries; the next daily runs
try them again."""

from __future__ import annotations

import argparse

from scrapy.commands import ScrapyCommand

from crawler.commands import ArchiveCommand, fail, open_archive
from crawler.commands.runs import seoul_time, table
from storage.health import failures, site_names

COLUMNS = (("site", "<"), ("tries", ">"), ("last_tried", "<"), ("url", "<"), ("reason", "<"))


class Command(ArchiveCommand, ScrapyCommand):
    def syntax(self) -> str:
        return "[--site NAME]"

    def short_desc(self) -> str:
        return "List the pages that failed: URL, reason and number of tries"

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        archive = open_archive(self)
        if archive is None:
            return
        try:
            if opts.site and opts.site not in site_names(archive.engine):
                self.exitcode = fail(f"no site {opts.site!r} in the archive")
                return
            found = failures(archive.engine, opts.site)
        finally:
            archive.close()
        if not found:
            print(f"no failed page{f' of {opts.site}' if opts.site else ''}")
            return
        rows = [
            (f.site, str(f.tries), seoul_time(f.last_tried), f.url, f.reason or "") for f in found
        ]
        print(table(rows, COLUMNS))
