"""Korean dates in every form boards show them: one case per form."""

from __future__ import annotations

from datetime import datetime

import pytest

from pipelines.dates import SEOUL, parse_korean_datetime

FORMS = [
    ("2024-03-05 오후 4:29:12", datetime(2024, 3, 5, 16, 29, 12)),
    ("2024-03-05 오전 12:07", datetime(2024, 3, 5, 0, 7)),
    ("2024.3.5", datetime(2024, 3, 5)),
    ("24-03-05", datetime(2024, 3, 5)),
    ("2024년 3월 5일 (화) 16시 29분", datetime(2024, 3, 5, 16, 29)),
    ("2024.03.05(화) 09:15", datetime(2024, 3, 5, 9, 15)),
    ("２０２４-０３-０５ １６:２９", datetime(2024, 3, 5, 16, 29)),
    ("2024. 3. 5. 오후 4:29:12", datetime(2024, 3, 5, 16, 29, 12)),
]


@pytest.mark.parametrize(("shown", "meant"), FORMS, ids=[shown for shown, _ in FORMS])
def test_each_shown_form_is_read(shown: str, meant: datetime) -> None:
    assert parse_korean_datetime(shown) == meant.replace(tzinfo=SEOUL)


def test_text_without_a_date_is_undated() -> None:
    assert parse_korean_datetime("조회 1,204 | 댓글 3") is None
