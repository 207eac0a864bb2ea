"""Per-story locks: two writers saving the same story (the same URL, the same
normalized body, or bodies sharing an LSH band key) wait for each other, and
the second then sees what the first stored; writers of other stories do not
wait. On PostgreSQL, transaction-scoped advisory locks, one per key, taken in
key order (no two writers wait for each other in a circle); on SQLite, the
database's write lock, its only lock."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from sqlalchemy import Connection, Select, text

from storage.database import hold_lock

# PostgreSQL keeps two-key advisory locks apart from one-key ones (the runs' and
# the migrations' locks): story locks are (STORY_LOCKS, a 32-bit key)
STORY_LOCKS = 0x6E65_7702
_TAKE = text(
    "SELECT pg_advisory_xact_lock(:space, key) FROM unnest(CAST(:keys AS integer[])) AS key"
)


def text_key(value: str) -> int:
    """A 64-bit lock key of a URL or a body hash."""
    digest = hashlib.blake2b(value.encode("utf-8"), digest_size=8, person=b"story")
    return int.from_bytes(digest.digest(), "little", signed=True)


def hold_story_locks(
    connection: Connection, keys: Iterable[int], stored: Select[tuple[int]] | None = None
) -> None:
    """Take the locks of ``keys``, and of the keys the query ``stored`` reads
    from the archive (an article's band keys before it is written again), until
    ``connection``'s transaction ends; the transaction's first statement (see
    ``storage.database.hold_lock``). All are taken at once, in key order."""
    if connection.dialect.name != "postgresql":
        hold_lock(connection, STORY_LOCKS)
        return
    every = [*keys, *(connection.scalars(stored) if stored is not None else ())]
    # 32 bits of each key: two keys sharing them only make their writers wait
    folded = sorted({(key & 0xFFFF_FFFF) - ((key & 0x8000_0000) << 1) for key in every})
    connection.execute(_TAKE, {"space": STORY_LOCKS, "keys": folded}).all()
