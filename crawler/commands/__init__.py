"""newsarchive's Scrapy commands: ``crawl`` (checked before it starts),
``daily``, ``export``, ``reextract``, ``runs``, ``failures``, ``sites``,
``probe``, ``fixture`` and ``demo``, and what they share: one-line errors,
one line for an archive that fails a command (:class:`ArchiveErrors`), the
archive commands' header (:class:`ArchiveCommand`), opening the archive,
a free port. Commands are the crawl room's entry points:
they wire the page room (``pipelines``) and ``storage`` together. The exit
codes live in ``crawler.exit_codes``; ``scrapy browse`` is the browsing room's."""

from __future__ import annotations

import argparse
import errno
import functools
import socket
from collections.abc import Callable
from typing import Any, NoReturn

from scrapy.commands import ScrapyCommand
from sqlalchemy.exc import SQLAlchemyError

from crawler.exit_codes import EXIT_USAGE
from crawler.user_messages import say
from storage.archive import Archive
from storage.database import ArchiveUnavailable, archive_fault, database_url

# the methods of a command that may open and read the archive
_GUARDED = ("process_options", "run")


class ArchiveErrors:
    """For a command that opens the archive: a database error that is the
    archive's fault (a damaged file, a read-only archive, a server gone) ends
    it with one line and exit code 2, never a traceback, wherever it is met in
    the command's ``process_options`` or ``run``. Put it before
    ``ScrapyCommand`` in the command's bases."""

    settings: Any

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name in _GUARDED:
            if name in cls.__dict__:
                setattr(cls, name, _one_line_on_fault(cls.__dict__[name]))

    def archive_failed(self, error: SQLAlchemyError) -> NoReturn:
        """End the command with the one line ``error`` means, or re-raise it
        when it is no fault of the archive."""
        url = (self.settings.get("DATABASE_URL") if self.settings else None) or database_url()
        problem = archive_fault(url, error)
        if problem is None:
            raise error
        raise SystemExit(fail(str(problem))) from None


def _one_line_on_fault(method: Callable[..., None]) -> Callable[..., None]:
    @functools.wraps(method)
    def guarded(self: ArchiveErrors, *args: Any, **kwargs: Any) -> None:
        try:
            method(self, *args, **kwargs)
        except SQLAlchemyError as exc:
            self.archive_failed(exc)

    return guarded


class ArchiveCommand(ArchiveErrors):
    """The header of the commands that read or fix the archive, no crawl
    (``export``, ``failures``, ``runs``, ``sites``, ``reextract``, ``fixture``):
    in a project, no crawler process, no log; ``--site NAME`` when ``site_option``;
    one line for an archive that fails it (:class:`ArchiveErrors`).
    Put before ``ScrapyCommand`` in a command's bases: a ``ScrapyCommand``
    defined here would be taken by Scrapy for a command of its own."""

    requires_project = True
    requires_crawler_process = False
    default_settings: dict[str, Any] = {"LOG_ENABLED": False}
    site_option = True  # whether ``--site NAME`` narrows the command to one site

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)  # type: ignore[misc]
        if self.site_option:
            parser.add_argument("--site", help="only this site")


def fail(message: str, code: int = EXIT_USAGE) -> int:
    """Print a one-line error for the user; return the exit code to use."""
    say(message)
    return code


def open_archive(command: ScrapyCommand) -> Archive | None:
    """The archive of ``command``'s ``DATABASE_URL`` setting, opened read-only
    (for a command that only reads it); None (exit code 2) having said in one
    line why it cannot be opened."""
    assert command.settings is not None
    try:
        return Archive.open(command.settings.get("DATABASE_URL"), read_only=True)
    except ArchiveUnavailable as exc:
        command.exitcode = fail(str(exc))
        return None


def port_problem(port: int, host: str = "127.0.0.1") -> str | None:
    """Why ``port`` on ``host`` cannot be served (out of range, in use), or None."""
    if not 0 < port < 65536:
        return f"--port {port} is out of range: use 1 to 65535"
    with socket.socket() as probe:
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return f"port {port} on {host} is in use: pick another with --port"
            return f"cannot serve on {host}:{port}: {exc.strerror}"
    return None
