"""Cron expressions of sites.yaml: crontab's meaning (Sunday is 0 and 7),
Asia/Seoul, and a seconds field for short schedules."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from crawler.cron import cron_trigger
from storage.types import SEOUL

# a Saturday
SATURDAY_NOON = datetime(2026, 11, 21, 12, 0, tzinfo=SEOUL)


def next_fire(expression: str, now: datetime = SATURDAY_NOON) -> datetime:
    fire = cron_trigger(expression).get_next_fire_time(None, now)
    assert fire is not None
    return fire


def weekdays(expression: str) -> list[str]:
    """The weekdays of the next 14 firings of a daily-at-06:30 expression."""
    days, now = [], SATURDAY_NOON
    for _ in range(14):
        now = next_fire(expression, now + timedelta(seconds=1))
        days.append(now.strftime("%a"))
    return sorted(set(days), key=days.index)


def test_five_fields_fire_in_seoul() -> None:
    fire = next_fire("30 6 * * *")
    assert fire == datetime(2026, 11, 22, 6, 30, tzinfo=SEOUL)
    assert fire.utcoffset().total_seconds() == 9 * 3600


@pytest.mark.parametrize(
    ("weekday", "expected"),
    [
        ("0", ["Sun"]),
        ("7", ["Sun"]),
        ("1", ["Mon"]),
        ("1-5", ["Mon", "Tue", "Wed", "Thu", "Fri"]),
        ("5-7", ["Sun", "Fri", "Sat"]),
        ("0,3", ["Sun", "Wed"]),
        ("*/2", ["Sun", "Tue", "Thu", "Sat"]),
        ("mon-fri", ["Mon", "Tue", "Wed", "Thu", "Fri"]),
        ("sun", ["Sun"]),
    ],
)
def test_weekdays_mean_what_crontab_means(weekday: str, expected: list[str]) -> None:
    assert sorted(weekdays(f"30 6 * * {weekday}")) == sorted(expected)


def test_a_leading_seconds_field_gives_short_schedules() -> None:
    now = datetime(2026, 11, 21, 12, 0, 1, tzinfo=SEOUL)
    assert next_fire("*/5 * * * * *", now) == datetime(2026, 11, 21, 12, 0, 5, tzinfo=SEOUL)


@pytest.mark.parametrize(
    ("expression", "problem"),
    [
        ("30 6 * *", "expected 5 fields"),
        ("30 6 * * 8", "0-7"),
        ("30 6 * * 5-2", "0-7"),
        ("30 6 * * */0", "0-7"),
        ("61 6 * * *", "higher than the maximum"),
    ],
)
def test_bad_expressions_are_refused(expression: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        cron_trigger(expression)
