"""A PostgreSQL archive's mirror brought up to date while ``scrapy browse``
serves it: a background thread runs the copy (``storage.mirror.catching_up``,
a chunk of rows a transaction, so that the served mirror grows under its
readers), and the landing page says how far it is (``N of M articles``)
until it is done. Stopped before it is done, the copy stops after its
chunk; the next start resumes it."""

from __future__ import annotations

import threading
from contextlib import closing
from pathlib import Path
from typing import Any

from datasette import hookimpl
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from storage.database import one_line
from storage.mirror import catching_up, count_articles, source_articles


class CatchingUp:
    """The copy of the archive ``source`` into the mirror at ``path``, in a
    thread; as a Datasette plugin, it gives the templates ``catching_up``:
    what the landing page says of it while it runs (None once done)."""

    def __init__(self, source: Engine, path: Path) -> None:
        self.__name__ = "newsarchive-mirror"  # Datasette names a plugin by it
        self.source, self.path = source, path
        self.held = self.total = self.copied = self.new = 0
        self.problem: str | None = None
        self.started = False
        self._stop = threading.Event()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name="mirror", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 10) -> None:
        """Stop the copy after the chunk it is copying (a copy waiting on the
        archive longer than ``timeout`` ends with the process)."""
        self._stop.set()
        self._thread.join(timeout)

    def status(self) -> str | None:
        """What the landing page says of the copy: None once done."""
        if self.problem:
            return f"The mirror could not be brought up to date: {self.problem}"
        if self._done.is_set():
            return None
        if not self.started:
            return "The mirror is catching up with the archive: counting its articles."
        return (
            f"The mirror is catching up with the archive: {self.held:,} of {self.total:,} "
            "articles so far. Searches and lists show those."
        )

    def _run(self) -> None:
        try:
            self.held, self.total = count_articles(self.path), source_articles(self.source)
            self.started = True
            with closing(catching_up(self.source, self.path)) as copying:
                for table, rows in copying:
                    self.copied += rows
                    if table == "articles":
                        self.new += rows
                        self.held += rows
                    if self._stop.is_set():
                        print(
                            f"mirror {self.path}: stopped at {self.held} of {self.total} "
                            "articles (the next start resumes)",
                            flush=True,
                        )
                        return
        except (SQLAlchemyError, OSError) as exc:
            self.problem = one_line(exc)
            print(f"cannot update the mirror: {self.problem}", flush=True)
            return
        finally:
            self.source.dispose()
        self._done.set()
        print(
            f"mirror {self.path} of {count_articles(self.path)} articles "
            f"({self.new} new, {self.copied} rows copied)",
            flush=True,
        )

    @hookimpl
    def extra_template_vars(self) -> dict[str, Any]:
        return {"catching_up": self.status()}
