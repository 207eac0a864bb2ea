"""Text from attachments (pipelines/attachment_text.py), on files the sample
portal makes (sample_portal/attachments.py): the text of each kind, and a
refusal with its reason, never an exception, on broken, encrypted, bomb and
over-limit files."""

from __future__ import annotations

import pytest

from pipelines.attachment_text import AttachmentLimits, AttachmentReading, read_attachment
from sample_portal.attachments import make_hwp, make_hwpx, make_pdf, truncated, zip_bomb

RELEASE = [
    "○○시, 2025년 주민참여예산 120억 원 편성",
    "시는 읍·면·동 주민자치회가 제안한 사업 48건을 선정했다고 밝혔다.",
    "문의: 기획예산과 예산팀 (031-123-4567)",
]
BUDGET = [
    ["구분", "사업 수", "예산(백만 원)"],
    ["도로·교통", "12", "3,200"],
    ["복지", "9", "1,850"],
]


def test_pdf_text_page_by_page():
    data = make_pdf([RELEASE[:2], RELEASE[2:]])
    reading = read_attachment(data, "보도자료.pdf", "application/pdf")
    assert reading == AttachmentReading("pdf", "\n".join(RELEASE[:2]) + "\n\n" + RELEASE[2], None)


def test_pdf_told_by_its_bytes_whatever_its_name():
    reading = read_attachment(make_pdf([RELEASE]), "download.php", "application/octet-stream")
    assert reading.kind == "pdf"
    assert reading.text == "\n".join(RELEASE)


def test_pdf_pages_past_the_limit_are_not_read():
    data = make_pdf([[f"{n}쪽 본문"] for n in range(1, 6)])
    reading = read_attachment(data, limits=AttachmentLimits(max_pages=2))
    assert reading.text == "1쪽 본문\n\n2쪽 본문"


def test_hwpx_paragraphs_sections_and_table_cells():
    data = make_hwpx([RELEASE[:2], RELEASE[2:]], table=BUDGET)
    reading = read_attachment(data, "보도자료.hwpx")
    assert reading.kind == "hwpx"
    assert reading.refusal is None
    lines = reading.text.split("\n")
    assert [line for line in lines if line] == [
        *RELEASE[:2],
        *(cell for row in BUDGET for cell in row),
        RELEASE[2],
    ]


def test_hwpx_told_by_its_mimetype_not_its_name():
    reading = read_attachment(make_hwpx([RELEASE]), "fileDown.do", "application/octet-stream")
    assert reading.kind == "hwpx"
    assert reading.text == "\n".join(RELEASE)


@pytest.mark.parametrize("compressed", [True, False])
def test_hwp5_paragraphs_controls_and_table_cells(compressed):
    data = make_hwp([*RELEASE, "구분\t내용"], table=BUDGET, compressed=compressed)
    reading = read_attachment(data, "보도자료.hwp", "application/x-hwp")
    assert reading.kind == "hwp"
    assert reading.refusal is None
    lines = [line for line in reading.text.split("\n") if line]
    # the first paragraph's section controls and the tab's data are not text
    assert lines == [*RELEASE, "구분 내용", *(cell for row in BUDGET for cell in row)]


def test_hwp5_told_by_its_header_whatever_its_name():
    reading = read_attachment(make_hwp(RELEASE), "downloadBbsFile.do", "application/octet-stream")
    assert reading.kind == "hwp"
    assert reading.text == "\n".join(RELEASE)


def test_hwp5_with_a_password_refused():
    reading = read_attachment(make_hwp(RELEASE, password=True), "보도자료.hwp")
    assert reading == AttachmentReading(
        "hwp", None, "encrypted: the HWP document asks for a password"
    )


def test_hwp5_section_past_the_unpacked_limit_refused():
    data = make_hwp(RELEASE * 40)
    reading = read_attachment(data, limits=AttachmentLimits(max_unpacked_bytes=1_000))
    assert reading.text is None
    assert reading.refusal == (
        "over the limits: BodyText/Section0 unpacks past the limit of unpacked bytes"
    )


def test_text_cut_at_the_limit():
    reading = read_attachment(make_hwpx([RELEASE]), limits=AttachmentLimits(max_text_chars=10))
    assert reading.text == RELEASE[0][:10]


@pytest.mark.parametrize(
    ("make", "name", "kind", "reason"),
    [
        (lambda: truncated(make_pdf([RELEASE])), "a.pdf", "pdf", "broken or truncated PDF"),
        (lambda: truncated(make_hwpx([RELEASE])), None, "hwpx", "broken or truncated ZIP"),
        (lambda: truncated(make_hwpx([RELEASE])), "a.zip", "hwpx", "broken or truncated ZIP"),
        (lambda: zip_bomb(), "보도자료.hwpx", "hwpx", "zip bomb"),
        (lambda: b"", "a.hwpx", "hwpx", "broken or truncated ZIP"),
        (lambda: truncated(make_hwp(RELEASE)), "a.hwp", "hwp", "broken or truncated HWP"),
        (lambda: truncated(make_hwp(RELEASE), 0.8), None, "hwp", "truncated HWP"),
        (lambda: b"\x00" * 100, "notice.bin", "other", "unknown kind"),
        (lambda: b"", None, "other", "an empty file"),
    ],
)
def test_broken_files_refused_with_their_reason(make, name, kind, reason):
    reading = read_attachment(make(), name)
    assert reading.kind == kind
    assert reading.text is None
    assert reason in reading.refusal
    assert "\n" not in reading.refusal


def test_over_the_input_limit_refused_before_reading():
    data = make_pdf([RELEASE])
    reading = read_attachment(data, limits=AttachmentLimits(max_input_bytes=len(data) - 1))
    assert reading == AttachmentReading(
        "pdf", None, f"over the limits: {len(data)} bytes, more than {len(data) - 1}"
    )


def test_over_the_unpacked_limit_refused():
    data = make_hwpx([RELEASE * 50])
    reading = read_attachment(data, limits=AttachmentLimits(max_unpacked_bytes=2_000))
    assert reading.text is None
    assert reading.refusal.startswith("over the limits: unpacks to ")


def test_every_cut_of_a_file_is_read_or_refused_never_raised():
    for data in (
        make_pdf([RELEASE, RELEASE]),
        make_hwpx([RELEASE], table=BUDGET),
        make_hwp(RELEASE, table=BUDGET),
    ):
        for end in range(0, len(data), max(1, len(data) // 97)):
            reading = read_attachment(data[:end])
            assert (reading.text is None) != (reading.refusal is None)
