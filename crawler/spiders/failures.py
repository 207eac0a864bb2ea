"""Why a spider's request failed, in one line: for the log and for a failed
capture's error."""

from __future__ import annotations

import re

from twisted.python.failure import Failure

# how Scrapy's DownloadFailedError lists the Twisted failures behind it
_WRAPPED_FAILURE = re.compile(r"<twisted\.python\.failure\.Failure [\w.]+\.(\w+): ([^>]*)>")


def failure_reason(failure: Failure) -> str:
    """One line on why a request failed, with the Twisted failures it wraps spelt out."""
    message = failure.getErrorMessage()
    wrapped = _WRAPPED_FAILURE.findall(message)
    if wrapped:
        message = "; ".join(f"{name}: {text.strip()}" for name, text in wrapped)
    name = type(failure.value).__name__
    return f"{name}: {message}"[:300] if message.strip() else name
