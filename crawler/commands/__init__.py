"""newsarchive's Scrapy commands: ``crawl`` (checked before it starts),
``daily``, ``export``, ``reextract``, ``runs``, ``failures``, ``sites``,
``probe``, ``fixture`` and ``demo``, and what they share: one-line errors,
the archive commands' header (:class:`ArchiveCommand`), opening the archive,
a free port. Commands are the crawl room's entry points:
they wire the page room (``pipelines``) and ``storage`` together. The exit
codes live in ``crawler.exit_codes``; ``scrapy browse`` is the browsing room's."""

from __future__ import annotations

import argparse
import errno
import socket
from typing import Any

from scrapy.commands import ScrapyCommand

from crawler.exit_codes import EXIT_USAGE
from crawler.user_messages import say
from storage.archive import Archive
from storage.database import ArchiveUnavailable


class ArchiveCommand:
    """The header of the commands that read or fix the archive, no crawl
    (``export``, ``failures``, ``runs``, ``sites``, ``reextract``, ``fixture``):
    in a project, no crawler process, no log; ``--site NAME`` when ``site_option``.
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
    """The archive of ``command``'s ``DATABASE_URL`` setting; None (exit code 2)
    having said in one line why it cannot be opened."""
    assert command.settings is not None
    try:
        return Archive.open(command.settings.get("DATABASE_URL"))
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
