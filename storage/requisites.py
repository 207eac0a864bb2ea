"""An article's requisites in the archive: its photos and attached files,
written with the article in its transaction (``Archive.save_page``), their
bytes once by digest (``payloads``); and what earlier runs stored of a URL,
so that a run asks for it again conditionally, or not at all. A page kept
for provenance (a list page, a feed, a stylesheet: ``Outcome.PAGE``) keeps its
bytes by digest the same way.

A requisite's capture keeps the exchange as received, its body in the
payload its digest names (a content-encoded body stays in the capture, as
received: ``storage.exchange``).
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import datetime

from sqlalchemy import Connection, Engine, func, select
from sqlalchemy.dialects import postgresql, sqlite

from storage.models import Capture, Outcome, Payload, Requisite, RequisiteStatus
from storage.rows import insert_row

# SQLite and PostgreSQL both accept this many bound parameters in one IN (...)
_LOOKUP_CHUNK = 500


@dataclass
class RequisiteRecord:
    """One requisite of an article as a run fetched it, ready to be stored."""

    url: str
    kind: str  # "image" or "attachment"
    status: RequisiteStatus
    fetched_at: datetime
    file_type: str | None = None
    name: str | None = None
    caption: str | None = None
    reason: str | None = None
    media_type: str | None = None
    sha256: str | None = None
    size: int | None = None
    text: str | None = None
    # the fetch's capture (stored once, whichever of the run's articles is stored
    # first with it); None: no fetch, or no response
    capture: Capture | None = None
    body: bytes | None = None  # the bytes, content-decoded, when they are to be kept


# what a record holds that its requisites row keeps as it is (its capture and
# bytes go to their own tables)
RECORDED = tuple(f.name for f in fields(RequisiteRecord) if f.name not in ("capture", "body"))


@dataclass(frozen=True)
class KnownRequisite:
    """What the archive holds of a requisite's URL, from its latest stored fetch."""

    url: str
    kind: str
    file_type: str | None
    name: str | None
    media_type: str | None
    sha256: str
    size: int | None
    text: str | None
    reason: str | None
    etag: str | None  # the validators its response sent, for a conditional request
    last_modified: str | None


def save_requisites(
    connection: Connection, article_id: int, records: Sequence[RequisiteRecord]
) -> None:
    """Store ``records`` as the requisites of article ``article_id``, inside the
    caller's transaction: each payload once, each capture, each requisite."""
    for record in records:
        if record.body is not None and record.sha256 is not None:
            keep_payload(connection, record.sha256, record.body)
        capture_id = None
        if record.capture is not None:  # once a run: another article's may be in already
            capture_id = record.capture.id = _capture_id(connection, record.capture)
        columns = {name: getattr(record, name) for name in RECORDED}
        insert_row(connection, Requisite(article_id=article_id, capture_id=capture_id, **columns))


def _capture_id(connection: Connection, capture: Capture) -> int:
    """The id of ``capture``, a requisite's fetch: of the same fetch stored
    with another article of the run, or of the row inserted now."""
    stored = connection.execute(
        select(func.max(Capture.id)).where(
            Capture.url == capture.url,
            Capture.run_id == capture.run_id,
            Capture.outcome == Outcome.REQUISITE,
            Capture.fetched_at == capture.fetched_at,
        )
    ).scalar()
    return stored if stored is not None else insert_row(connection, capture)


def keep_payload(connection: Connection, sha256: str, body: bytes) -> None:
    """The bytes under their digest, unless another page (or writer) kept them first."""
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    values = {"sha256": sha256, "size": len(body), "body_zlib": zlib.compress(body)}
    connection.execute(dialect.insert(Payload).values(values).on_conflict_do_nothing())


def keep_page(engine: Engine, capture: Capture, body: bytes) -> None:
    """Store ``capture``, a page no article's capture keeps (``Outcome.PAGE``),
    in one transaction: its decoded ``body`` once by digest, unless the capture
    keeps it content-encoded, as received."""
    with engine.begin() as connection:
        if capture.payload is None:
            capture.body_zlib, capture.sha256 = b"", hashlib.sha256(body).hexdigest()
            keep_payload(connection, capture.sha256, body)
        insert_row(connection, capture)


_KNOWN = (
    Requisite.url,
    Requisite.kind,
    Requisite.file_type,
    Requisite.name,
    Requisite.media_type,
    Requisite.sha256,
    Requisite.size,
    Requisite.text,
    Requisite.reason,
)


def known_requisites(engine: Engine, urls: Iterable[str]) -> dict[str, KnownRequisite]:
    """For each of ``urls`` an earlier fetch stored, what its latest such fetch
    stored, with the validators its response sent."""
    wanted = list(dict.fromkeys(urls))
    found: dict[str, KnownRequisite] = {}
    with engine.connect() as connection:
        for start in range(0, len(wanted), _LOOKUP_CHUNK):
            latest = (
                select(func.max(Requisite.id))
                .where(
                    Requisite.url.in_(wanted[start : start + _LOOKUP_CHUNK]),
                    Requisite.status == RequisiteStatus.STORED,
                    Requisite.capture_id.is_not(None),  # fetched then, not reused
                )
                .group_by(Requisite.url)
            )
            rows = connection.execute(
                select(*_KNOWN, Capture.response_headers)
                .outerjoin(Capture, Capture.id == Requisite.capture_id)
                .where(Requisite.id.in_(latest))
            )
            for *columns, headers in rows:
                found[columns[0]] = KnownRequisite(
                    *columns, _header(headers, "ETag"), _header(headers, "Last-Modified")
                )
    return found


def _header(pairs: list[list[str]] | None, name: str) -> str | None:
    wanted = name.lower()
    return next((value for key, value in pairs or () if key.lower() == wanted), None)
