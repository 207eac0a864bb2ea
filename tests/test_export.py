"""Exports: the contract's fields exactly, valid UTF-8 Korean, +09:00 times,
filters by site and publication date, and CSV."""

from __future__ import annotations

import csv
import json
import zlib
from datetime import date, datetime
from pathlib import Path

import pytest

from storage.archive import Archive, RunCounts
from storage.export import FIELDS, ExportFilter, export
from storage.models import Article, Capture
from storage.types import SEOUL


@pytest.fixture
def archive(database_url: str):
    archive = Archive.open(database_url)
    for site, day, title in [
        ("gyeongil", 18, "경산발전 10대 전략 추진"),
        ("gyeongil", 19, "청도군, 복지포인트 지급"),
        ("daejeon", 19, "대전시, 4차산업특별시 육성에 나선다"),
    ]:
        site_id = archive.site_id(site, None, f"http://{site}.example/?page={{page}}")
        run_id = archive.start_run(site_id, "daily", None, None)
        url = f"http://{site}.example/{day}"
        archive.save_page(
            Capture(
                site_id=site_id,
                run_id=run_id,
                url=url,
                final_url=url,
                status=200,
                headers={},
                body_zlib=zlib.compress(b"<html></html>"),
                fetched_at=datetime(2024, 4, 20, 9, 0, tzinfo=SEOUL),
                outcome="article",
            ),
            Article(
                site_id=site_id,
                url=url,
                title=title,
                author="주정비",
                published=datetime(2017, 4, day, 23, 30, tzinfo=SEOUL),
                body="첫 문단입니다.\n\n둘째 문단입니다.",
                content_hash="0" * 64,
                extractor_version="1",
            ),
        )
        archive.finish_run(run_id, "finished", RunCounts(pages=1, new=1))
    yield archive
    archive.close()


def test_jsonl_has_the_contract_fields(archive: Archive, tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    assert export(archive.engine, path, ExportFilter()) == 3
    lines = path.read_bytes().decode("utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert all(tuple(record) == FIELDS for record in records)
    first = records[0]
    assert first == {
        "url": "http://gyeongil.example/18",
        "site": "gyeongil",
        "title": "경산발전 10대 전략 추진",
        "author": "주정비",
        "published": "2017-04-18T23:30:00+09:00",
        "body": "첫 문단입니다.\n\n둘째 문단입니다.",
        "fetched_at": "2024-04-20T09:00:00+09:00",
        "duplicate_of": None,
        "attachments": [],
        "images": [],
    }
    assert "경산발전" in lines[0]  # Korean as text, not \\u escapes
    assert not (tmp_path / "x.jsonl.partial").exists()


def test_filters_by_site_and_seoul_dates(archive: Archive, tmp_path: Path) -> None:
    def titles(wanted: ExportFilter) -> list[str]:
        path = tmp_path / "x.jsonl"
        export(archive.engine, path, wanted)
        return [json.loads(line)["title"] for line in path.read_text("utf-8").splitlines()]

    assert len(titles(ExportFilter(site="gyeongil"))) == 2
    # 23:30 in Seoul on the 19th is the 19th, although it is the 19th 14:30 UTC
    assert titles(ExportFilter(since=date(2017, 4, 19), until=date(2017, 4, 19))) == [
        "청도군, 복지포인트 지급",
        "대전시, 4차산업특별시 육성에 나선다",
    ]
    assert titles(ExportFilter(until=date(2017, 4, 18))) == ["경산발전 10대 전략 추진"]


def test_csv(archive: Archive, tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    export(archive.engine, path, ExportFilter(site="daejeon"))
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert tuple(rows[0]) == FIELDS
    assert rows[0]["title"] == "대전시, 4차산업특별시 육성에 나선다"
    assert rows[0]["body"] == "첫 문단입니다.\n\n둘째 문단입니다."


def spreadsheet_text(data: bytes, code_page: str) -> str:
    """A CSV file's text as Excel and LibreOffice read it on opening: UTF-8 when
    it starts with a byte order mark, else the system's code page."""
    bom = "\ufeff".encode()
    return data[len(bom) :].decode() if data.startswith(bom) else data.decode(code_page, "replace")


@pytest.mark.parametrize("code_page", ["cp1252", "cp949"])
def test_csv_opens_in_excel_with_korean_intact(
    archive: Archive, tmp_path: Path, code_page: str
) -> None:
    path = tmp_path / "x.csv"
    export(archive.engine, path, ExportFilter(site="daejeon"))
    rows = list(csv.DictReader(spreadsheet_text(path.read_bytes(), code_page).splitlines(True)))
    assert tuple(rows[0]) == FIELDS  # the first heading is "url", no stray mark
    assert rows[0]["title"] == "대전시, 4차산업특별시 육성에 나선다"


def test_jsonl_has_no_byte_order_mark(archive: Archive, tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    export(archive.engine, path, ExportFilter())
    assert path.read_bytes().startswith(b'{"url"')


def test_unknown_format_is_refused(archive: Archive, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"\.jsonl or \.csv"):
        export(archive.engine, tmp_path / "x.xml", ExportFilter())
