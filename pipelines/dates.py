"""Read Korean news dates: ``작성일 17-04-19 11:53``, ``등록 2019-05-08 14:36:38``,
``입력 2020.11.21 08:08``, ``2024년 3월 29일 14:12``, ``기사입력 2008-10-10 오후
2:05:00``, ``2024. 3. 5. 오후 4:29:12`` (a browser's own form), full-width
digits and ISO 8601, always returning timezone-aware Asia/Seoul times; tell
a publication stamp from a modification stamp, and a line of stamps from text."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

# Korean portals show local time; every time read is Asia/Seoul (as the archive stores it)
SEOUL = ZoneInfo("Asia/Seoul")

_DATE_TIME = re.compile(
    r"(?P<year>\d{4}|\d{2})\s*[-./년]\s*(?P<month>\d{1,2})\s*[-./월]\s*(?P<day>\d{1,2})\s*[일.]?"
    r"(?:\s*\([월화수목금토일]\))?"
    r"(?:\s*(?:(?P<ampm>오전|오후)\s*)?(?P<hour>\d{1,2})"
    r"\s*(?::\s*(?P<minute>\d{2})|시\s*(?P<korean_minute>\d{1,2})(?=\s*분))"
    r"(?:\s*[:분]\s*(?P<second>\d{2}))?)?"
)
# labels that name the publication time, and those that name a later edit
PUBLISHED_LABELS = (
    "작성일",
    "작성일자",
    "등록일",
    "등록일자",
    "게시일",
    "등록",
    "입력",
    "승인",
    "게재",
    "발행",
    "기사입력",
    "날짜",
)
MODIFIED_LABELS = (
    "수정일",
    "수정일자",
    "수정일시",
    "수정",
    "기사수정",
    "업데이트",
    "최종수정",
    "최종수정일",
)

_LABELS = re.compile(
    "|".join(sorted(PUBLISHED_LABELS + MODIFIED_LABELS + ("일시",), key=len, reverse=True))
)
# a published or modified label, kept by split() between the pieces it separates
_STAMP_LABEL = re.compile(
    "(" + "|".join(sorted(PUBLISHED_LABELS + MODIFIED_LABELS, key=len, reverse=True)) + ")"
)
# how far before a date its label may stand (``수정 : 2024.03.29``)
_LABEL_REACH = 8
_DATE_LINE_REST = re.compile(r"[^\s:|·/()\[\],.\-]")
# a publication label right before its date: 입력 2020.11.21 08:08, 등록일 : 2019-05-08
_LABELLED = re.compile(
    "(?:"
    + "|".join(sorted(PUBLISHED_LABELS, key=len, reverse=True))
    + r")\s*[:：]?\s*"
    + _DATE_TIME.pattern
)
# a modification label, a word of its own, right before its date: 수정 2023.05.08 14:22,
# 최종수정 : 2024-03-30, 업데이트 2024.03.30 09:00
_LABELLED_MODIFIED = re.compile(
    r"(?<![가-힣])(?:"
    + "|".join(sorted(MODIFIED_LABELS, key=len, reverse=True))
    + r")\s*[:：]?\s*"
    + _DATE_TIME.pattern
)


def parse_korean_datetime(text: str) -> datetime | None:
    """The first date (with its time, when given) in ``text``, in Asia/Seoul.

    A two-digit year is 20yy (Gnuboard's ``y-m-d``). Returns None when ``text``
    holds no valid date.
    """
    for match in _DATE_TIME.finditer(text):
        found = _to_datetime(match)
        if found is not None:
            return found
    return None


def parse_iso_datetime(text: str) -> datetime | None:
    """An ISO 8601 time (``2024-03-29T14:12:00+09:00``); naive ones are Asia/Seoul."""
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=SEOUL)
    return value.astimezone(SEOUL)


def published_in(text: str) -> datetime | None:
    """The publication time in a byline such as ``등록 2017-08-01 13:13:48 수정 ...``.

    A date after a published label (등록, 입력, 작성일, ...) wins; a date that
    only follows a modified label (수정, ...) is never taken; an unlabelled
    date is taken when nothing is labelled.
    """
    pieces = _STAMP_LABEL.split(text)
    unlabelled: datetime | None = None
    current_label: str | None = None
    for piece in pieces:
        if piece in PUBLISHED_LABELS or piece in MODIFIED_LABELS:
            current_label = piece
            continue
        found = parse_korean_datetime(piece)
        if found is None:
            continue
        if current_label in PUBLISHED_LABELS:
            return found
        if current_label is None and unlabelled is None:
            unlabelled = found
    return unlabelled


def _to_datetime(match: re.Match[str]) -> datetime | None:
    year = int(match["year"])
    if len(match["year"]) == 2:
        year += 2000
    hour = int(match["hour"] or 0)
    if match["ampm"] == "오후" and hour < 12:
        hour += 12
    elif match["ampm"] == "오전" and hour == 12:
        hour = 0
    try:
        return datetime(
            year,
            int(match["month"]),
            int(match["day"]),
            hour,
            int(match["minute"] or match["korean_minute"] or 0),
            int(match["second"] or 0),
            tzinfo=SEOUL,
        )
    except ValueError:
        return None


def labelled_published(text: str) -> datetime | None:
    """The first date in ``text`` that a publication label (입력, 등록, ...)
    stands right before; unlabelled and modified dates are never taken."""
    for match in _LABELLED.finditer(text):
        found = _to_datetime(match)
        if found is not None:
            return found
    return None


def labelled_modified(text: str) -> datetime | None:
    """The first date in ``text`` that a modification label (수정, 수정일,
    최종수정, 업데이트) stands right before; a date no such label names is
    never taken (a publication stamp is no modification)."""
    for match in _LABELLED_MODIFIED.finditer(text):
        found = _to_datetime(match)
        if found is not None:
            return found
    return None


def without_stamps(text: str) -> str:
    """``text`` without its dates and their labels (``홍길동 기자 | 입력 2024.03.29
    14:12`` -> ``홍길동 기자 |``); ``text`` itself when it holds no date."""
    rest = _DATE_TIME.sub(" ", text)
    if rest == text:
        return text
    return " ".join(_LABELS.sub(" ", rest).split())


def is_date_line(text: str) -> bool:
    """Whether ``text`` holds only dates and their labels (``입력 2024.03.29 14:12``)."""
    rest = without_stamps(text)
    return rest != text and not _DATE_LINE_REST.search(rest)


def datetimes_in(text: str) -> Iterator[datetime]:
    """Every valid date in ``text`` (with its time, when given), in order,
    but those a modified label (수정, ...) stands right before."""
    for match in _DATE_TIME.finditer(text):
        before = text[max(0, match.start() - _LABEL_REACH) : match.start()]
        if any(label in before for label in MODIFIED_LABELS):
            continue
        found = _to_datetime(match)
        if found is not None:
            yield found
