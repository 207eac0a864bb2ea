"""Column types shared by the models: timezone-aware timestamps in Asia/Seoul."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

SEOUL = ZoneInfo("Asia/Seoul")


def now_seoul() -> datetime:
    """The current time in Asia/Seoul, timezone-aware."""
    return datetime.now(SEOUL)


class AwareDateTime(TypeDecorator[datetime]):
    """A timestamp that is always timezone-aware.

    Values are stored in UTC (SQLite keeps no offset, PostgreSQL stores
    ``timestamptz``) and come back in Asia/Seoul. A naive value is refused
    rather than guessed at.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: archive timestamps must be timezone-aware")
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(SEOUL)
