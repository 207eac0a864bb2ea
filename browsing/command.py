"""``scrapy browse [--port 8001] [--snapshot FILE] [--rebuild]``: the archive
read-only in Datasette on 127.0.0.1: a landing page that searches (words,
site, dates, author), facets, Korean full-text search (canned query
``search``, parameter ``q``) and article pages. A PostgreSQL archive is served
through an SQLite mirror of its articles (``storage.mirror``), served at
once as it is (made empty when missing) while a thread brings it up to date
with the rows written since the last start (``browsing.catching_up``)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from scrapy.commands import ScrapyCommand
from sqlalchemy.exc import SQLAlchemyError

from crawler.commands import ArchiveErrors, fail, port_problem
from storage.database import ArchiveUnavailable, database_url, one_line, open_database, project_root
from storage.mirror import prepare

HOST = "127.0.0.1"
SNAPSHOT_NAME = "newsarchive-browse.db"


class Command(ArchiveErrors, ScrapyCommand):
    requires_project = True
    requires_crawler_process = False
    default_settings = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "[--port 8001] [--snapshot FILE] [--rebuild]"

    def short_desc(self) -> str:
        return "Browse and search the archive, read-only, in Datasette on 127.0.0.1"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--port", type=int, default=8001, help="port on 127.0.0.1 (8001)")
        parser.add_argument(
            "--snapshot",
            metavar="FILE",
            help=f"PostgreSQL archives: the SQLite mirror to update and serve ({SNAPSHOT_NAME})",
        )
        parser.add_argument(
            "--rebuild",
            action="store_true",
            help="PostgreSQL archives: build the mirror again (articles re-extracted since)",
        )

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        problem = port_problem(opts.port)
        if problem:
            self.exitcode = fail(problem)
            return
        url = self.settings.get("DATABASE_URL") or database_url()
        try:
            engine = open_database(url, read_only=True)
        except ArchiveUnavailable as exc:
            self.exitcode = fail(str(exc))
            return
        mirrored = engine.dialect.name != "sqlite"
        if mirrored:
            path = Path(opts.snapshot or project_root() / SNAPSHOT_NAME)
            try:
                prepare(engine, path, rebuild=opts.rebuild)
            except (SQLAlchemyError, OSError) as exc:
                engine.dispose()
                self.exitcode = fail(f"cannot make the mirror: {one_line(exc)}")
                return
        else:
            path = Path(engine.url.database or "")
            engine.dispose()
        # imported here, not at the top: Scrapy imports every command's module
        # whatever the command run, and Datasette would cost every crawl 0.5 s of CPU
        import uvicorn

        from browsing.catching_up import CatchingUp
        from browsing.datasette import SOURCE, datasette_for

        copy = None
        if mirrored:
            os.environ[SOURCE] = url  # raw captures are read from the archive
            copy = CatchingUp(engine, path)  # disposes of the engine when done
            print(f"mirror {path}: catching up with the archive in the background", flush=True)
        datasette = datasette_for(path, mirrored, copy)
        if copy is not None:
            copy.start()
        print(f"browsing {path} read-only at http://{HOST}:{opts.port}/{path.stem} (Ctrl-C stops)")
        try:
            uvicorn.run(
                datasette.app(), host=HOST, port=opts.port, log_level="warning", lifespan="on"
            )
        finally:
            if copy is not None:
                copy.stop()
