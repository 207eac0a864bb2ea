"""``scrapy export -o FILE [--site NAME] [--since D] [--until D] [--versions]``:
write the archived articles, one record per article (``.jsonl``, ``.csv``;
with ``--versions`` one per version of each), or the captures as the servers
sent them (``.warc.gz``, ``.warc``, ``.wacz``)."""

from __future__ import annotations

import argparse
import os
from datetime import date
from pathlib import Path

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from sqlalchemy import Engine

from crawler.commands import ArchiveCommand, fail
from crawler.exit_codes import EXIT_FAILED
from storage.database import ArchiveUnavailable, open_database
from storage.export import ExportFilter, export, format_of, records
from storage.health import site_names
from storage.warc import WarcExport, WarcInfo, export_warc, is_warc


class Command(ArchiveCommand, ScrapyCommand):
    def syntax(self) -> str:
        return (
            "-o FILE.jsonl|.csv|.warc.gz|.warc|.wacz [--site NAME] "
            "[--since YYYY-MM-DD] [--until YYYY-MM-DD] [--versions]"
        )

    def short_desc(self) -> str:
        return "Export archived articles (JSON Lines, CSV) or captures (WARC, WACZ)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument(
            "-o",
            "--output",
            metavar="FILE",
            help=(
                "file to write (.jsonl, .csv, .warc.gz, .warc, .wacz); a folder is refused: "
                "name the file in it (-o exports/articles.jsonl)"
            ),
        )
        parser.add_argument("--since", type=_day, help="published on or after this day")
        parser.add_argument("--until", type=_day, help="published on or before this day")
        parser.add_argument(
            "--versions",
            action="store_true",
            help="one record per version of each article (version, seen_at, modified, gone_at)",
        )

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if not opts.output:
            raise UsageError("name the file to write: -o FILE.jsonl")
        assert self.settings is not None
        path = Path(opts.output)
        problem = _usage_problem(opts.output, opts.since, opts.until)
        if problem:
            self.exitcode = fail(problem)
            return
        archival = is_warc(path) or path.suffix.lower() == ".wacz"
        try:
            if not archival:
                format_of(path)
            engine = open_database(self.settings.get("DATABASE_URL"), read_only=True)
        except ValueError as exc:
            self.exitcode = fail(f"{exc} (.warc.gz, .warc or .wacz for the captures)")
            return
        except ArchiveUnavailable as exc:
            self.exitcode = fail(str(exc))
            return
        wanted = ExportFilter(opts.site, opts.since, opts.until)
        try:
            self.exitcode = _refusal(engine, path, wanted, articles=not archival)
            if self.exitcode:
                return
            if archival:
                self._archival(engine, path, wanted)
            else:
                if opts.versions:
                    written = export(engine, path, wanted, versions=True)
                    print(f"exported {written} versions of articles to {path}")
                else:
                    print(f"exported {export(engine, path, wanted)} articles to {path}")
        finally:
            engine.dispose()

    def _archival(self, engine: Engine, path: Path, wanted: ExportFilter) -> None:
        assert self.settings is not None
        info = WarcInfo.of(self.settings.get("USER_AGENT"), self.settings.getbool("ROBOTSTXT_OBEY"))
        max_size = self.settings.getint("WARC_MAX_SIZE")
        from storage.wacz import export_wacz  # its indexer: not imported by every command

        write = export_wacz if path.suffix.lower() == ".wacz" else export_warc
        done: WarcExport = write(engine, path, wanted, info, max_size)
        files = ", ".join(str(file) for file in done.files)
        print(
            f"exported {done.captures} captures ({done.responses} responses, "
            f"{done.revisits} revisits, {done.requests} requests, {len(done.pages)} pages) "
            f"to {files}"
        )


def _usage_problem(output: str, since: date | None, until: date | None) -> str | None:
    """What is wrong with the arguments before the archive is opened (one line), or None:
    a folder given as the file, a window that ends before it starts."""
    if output.endswith(("/", os.sep)) or Path(output).is_dir():
        return (
            f"-o {output}: that is a folder; name the file to write in it, "
            f"e.g. -o {Path(output) / 'articles.jsonl'}"
        )
    if since and until and since > until:
        return f"--since {since} is after --until {until}: the window holds no day; swap them"
    return None


def _refusal(engine: Engine, path: Path, wanted: ExportFilter, articles: bool) -> int:
    """Why nothing may be written to ``path`` (said in one line; the exit code),
    or 0: an unknown site, a missing folder, or (for an article export) a
    selection of no article, which never overwrites an earlier export."""
    if wanted.site and wanted.site not in site_names(engine):
        return fail(f"--site {wanted.site!r}: no such site in the archive")
    if not path.parent.is_dir():
        return fail(f"cannot write {path}: folder {path.parent} does not exist")
    if articles and next(records(engine, wanted), None) is None:
        kept = f"; {path} left as it was" if path.exists() else ""
        return fail(f"no article matches: nothing exported{kept}", EXIT_FAILED)
    return 0


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date YYYY-MM-DD") from None
