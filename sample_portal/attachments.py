"""Press-release attachments the sample portal serves, made here byte for
byte: HWP 5 (an OLE2 compound file, :mod:`sample_portal.compound_file`),
HWPX, DOCX and XLSX (ZIP + XML), PDF with Korean text, and the hostile ones:
an encrypted PDF, a truncated file, a zip bomb.

Each maker is deterministic: the same arguments give the same bytes (no
clock, no randomness), so a test may compare digests.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from xml.sax.saxutils import escape

from .compound_file import compound_file

# ZIP members get this date, not the clock's
_ZIP_DATE = (2024, 3, 4, 9, 0, 0)


def _zip(members: list[tuple[str, bytes]], stored: tuple[str, ...] = ("mimetype",)) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members:
            info = zipfile.ZipInfo(name, _ZIP_DATE)
            info.compress_type = zipfile.ZIP_STORED if name in stored else zipfile.ZIP_DEFLATED
            archive.writestr(info, content)
    return buffer.getvalue()


# PDF: a Type0 font (Identity-H, CID = the character's code point) with a
# ToUnicode map, the font not embedded: readers show it in a Korean font of
# their own, extractors read the text through the map


def make_pdf(pages: list[list[str]], title: str = "보도자료") -> bytes:
    """A PDF whose pages show the given lines, in Korean or any BMP text."""
    characters = sorted({ord(c) for page in pages for line in page for c in line} | {32})
    objects: list[bytes] = []  # object n is objects[n - 1]

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    def stream(content: bytes, extra: bytes = b"") -> bytes:
        packed = zlib.compress(content, 9)
        return (
            b"<< /Length %d /Filter /FlateDecode%s >>\nstream\n" % (len(packed), extra)
            + packed
            + b"\nendstream"
        )

    to_unicode = add(stream(_to_unicode(characters)))
    descendant = add(
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /NotoSansCJKkr-Regular"
        b" /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >>"
        b" /FontDescriptor %d 0 R /DW 1000 /CIDToGIDMap /Identity >>" % (len(objects) + 2)
    )
    add(
        b"<< /Type /FontDescriptor /FontName /NotoSansCJKkr-Regular /Flags 4"
        b" /FontBBox [-1000 -300 2000 1100] /ItalicAngle 0 /Ascent 880 /Descent -120"
        b" /CapHeight 700 /StemV 80 >>"
    )
    font = add(
        b"<< /Type /Font /Subtype /Type0 /BaseFont /NotoSansCJKkr-Regular"
        b" /Encoding /Identity-H /DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>"
        % (descendant, to_unicode)
    )
    pages_id = len(objects) + 1 + 2 * len(pages)  # after each page's content and page
    kids = []
    for lines in pages:
        content = b"BT /F1 11 Tf 14 TL 56 780 Td\n" + b"".join(
            b"<" + "".join(f"{ord(c):04X}" for c in line).encode() + b"> Tj T*\n" for line in lines
        )
        contents = add(stream(content + b"ET"))
        kids.append(
            add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842]"
                b" /Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>"
                % (pages_id, font, contents)
            )
        )
    add(
        b"<< /Type /Pages /Count %d /Kids [%s] >>"
        % (len(kids), b" ".join(b"%d 0 R" % kid for kid in kids))
    )
    info = add(b"<< /Title <FEFF" + title.encode("utf-16-be").hex().upper().encode() + b"> >>")
    catalog = add(b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id)
    return _pdf_file(objects, catalog, info)


def _to_unicode(characters: list[int]) -> bytes:
    lines = [
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap",
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        b"/CMapName /Adobe-Identity-UCS def /CMapType 2 def",
        b"1 begincodespacerange <0000> <FFFF> endcodespacerange",
    ]
    for start in range(0, len(characters), 100):
        chunk = characters[start : start + 100]
        lines.append(b"%d beginbfchar" % len(chunk))
        lines.extend(b"<%04X> <%04X>" % (c, c) for c in chunk)
        lines.append(b"endbfchar")
    lines.append(b"endcmap CMapName currentdict /CMap defineresource pop end end")
    return b"\n".join(lines)


def _pdf_file(objects: list[bytes], catalog: int, info: int, trailer: bytes = b"") -> bytes:
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R%s >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        catalog,
        info,
        trailer,
        xref,
    )
    return bytes(out)


# HWPX: ZIP + OWPML XML


_HWPX_NAMESPACES = (
    'xmlns:ha="http://www.hancom.co.kr/hwpml/2011/app"'
    ' xmlns:hp="http://www.hancom.co.kr/hwpml/2011/paragraph"'
    ' xmlns:hs="http://www.hancom.co.kr/hwpml/2011/section"'
    ' xmlns:hc="http://www.hancom.co.kr/hwpml/2011/core"'
    ' xmlns:hh="http://www.hancom.co.kr/hwpml/2011/head"'
)


def _hwpx_paragraph(number: int, text: str) -> str:
    return (
        f'<hp:p id="{number}" paraPrIDRef="0" styleIDRef="0" pageBreak="0" columnBreak="0"'
        f' merged="0"><hp:run charPrIDRef="0"><hp:t>{escape(text)}</hp:t></hp:run></hp:p>'
    )


def _hwpx_table(rows: list[list[str]]) -> str:
    cells = "".join(
        "<hp:tr>"
        + "".join(
            f'<hp:tc><hp:subList id="" textDirection="HORIZONTAL">'
            f"{_hwpx_paragraph(0, cell)}</hp:subList>"
            f'<hp:cellAddr colAddr="{c}" rowAddr="{r}"/></hp:tc>'
            for c, cell in enumerate(row)
        )
        + "</hp:tr>"
        for r, row in enumerate(rows)
    )
    return (
        '<hp:p id="0" paraPrIDRef="0" styleIDRef="0" pageBreak="0" columnBreak="0" merged="0">'
        f'<hp:run charPrIDRef="0"><hp:tbl rowCnt="{len(rows)}" colCnt="{len(rows[0])}">'
        f"{cells}</hp:tbl><hp:t/></hp:run></hp:p>"
    )


def make_hwpx(sections: list[list[str]], table: list[list[str]] | None = None) -> bytes:
    """A HWPX document: one ``Contents/section{n}.xml`` per section, a
    paragraph per string, and ``table`` (rows of cells) after the first
    section's paragraphs."""
    members = [
        ("mimetype", b"application/hwp+zip"),
        (
            "version.xml",
            b'<?xml version="1.0" encoding="UTF-8" standalone="yes" ?>'
            b'<hv:HCFVersion xmlns:hv="http://www.hancom.co.kr/hwpml/2011/version"'
            b' tagetApplication="WORDPROCESSOR" major="5" minor="1" micro="0" buildNumber="1"/>',
        ),
        (
            "META-INF/container.xml",
            b'<?xml version="1.0" encoding="UTF-8" standalone="yes" ?>'
            b'<ocf:container xmlns:ocf="urn:oasis:names:tc:opendocument:xmlns:container">'
            b'<ocf:rootfiles><ocf:rootfile full-path="Contents/content.hpf"'
            b' media-type="application/hwpml-package+xml"/></ocf:rootfiles></ocf:container>',
        ),
        ("Contents/header.xml", f'<hh:head {_HWPX_NAMESPACES} version="1.4"/>'.encode()),
    ]
    for number, paragraphs in enumerate(sections):
        body = "".join(_hwpx_paragraph(i, text) for i, text in enumerate(paragraphs))
        if table and number == 0:
            body += _hwpx_table(table)
        xml = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes" ?>'
            f"<hs:sec {_HWPX_NAMESPACES}>{body}</hs:sec>"
        )
        members.append((f"Contents/section{number}.xml", xml.encode()))
    return _zip(members)


# HWP 5: FileHeader, DocInfo and BodyText/Section* in a compound file; the
# records of a section are (tag, level, size) headers and their data


_PARA_HEADER, _PARA_TEXT, _PARA_CHAR_SHAPE, _CTRL_HEADER, _LIST_HEADER = 66, 67, 68, 71, 72
_DOCUMENT_PROPERTIES = 16


def _record(tag: int, level: int, data: bytes) -> bytes:
    if len(data) < 0xFFF:
        return struct.pack("<I", tag | level << 10 | len(data) << 20) + data
    return struct.pack("<II", tag | level << 10 | 0xFFF << 20, len(data)) + data


def _control(code: int, chid: bytes = b"\0\0\0\0") -> bytes:
    """An inline or extended control: its code, 12 bytes of data, its code again."""
    return struct.pack("<H", code) + chid[::-1] + b"\0" * 8 + struct.pack("<H", code)


def _hwp_paragraph(text: str, level: int, lead: bytes = b"") -> bytes:
    units = (
        lead
        + b"".join(_control(9) if c == "\t" else c.encode("utf-16-le") for c in text)
        + struct.pack("<H", 13)
    )
    count = len(units) // 2
    header = struct.pack("<IIHBBHHHI", count, 0, 0, 0, 0, 1, 0, 1, 0)
    return (
        _record(_PARA_HEADER, level, header)
        + _record(_PARA_TEXT, level + 1, units)
        + _record(_PARA_CHAR_SHAPE, level + 1, struct.pack("<II", 0, 0))
    )


def make_hwp(
    paragraphs: list[str],
    table: list[list[str]] | None = None,
    compressed: bool = True,
    password: bool = False,
) -> bytes:
    """A HWP 5 document: one section, a paragraph per string (``\\t`` is
    written as HWP's tab control), the section's definition controls before
    the first, and ``table`` (rows of cells, a paragraph each) after the last.
    ``password`` marks it encrypted and scrambles its body as such a file's is."""
    section = b""
    for number, text in enumerate(paragraphs):
        lead = _control(2, b"secd") + _control(2, b"cold") if number == 0 else b""
        section += _hwp_paragraph(text, 0, lead)
    if table:
        section += _hwp_paragraph("", 0, _control(11, b"tbl "))
        section += _record(_CTRL_HEADER, 1, b"tbl "[::-1] + b"\0" * 40)
        for row in table:
            for cell in row:
                section += _record(_LIST_HEADER, 2, b"\0" * 34)
                section += _hwp_paragraph(cell, 2)
    doc_info = _record(_DOCUMENT_PROPERTIES, 0, struct.pack("<H", 1) + b"\0" * 24)
    if compressed:
        section, doc_info = _deflated(section), _deflated(doc_info)
    if password:
        section = bytes(b ^ (i * 151 + 89) % 256 for i, b in enumerate(section))
    flags = compressed | password << 1
    file_header = struct.pack("<32sII", b"HWP Document File", 0x05000300, flags) + b"\0" * 216
    return compound_file(
        {"FileHeader": file_header, "DocInfo": doc_info, "BodyText/Section0": section}
    )


def _deflated(data: bytes) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


# hostile files


def truncated(data: bytes, keep: float = 0.5) -> bytes:
    """The first ``keep`` of ``data``: a download cut short."""
    return data[: int(len(data) * keep)]


def zip_bomb(unpacked: int = 200_000_000) -> bytes:
    """A small ZIP (a HWPX by its mimetype) whose one section unpacks to
    ``unpacked`` bytes of zeros; the members' declared sizes are true."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        info = zipfile.ZipInfo("mimetype", _ZIP_DATE)
        archive.writestr(info, b"application/hwp+zip")
        info = zipfile.ZipInfo("Contents/section0.xml", _ZIP_DATE)
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w", force_zip64=True) as member:
            block = b"\0" * 1_000_000
            for start in range(0, unpacked, len(block)):
                member.write(block[: unpacked - start])
    return buffer.getvalue()
