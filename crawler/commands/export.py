"""``scrapy export -o FILE.jsonl|FILE.csv [--site NAME] [--since D] [--until D]``:
write the archived articles, one record per article."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from sqlalchemy import Engine

from crawler.commands import EXIT_FAILED, fail
from storage.database import ArchiveUnavailable, open_database
from storage.export import ExportFilter, export, format_of, records
from storage.health import site_names


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
        wanted = ExportFilter(opts.site, opts.since, opts.until)
        try:
            self.exitcode = _refusal(engine, path, wanted)
            if not self.exitcode:
                print(f"exported {export(engine, path, wanted)} articles to {path}")
        finally:
            engine.dispose()


def _refusal(engine: Engine, path: Path, wanted: ExportFilter) -> int:
    """Why nothing may be written to ``path`` (said in one line; the exit code),
    or 0: an unknown site, a missing folder, or a selection of no article,
    which never overwrites an earlier export."""
    if wanted.site and wanted.site not in site_names(engine):
        return fail(f"--site {wanted.site!r}: no such site in the archive")
    if not path.parent.is_dir():
        return fail(f"cannot write {path}: folder {path.parent} does not exist")
    if next(records(engine, wanted), None) is None:
        kept = f"; {path} left as it was" if path.exists() else ""
        return fail(f"no article matches: nothing exported{kept}", EXIT_FAILED)
    return 0


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date YYYY-MM-DD") from None
