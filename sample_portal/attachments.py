"""Press-release attachments the sample portal serves, made here byte for
byte: HWP 5 (an OLE2 compound file, :mod:`sample_portal.compound_file`),
HWPX, DOCX and XLSX (ZIP + XML), PDF with Korean text, and the hostile ones:
an encrypted PDF, a truncated file, a zip bomb.

Each maker is deterministic: the same arguments give the same bytes (no
clock, no randomness), so a test may compare digests.
"""

from __future__ import annotations

import hashlib
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


def make_pdf(pages: list[list[str]], title: str = "보도자료", password: str | None = None) -> bytes:
    """A PDF whose pages show the given lines, in Korean or any BMP text;
    with ``password``, encrypted for that user password (RC4, 40-bit: the
    standard security handler's revision 2)."""
    file_id = hashlib.md5(repr((pages, title)).encode()).digest()
    key, encrypt = _standard_security(password, file_id) if password else (b"", b"")
    characters = sorted({ord(c) for page in pages for line in page for c in line} | {32})
    objects: list[bytes] = []  # object n is objects[n - 1]

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    def sealed(data: bytes) -> bytes:  # a string or stream of the object added next
        if not key:
            return data
        number = len(objects) + 1
        return _rc4(hashlib.md5(key + struct.pack("<I", number)[:3] + b"\0\0").digest()[:10], data)

    def stream(content: bytes, extra: bytes = b"") -> bytes:
        packed = sealed(zlib.compress(content, 9))
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
    info = add(
        b"<< /Title <" + sealed(b"\xfe\xff" + title.encode("utf-16-be")).hex().encode() + b"> >>"
    )
    catalog = add(b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id)
    trailer = b" /ID [<%s> <%s>]" % (file_id.hex().encode(), file_id.hex().encode())
    if encrypt:
        trailer += b" /Encrypt %d 0 R" % add(encrypt)
    return _pdf_file(objects, catalog, info, trailer)


_PASSWORD_PADDING = bytes.fromhex(
    "28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A"
)
_PERMISSIONS = -44  # print and copy not allowed


def _standard_security(password: str, file_id: bytes) -> tuple[bytes, bytes]:
    """The file key and the /Encrypt dictionary of revision 2 (the owner's
    password is the user's)."""
    padded = (password.encode("latin-1") + _PASSWORD_PADDING)[:32]
    owner = _rc4(hashlib.md5(padded).digest()[:5], padded)
    key = hashlib.md5(padded + owner + struct.pack("<i", _PERMISSIONS) + file_id).digest()[:5]
    user = _rc4(key, _PASSWORD_PADDING)
    encrypt = b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P %d >>" % (
        owner.hex().encode(),
        user.hex().encode(),
        _PERMISSIONS,
    )
    return key, encrypt


def _rc4(key: bytes, data: bytes) -> bytes:
    box = list(range(256))
    j = 0
    for i in range(256):
        j = (j + box[i] + key[i % len(key)]) % 256
        box[i], box[j] = box[j], box[i]
    out = bytearray()
    i = j = 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + box[i]) % 256
        box[i], box[j] = box[j], box[i]
        out.append(byte ^ box[(box[i] + box[j]) % 256])
    return bytes(out)


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
        f' merged="0"><hp:run charPrIDRef="0"><hp:t>{_hwpx_text(text)}</hp:t></hp:run></hp:p>'
    )


def _hwpx_text(text: str) -> str:
    """Text in ``<hp:t>``: a tab and a line break are elements inside it."""
    return (
        escape(text)
        .replace("\t", '<hp:tab width="4000" leader="0" type="1"/>')
        .replace("\n", "<hp:lineBreak/>")
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
    distribution: bool = False,
) -> bytes:
    """A HWP 5 document: one section, a paragraph per string (``\\t`` is
    written as HWP's tab control), the section's definition controls before
    the first, and ``table`` (rows of cells, a paragraph each) after the last.
    ``password`` sets the header's password flag and scrambles the body, so
    that only the flag tells why it reads as nothing; ``distribution`` makes a
    distribution document, its body under ViewText/ and scrambled likewise."""
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
    if password or distribution:
        section = bytes(b ^ (i * 151 + 89) % 256 for i, b in enumerate(section))
    flags = compressed | password << 1 | distribution << 2
    file_header = struct.pack("<32sII", b"HWP Document File", 0x05000300, flags) + b"\0" * 216
    return compound_file(
        {
            "FileHeader": file_header,
            "DocInfo": doc_info,
            ("ViewText" if distribution else "BodyText") + "/Section0": section,
        }
    )


def _deflated(data: bytes) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


# DOCX and XLSX: Office Open XML


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_S = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
_OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _content_types(overrides: dict[str, str]) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        + "".join(
            f'<Override PartName="/{part}" ContentType="{media}"/>'
            for part, media in overrides.items()
        )
        + "</Types>"
    ).encode()


def _root_relationship(target: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships'
        f' xmlns="{_RELATIONSHIPS}"><Relationship Id="rId1"'
        f' Type="{_OFFICE}/officeDocument" Target="{target}"/></Relationships>'
    ).encode()


def make_docx(paragraphs: list[str]) -> bytes:
    """A Word document, a paragraph per string."""
    body = "".join(
        '<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="800"/></w:tabs></w:pPr><w:r>'
        + "<w:tab/>".join(
            f'<w:t xml:space="preserve">{escape(part)}</w:t>' for part in text.split("\t")
        )
        + "</w:r></w:p>"
        for text in paragraphs
    )
    document = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<w:document xmlns:w="{_W}"><w:body>{body}</w:body></w:document>'
    )
    media = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    return _zip(
        [
            ("[Content_Types].xml", _content_types({"word/document.xml": media})),
            ("_rels/.rels", _root_relationship("word/document.xml")),
            ("word/document.xml", document.encode()),
        ],
        stored=(),
    )


def make_xlsx(rows: list[list[str | int]]) -> bytes:
    """A workbook of one sheet: strings as shared strings, numbers as numbers."""
    strings = sorted({cell for row in rows for cell in row if isinstance(cell, str)})
    index = {text: n for n, text in enumerate(strings)}

    def cell(column: int, row: int, value: str | int) -> str:
        where = f"{chr(65 + column)}{row}"
        if isinstance(value, str):
            return f'<c r="{where}" t="s"><v>{index[value]}</v></c>'
        return f'<c r="{where}"><v>{value}</v></c>'

    sheet_rows = "".join(
        f'<row r="{r}">' + "".join(cell(c, r, v) for c, v in enumerate(row)) + "</row>"
        for r, row in enumerate(rows, 1)
    )
    media = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    return _zip(
        [
            (
                "[Content_Types].xml",
                _content_types(
                    {
                        "xl/workbook.xml": f"{media}.sheet.main+xml",
                        "xl/worksheets/sheet1.xml": f"{media}.worksheet+xml",
                        "xl/sharedStrings.xml": f"{media}.sharedStrings+xml",
                    }
                ),
            ),
            ("_rels/.rels", _root_relationship("xl/workbook.xml")),
            (
                "xl/workbook.xml",
                f'<workbook xmlns="{_S}" xmlns:r="{_OFFICE}"><sheets><sheet name="예산"'
                f' sheetId="1" r:id="rId1"/></sheets></workbook>'.encode(),
            ),
            (
                "xl/_rels/workbook.xml.rels",
                f'<Relationships xmlns="{_RELATIONSHIPS}"><Relationship Id="rId1"'
                f' Type="{_OFFICE}/worksheet" Target="worksheets/sheet1.xml"/>'
                f"</Relationships>".encode(),
            ),
            (
                "xl/sharedStrings.xml",
                (
                    f'<sst xmlns="{_S}" count="{len(strings)}" uniqueCount="{len(strings)}">'
                    + "".join(f"<si><t>{escape(text)}</t></si>" for text in strings)
                    + "</sst>"
                ).encode(),
            ),
            (
                "xl/worksheets/sheet1.xml",
                f'<worksheet xmlns="{_S}"><sheetData>{sheet_rows}</sheetData></worksheet>'.encode(),
            ),
        ],
        stored=(),
    )


def make_zip(files: dict[str, bytes]) -> bytes:
    """A ZIP of the given files (a release's attachments in one download)."""
    return _zip(list(files.items()), stored=())


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
