"""Why a crawl's request failed, in one line: for the log and for a failed
capture's error."""

from __future__ import annotations

import re

from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

# an HTTP status that says the page is gone for good: not an article, not retried
GONE = {404: "Not Found", 410: "Gone"}

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


def failed_response(failure: Failure) -> Response | None:
    """The response of a request that failed on its HTTP status; None: no response came."""
    return failure.value.response if failure.check(HttpError) else None


def request_failure(failure: Failure) -> str:
    """One line on why a request failed: its HTTP status, else why no response came."""
    response = failed_response(failure)
    return f"HTTP {response.status}" if response is not None else failure_reason(failure)
