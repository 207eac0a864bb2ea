"""newsarchive's Scrapy commands: ``crawl`` (checked before it starts),
``daily``, ``export``, ``reextract``, ``runs``, ``failures``, ``sites``,
``probe``, ``fixture`` and ``demo``, and what they share: one-line errors,
opening the archive, a free port. Commands are the crawl room's entry points:
they wire the page room (``pipelines``) and ``storage`` together. The exit
codes live in ``crawler.exit_codes``; ``scrapy browse`` is the browsing room's."""

from __future__ import annotations

import errno
import socket

from scrapy.commands import ScrapyCommand

from crawler.exit_codes import EXIT_USAGE
from crawler.user_messages import say
from storage.archive import Archive
from storage.database import ArchiveUnavailable


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
