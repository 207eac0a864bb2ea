"""Cron expressions of ``sites.yaml`` as APScheduler triggers, in Asia/Seoul.

Five fields as in crontab (minute hour day month weekday), or six with a
leading seconds field (``*/5 * * * * *``) for schedules shorter than a minute.
Weekday numbers mean what crontab means (0 and 7 Sunday, 1 Monday):
APScheduler 3.x's own ``from_crontab`` counts from Monday, so numbers are
turned into day names before they reach it.
"""

from __future__ import annotations

import re
from datetime import datetime

from apscheduler.triggers.cron import CronTrigger

from storage.types import SEOUL

_DAY_NAMES = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
_NUMERIC_PART = re.compile(r"^(?:(\*)|(\d+)(?:-(\d+))?)(?:/(\d+))?$")


def cron_trigger(expression: str) -> CronTrigger:
    """The trigger for ``expression``; ``ValueError`` naming the problem when it is bad."""
    fields = expression.split()
    if len(fields) == 5:
        fields = ["0", *fields]
    if len(fields) != 6:
        raise ValueError(
            f"expected 5 fields (minute hour day month weekday) or 6 with seconds first, "
            f"got {len(fields)}"
        )
    second, minute, hour, day, month, weekday = fields
    trigger = CronTrigger(
        second=second,
        minute=minute,
        hour=hour,
        day=day,
        month=month,
        day_of_week=_weekday_names(weekday),
        timezone=SEOUL,
    )
    if trigger.get_next_fire_time(None, datetime.now(SEOUL)) is None:
        raise ValueError("it never fires (no such date)")
    return trigger


def _weekday_names(field: str) -> str:
    """Crontab's weekday field with its numbers (Sunday 0 or 7) written as day names."""
    if not any(char.isdigit() for char in field):
        return field
    names: list[str] = []
    for part in field.split(","):
        match = _NUMERIC_PART.match(part)
        if match is None:
            if any(char.isdigit() for char in part):
                raise ValueError(f"weekday {part!r}: use 0-7 (0 and 7 are Sunday) or mon-sun")
            names.append(part)
            continue
        star, first, last, step = match.groups()
        low, high = (0, 6) if star else (int(first), int(last or first))
        if last is None and step is not None and not star:
            high = 6  # "1/2": from Monday on, every other day
        if not (0 <= low <= 7 and 0 <= high <= 7) or low > high or step == "0":
            raise ValueError(f"weekday {part!r}: use 0-7 (0 and 7 are Sunday)")
        for number in range(low, high + 1, int(step or 1)):
            name = _DAY_NAMES[number % 7]
            if name not in names:
                names.append(name)
    return ",".join(names)
