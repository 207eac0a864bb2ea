"""newsarchive's Scrapy commands: ``crawl`` (checked before it starts),
``export``, ``reextract``, ``runs`` and ``demo``."""

from __future__ import annotations

import sys

EXIT_USAGE = 2  # bad arguments, configuration or archive
EXIT_BUSY = 3  # the site is being crawled by another run


def say(message: str) -> None:
    """Print a one-line error for the user."""
    print(f"newsarchive: error: {message}", file=sys.stderr)


def fail(message: str, code: int = EXIT_USAGE) -> int:
    """Print a one-line error for the user; return the exit code to use."""
    say(message)
    return code
