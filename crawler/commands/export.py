"""``scrapy export -o FILE.jsonl|FILE.csv [--site NAME] [--since D] [--until D]``:
write the archived articles, one record per article."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler.commands import fail
from storage.database import ArchiveUnavailable, open_database
from storage.export import ExportFilter, export, format_of


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False
    default_settings = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "-o FILE.jsonl|FILE.csv [--site NAME] [--since YYYY-MM-DD] [--until YYYY-MM-DD]"

    def short_desc(self) -> str:
        return "Export archived articles as JSON Lines or CSV"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("-o", "--output", metavar="FILE", help="file to write (.jsonl, .csv)")
        parser.add_argument("--site", help="only this site")
        parser.add_argument("--since", type=_day, help="published on or after this day")
        parser.add_argument("--until", type=_day, help="published on or before this day")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if not opts.output:
            raise UsageError("name the file to write: -o FILE.jsonl")
        assert self.settings is not None
        path = Path(opts.output)
        try:
            format_of(path)
            engine = open_database(self.settings.get("DATABASE_URL"))
        except (ValueError, ArchiveUnavailable) as exc:
            self.exitcode = fail(str(exc))
            return
        try:
            count = export(engine, path, ExportFilter(opts.site, opts.since, opts.until))
        finally:
            engine.dispose()
        print(f"exported {count} articles to {path}")


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date YYYY-MM-DD") from None
