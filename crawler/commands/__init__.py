"""newsarchive's Scrapy commands: ``crawl`` (checked before it starts),
``export``, ``reextract`` and ``demo``."""

from __future__ import annotations

import sys


def say(message: str) -> None:
    """Print a one-line error for the user."""
    print(f"newsarchive: error: {message}", file=sys.stderr)


def fail(message: str) -> int:
    """Print a one-line error for the user; return the exit code to use."""
    say(message)
    return 2
