"""One-line messages for the user, on stderr: what the commands and the crawl
lifecycle say went wrong."""

from __future__ import annotations

import sys


def say(message: str) -> None:
    """Print a one-line error for the user."""
    print(f"newsarchive: error: {message}", file=sys.stderr)
