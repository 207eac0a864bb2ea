"""How the browsing pages show an archive's values: a time in Korea time to
the minute (``2024-03-23 13:23``), a body's snippet around the words
searched, marked, and the word-level change from one version of an article
to the next (``<ins>``/``<del>``, the text escaped)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from markupsafe import Markup, escape

from pipelines.versions import word_diff
from storage.types import SEOUL

BEFORE, AFTER = 40, 80  # characters of a snippet either side of the words


def korea_time(value: str | None) -> str:
    """A stored time (naive UTC, as SQLite keeps it) or one with its offset
    (the ``article_index`` view's ``+09:00``) as ``YYYY-MM-DD HH:MM`` in
    Seoul; ``""`` for none."""
    if not value:
        return ""
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return f"{moment.astimezone(SEOUL):%Y-%m-%d %H:%M}"


def snippet(body: str, words: str) -> Markup:
    """The part of ``body`` around the first place it holds ``words`` (case
    ignored, as the search index ignores it), marked; the body's beginning
    when it does not hold them (they were in the title) or none are given."""
    text = " ".join(body.split())
    words = " ".join(words.split())
    found = re.search(re.escape(words), text, re.IGNORECASE) if words else None
    if found is None:
        return Markup(escape(text[: BEFORE + AFTER])) + ("…" if len(text) > BEFORE + AFTER else "")
    start, end = max(found.start() - BEFORE, 0), min(found.end() + AFTER, len(text))
    return (
        Markup("…" if start else "")
        + escape(text[start : found.start()])
        + Markup("<mark>%s</mark>") % text[found.start() : found.end()]
        + escape(text[found.end() : end])
        + ("…" if end < len(text) else "")
    )


def changes(old: str, new: str) -> Markup:
    """``new`` as changed from ``old``, word by word (characters inside a
    changed word): inserted text in ``<ins>``, deleted in ``<del>``, escaped."""
    marks = {"equal": "%s", "insert": "<ins>%s</ins>", "delete": "<del>%s</del>"}
    return Markup("").join(Markup(marks[op]) % text for op, text in word_diff(old, new))
