"""Text from attachments (pipelines/attachment_text.py), on files the sample
portal makes (sample_portal/attachments.py): the text of each kind, and a
refusal with its reason, never an exception, on broken, encrypted, bomb and
over-limit files."""

from __future__ import annotations

import io
import random
import zipfile

import pytest

from crawler.worker_processes import process_pool
from pipelines.attachment_text import AttachmentLimits, AttachmentReading, read_attachment
from sample_portal.attachments import (
    make_docx,
    make_hwp,
    make_hwpx,
    make_pdf,
    make_xlsx,
    make_zip,
    truncated,
    zip_bomb,
)
from sample_portal.compound_file import compound_file

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


def test_hwp5_distribution_document_refused():
    reading = read_attachment(make_hwp(RELEASE, distribution=True), "배포용.hwp")
    assert reading == AttachmentReading(
        "hwp", None, "encrypted: a HWP distribution document (its text is locked)"
    )


def test_xml_entity_bomb_never_expanded():
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + "".join(
            f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">'
            for n in range(1, 10)
        )
        + ']><hs:sec xmlns:hs="http://www.hancom.co.kr/hwpml/2011/section"'
        ' xmlns:hp="http://www.hancom.co.kr/hwpml/2011/paragraph">'
        "<hp:p><hp:run><hp:t>본문 &lol9;</hp:t></hp:run></hp:p></hs:sec>"
    )
    data = make_zip({"mimetype": b"application/hwp+zip", "Contents/section0.xml": laughs.encode()})
    reading = read_attachment(data)
    assert reading.kind == "hwpx"
    # libxml2 leaves the entity out, or refuses the amplification: either way
    # nothing is expanded and nothing raises
    assert reading.text == "본문" or reading.refusal.startswith("broken XML in")


def test_hwp5_section_past_the_unpacked_limit_refused():
    data = make_hwp(RELEASE * 40)
    reading = read_attachment(data, limits=AttachmentLimits(max_unpacked_bytes=1_000))
    assert reading.text is None
    assert reading.refusal == (
        "over the limits: BodyText/Section0 unpacks past the limit of unpacked bytes"
    )


def test_docx_paragraphs():
    reading = read_attachment(make_docx(RELEASE), "보도자료.docx")
    assert reading == AttachmentReading("docx", "\n".join(RELEASE), None)


def test_tabs_and_line_breaks_inside_runs_part_words():
    hwpx = read_attachment(make_hwpx([["구분\t내용", "첫 줄\n둘째 줄"]]))
    assert hwpx.text == "구분 내용\n첫 줄\n둘째 줄"
    # the paragraph's tab stops are no text, its run's tab is
    docx = read_attachment(make_docx(["구분\t내용"]))
    assert docx.text == "구분 내용"


def test_xlsx_rows_shared_strings_and_numbers():
    rows = [["구분", "사업 수", "예산(백만 원)"], ["도로·교통", 12, 3200], ["복지", 9, 1850]]
    reading = read_attachment(make_xlsx(rows), "fileDown.do")
    assert reading.kind == "xlsx"
    assert reading.text == "구분 사업 수 예산(백만 원)\n도로·교통 12 3200\n복지 9 1850"


def test_zip_documents_read_under_their_names_images_skipped():
    data = make_zip(
        {
            "보도자료.hwp": make_hwp(RELEASE[:1]),
            "계획.pdf": make_pdf([RELEASE[1:2]]),
            "사진.jpg": b"\xff\xd8\xff\xe0" + b"\0" * 100,
            "깨진.hwpx": truncated(make_hwpx([RELEASE])),
        }
    )
    reading = read_attachment(data, "첨부.zip")
    assert reading.kind == "zip"
    parts = reading.text.split("\n\n")
    assert parts[:2] == [f"보도자료.hwp\n{RELEASE[0]}", f"계획.pdf\n{RELEASE[1]}"]
    assert parts[2].startswith("깨진.hwpx\n(broken or truncated ZIP")


def test_pictures_in_a_zip_or_hwpx_neither_read_nor_counted():
    photo = bytes(range(256)) * 4_000  # 1 MB: past the unpacked limit below
    limits = AttachmentLimits(max_unpacked_bytes=200_000)
    release = make_zip({"보도자료.hwp": make_hwp(RELEASE), "사진1.jpg": photo})
    assert read_attachment(release, limits=limits).text == "보도자료.hwp\n" + "\n".join(RELEASE)
    hwpx = make_zip(
        {
            "mimetype": b"application/hwp+zip",
            "Contents/section0.xml": zipfile.ZipFile(io.BytesIO(make_hwpx([RELEASE]))).read(
                "Contents/section0.xml"
            ),
            "BinData/image1.png": photo,
        }
    )
    assert read_attachment(hwpx, limits=limits).text == "\n".join(RELEASE)


def test_zip_member_names_in_cp949_shown_right():
    data = make_zip({"AAAAAAAA.hwp": make_hwp(RELEASE[:1])})
    data = data.replace(b"AAAAAAAA", "보도자료".encode("cp949"))
    assert read_attachment(data).text == f"보도자료.hwp\n{RELEASE[0]}"


def test_encrypted_pdf_refused():
    reading = read_attachment(make_pdf([RELEASE], password="1234"), "보도자료.pdf")
    assert reading == AttachmentReading("pdf", None, "encrypted: the PDF asks for a password")


def test_images_and_other_compound_files_not_read():
    png = read_attachment(b"\x89PNG\r\n\x1a\n" + b"\0" * 50, "download.php")
    assert png == AttachmentReading("image", None, "an image: no text is read from it")
    by_type = read_attachment(b"\0" * 50, None, "image/webp")
    assert by_type.kind == "image"
    doc = read_attachment(compound_file({"WordDocument": b"\0" * 600}), "예전.doc")
    assert doc.kind == "other"
    assert doc.refusal.startswith("not a document read here: an OLE2 compound file")


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


def test_over_the_input_limit_kind_told_by_the_head():
    limits = AttachmentLimits(max_input_bytes=100)
    assert read_attachment(make_hwp(RELEASE * 200), limits=limits).kind == "hwp"
    assert read_attachment(make_hwpx([RELEASE]), limits=limits).kind == "hwpx"
    assert read_attachment(make_docx(RELEASE), "a.docx", limits=limits).kind == "docx"


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
        make_docx(RELEASE),
        make_xlsx([["구분", 1]]),
        make_zip({"a.hwp": make_hwp(RELEASE), "b.pdf": make_pdf([RELEASE])}),
    ):
        for end in range(0, len(data), max(1, len(data) // 97)):
            reading = read_attachment(data[:end])
            assert (reading.text is None) != (reading.refusal is None)


def test_makers_give_the_same_bytes_each_time():
    for make in (
        lambda: make_pdf([RELEASE], password="1234"),
        lambda: make_hwp(RELEASE, table=BUDGET),
        lambda: make_hwpx([RELEASE], table=BUDGET),
        lambda: make_docx(RELEASE),
        lambda: make_xlsx([["구분", 1]]),
    ):
        assert make() == make()


def test_files_with_bytes_changed_are_read_or_refused_never_raised():
    chance = random.Random(27)
    for data in (
        make_pdf([RELEASE, RELEASE]),
        make_hwpx([RELEASE], table=BUDGET),
        make_hwp(RELEASE, table=BUDGET),
        make_hwp(RELEASE, compressed=False),
        make_xlsx([["구분", 1]]),
    ):
        for _ in range(60):
            changed = bytearray(data)
            for _ in range(chance.randint(1, 8)):
                changed[chance.randrange(len(changed))] = chance.randrange(256)
            reading = read_attachment(bytes(changed))
            assert (reading.text is None) != (reading.refusal is None)


def test_read_in_an_extraction_worker_process():
    files = [
        (make_hwp(RELEASE), "a.hwp"),
        (make_pdf([RELEASE]), "b.pdf"),
        (zip_bomb(20_000_000), "c.hwpx"),
    ]
    with process_pool(1) as pool:
        readings = list(pool.map(read_attachment, *zip(*files, strict=True)))
    text = "\n".join(RELEASE)
    assert [(r.kind, r.text) for r in readings[:2]] == [("hwp", text), ("pdf", text)]
    assert readings[2].refusal.startswith("zip bomb: ")
