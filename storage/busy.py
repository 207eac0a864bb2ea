"""Writes that wait their turn at a locked SQLite archive.

SQLite lets one writer in at a time. A writer that finds the lock taken waits
in SQLite itself (``PRAGMA busy_timeout``, ``storage.database``), but SQLite
also answers ``database is locked`` at once where waiting could not help: a
transaction that read an older state of the file than the writer before it
committed. Either way the transaction did nothing, so :func:`waiting` runs it
again, whole, after a pause that grows (with jitter, so that writers waiting
together do not come back together), for as long as ``MAX_WAIT`` in all; only
then does it give up, with :class:`ArchiveLocked`. PostgreSQL's row locks
wait in the server and are never retried here.
"""

from __future__ import annotations

import functools
import logging
import random
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from sqlalchemy.exc import OperationalError, SQLAlchemyError

logger = logging.getLogger(__name__)
P = ParamSpec("P")
T = TypeVar("T")

MAX_WAIT = 900.0  # seconds a write waits for the lock in all, its tries included
FIRST_PAUSE = 0.05  # seconds before the second try; doubled each time up to MAX_PAUSE
MAX_PAUSE = 5.0
_LOCKED = ("database is locked", "database table is locked")


class ArchiveLocked(SQLAlchemyError):
    """Other writers held the archive's lock for longer than a write waits: a
    database error like any other to those who handle one."""


def is_locked(error: BaseException) -> bool:
    """Whether ``error`` is SQLite refusing a write because another holds the lock."""
    said = str(getattr(error, "orig", None) or error)
    return isinstance(error, OperationalError) and any(words in said for words in _LOCKED)


def waiting(write: Callable[[], T], max_wait: float = MAX_WAIT) -> T:
    """``write()``, one whole transaction, tried again while the archive is
    locked, for ``max_wait`` seconds in all (see the module doc)."""
    deadline = time.monotonic() + max_wait
    pause = FIRST_PAUSE
    tries = 1
    while True:
        try:
            return write()
        except OperationalError as exc:
            left = deadline - time.monotonic()
            if not is_locked(exc):
                raise
            if left <= 0:
                raise ArchiveLocked(
                    f"the archive stayed locked by other writers for {max_wait:.0f} s"
                    f" ({tries} tries): another process holds it; try again when it is done"
                ) from exc
            logger.debug("the archive is locked (try %d): trying again", tries)
            time.sleep(min(left, random.uniform(pause / 2, pause)))
            pause = min(pause * 2, MAX_PAUSE)
            tries += 1


def waits(method: Callable[P, T]) -> Callable[P, T]:
    """``method``, one whole transaction, made to wait for a locked archive (:func:`waiting`)."""

    @functools.wraps(method)
    def waiting_method(*args: P.args, **kwargs: P.kwargs) -> T:
        return waiting(lambda: method(*args, **kwargs))

    return waiting_method
