"""Text from an article's attachments: PDF, HWPX, HWP 5, DOCX, XLSX, and the
documents inside a ZIP, as a pure function of the file's bytes.

:func:`read_attachment` tells the kind by the bytes first (``%PDF``; a ZIP
by its ``mimetype`` entry and the parts it holds; an OLE2 compound file with
the ``HWP Document File`` header; the image magics), then by the file's name
and Content-Type. It never raises on hostile input: a file that is encrypted,
truncated, a zip bomb, over the limits or not a document gives no text and a
one-line reason (:attr:`AttachmentReading.refusal`); its bytes are the
caller's to keep.

PDF is read with pypdfium2 (PDFium); HWP 5 with olefile for the OLE2
container and the body's records read here (``BodyText/Section*``, raw
deflate when the header says so, ``HWPTAG_PARA_TEXT`` in UTF-16LE with its
inline controls skipped); HWPX, DOCX and XLSX are ZIP + XML read with lxml.
The README says why these libraries (``benchmarks/attachment_text.py``).

Pure: no network, no database, no Scrapy; the extraction worker processes
import it.
"""

from __future__ import annotations

import io
import re
import struct
import threading
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

import olefile
import pypdfium2
from lxml import etree

KINDS = ("pdf", "hwpx", "hwp", "docx", "xlsx", "zip", "image", "other")


@dataclass(frozen=True)
class AttachmentLimits:
    """What one attachment may cost: bytes in, bytes unpacked, text out, pages."""

    # a page's own cap (DOWNLOAD_MAXSIZE in crawler/settings.py)
    max_input_bytes: int = 16 * 1024 * 1024
    # all the members of a ZIP-based file (HWPX, DOCX, XLSX, ZIP) or the
    # sections of a HWP 5, once inflated
    max_unpacked_bytes: int = 100_000_000
    # the text is cut here
    max_text_chars: int = 2_000_000
    # a PDF's pages past this one are not read
    max_pages: int = 500


DEFAULT_LIMITS = AttachmentLimits()


@dataclass(frozen=True)
class AttachmentReading:
    """An attachment's kind and its text, or why it has none."""

    kind: str  # "pdf" | "hwpx" | "hwp" | "docx" | "xlsx" | "zip" | "image" | "other"
    text: str | None
    # one line: why no text (encrypted, truncated, zip bomb, over the limits,
    # not a document, unknown kind)
    refusal: str | None


class _Refused(Exception):
    """A reader's one-line reason for giving no text."""


_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_IMAGE_MAGICS = (
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff",
    b"GIF87a",
    b"GIF89a",
    b"II*\x00",
    b"MM\x00*",
    b"BM",
)
_EXTENSIONS = {
    "pdf": "pdf",
    "hwpx": "hwpx",
    "hwp": "hwp",
    "docx": "docx",
    "xlsx": "xlsx",
    "zip": "zip",
    **dict.fromkeys(("jpg", "jpeg", "png", "gif", "webp", "bmp", "tif", "tiff"), "image"),
}
_CONTENT_TYPES = {
    "application/pdf": "pdf",
    "application/hwp+zip": "hwpx",
    "application/vnd.hancom.hwpx": "hwpx",
    "application/x-hwp": "hwp",
    "application/haansofthwp": "hwp",
    "application/vnd.hancom.hwp": "hwp",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/zip": "zip",
    "application/x-zip-compressed": "zip",
}
# a ZIP member that unpacks past _BOMB_BYTES to more than _BOMB_RATIO times its
# packed size is a bomb (a spreadsheet's repeated rows stay far under the ratio)
_BOMB_RATIO = 200
_BOMB_BYTES = 10_000_000


def read_attachment(
    data: bytes,
    name: str | None = None,
    content_type: str | None = None,
    limits: AttachmentLimits = DEFAULT_LIMITS,
) -> AttachmentReading:
    """The kind of the file ``data`` (named ``name``, served as ``content_type``)
    and its text, or the one-line reason it gives none. Never raises on the
    file's contents."""
    if len(data) > limits.max_input_bytes:  # its kind by its head: no container opened
        return AttachmentReading(
            attachment_kind(data[:4096], name, content_type),
            None,
            f"over the limits: {len(data)} bytes, more than {limits.max_input_bytes}",
        )
    kind = attachment_kind(data, name, content_type)
    reader = _READERS.get(kind)
    if reader is None:
        reason = "an image: no text is read from it" if kind == "image" else _unknown(data)
        return AttachmentReading(kind, None, reason)
    try:
        text = reader(data, limits)
    except _Refused as refused:
        return AttachmentReading(kind, None, str(refused))
    except (MemoryError, RecursionError) as error:
        return AttachmentReading(kind, None, f"over the limits: {type(error).__name__}")
    except Exception as error:  # a hostile file may break a library anywhere
        return AttachmentReading(kind, None, f"broken {kind} file: {_one_line(error)}")
    text = _tidy(text)[: limits.max_text_chars]
    if not text:
        return AttachmentReading(kind, None, "no text in the file (a scan, or only pictures)")
    return AttachmentReading(kind, text, None)


def attachment_kind(data: bytes, name: str | None = None, content_type: str | None = None) -> str:
    """The file's kind: by its bytes, then its name's extension, then its
    Content-Type; ``other`` when none tells."""
    head = data[:1024]
    if b"%PDF-" in head:
        return "pdf"
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return _zip_kind(data) or _named_kind(name, content_type, ("hwpx", "docx", "xlsx")) or "zip"
    if data.startswith(_OLE2):
        if _is_hwp5(data) or b"HWP Document File" in data:  # a whole one, or a cut one
            return "hwp"
        return _named_kind(name, content_type, ("hwp",)) or "other"
    if data.startswith(_IMAGE_MAGICS) or (data.startswith(b"RIFF") and data[8:12] == b"WEBP"):
        return "image"
    return _named_kind(name, content_type, KINDS) or "other"


def _named_kind(name: str | None, content_type: str | None, allowed: tuple[str, ...]) -> str | None:
    extension = (name or "").rsplit(".", 1)[-1].strip().lower() if "." in (name or "") else ""
    media = (content_type or "").split(";")[0].strip().lower()
    kind = _EXTENSIONS.get(extension) or _CONTENT_TYPES.get(media)
    if kind is None and media.startswith("image/"):
        kind = "image"
    return kind if kind in allowed else None


def _zip_kind(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            mimetype = b""
            if "mimetype" in names and archive.getinfo("mimetype").file_size < 100:
                mimetype = archive.read("mimetype").strip()
    except Exception:  # a broken ZIP: its first member, name or Content-Type tells
        return "hwpx" if data[30:57] == b"mimetypeapplication/hwp+zip" else None
    if mimetype == b"application/hwp+zip" or "Contents/section0.xml" in names:
        return "hwpx"
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return "zip"


def _is_hwp5(data: bytes) -> bool:
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            if not ole.exists("FileHeader"):
                return False
            return ole.openstream("FileHeader").read(32).startswith(b"HWP Document File")
    except Exception:  # a broken compound file: not told as HWP by its bytes
        return False


def _unknown(data: bytes) -> str:
    if data.startswith(_OLE2):
        return "not a document read here: an OLE2 compound file that is not HWP 5 (doc, xls?)"
    if not data:
        return "not a document: an empty file"
    return "unknown kind: neither the bytes, the name nor the Content-Type tell a document"


# PDF


# PDFium is not thread-safe: one document at a time in a process (a crawl
# extracts in a thread before its worker processes start)
_PDFIUM = threading.Lock()


def _pdf_text(data: bytes, limits: AttachmentLimits) -> str:
    with _PDFIUM:
        return _pdfium_text(data, limits)


def _pdfium_text(data: bytes, limits: AttachmentLimits) -> str:
    try:
        document = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as error:
        if error.err_code == pypdfium2.raw.FPDF_ERR_PASSWORD:
            raise _Refused("encrypted: the PDF asks for a password") from None
        if error.err_code == pypdfium2.raw.FPDF_ERR_SECURITY:
            raise _Refused("encrypted: the PDF's security handler is not supported") from None
        raise _Refused(f"broken or truncated PDF: {_one_line(error)}") from None
    try:
        pages = []
        for index in range(min(len(document), limits.max_pages)):
            page = document[index]
            textpage = page.get_textpage()
            pages.append(textpage.get_text_range())
            textpage.close()
            page.close()
            if sum(map(len, pages)) > limits.max_text_chars:
                break
    finally:
        document.close()
    return "\n\n".join(pages)


# ZIP-based: HWPX, DOCX, XLSX, ZIP


class _Members:
    """The members of a ZIP that hold its text (``parts``: their names), read
    within the limits: a member that unpacks past the bytes left, or far past
    its packed size, is a zip bomb. The other members (a HWPX's pictures, the
    photos in a ZIP) are neither read nor counted."""

    def __init__(self, data: bytes, limits: AttachmentLimits, parts: re.Pattern[str]) -> None:
        try:
            self.archive = zipfile.ZipFile(io.BytesIO(data))
            infos = self.archive.infolist()
        except (zipfile.BadZipFile, EOFError, ValueError, OSError) as error:
            raise _Refused(f"broken or truncated ZIP: {_one_line(error)}") from None
        self.infos = [info for info in infos if parts.fullmatch(info.filename)]
        self.left = limits.max_unpacked_bytes
        for info in self.infos:
            if info.flag_bits & 0x1:
                raise _Refused(f"encrypted: the ZIP member {info.filename} asks for a password")
            if info.file_size > _BOMB_RATIO * max(info.compress_size, 1) and (
                info.file_size > _BOMB_BYTES
            ):
                raise _Refused(
                    f"zip bomb: {info.filename} unpacks {info.file_size} bytes "
                    f"from {info.compress_size}"
                )
        declared = sum(info.file_size for info in self.infos)
        if declared > self.left:
            raise _Refused(f"over the limits: unpacks to {declared} bytes, more than {self.left}")

    def names(self) -> list[str]:
        return [info.filename for info in self.infos]

    def shown_name(self, name: str) -> str:
        """The member's name as its maker wrote it: a name not marked UTF-8
        is CP949 on a Korean desktop, which zipfile read as CP437."""
        info = self.archive.getinfo(name)
        if info.flag_bits & 0x800:
            return name
        try:
            return name.encode("cp437").decode("cp949")
        except UnicodeError:
            return name

    def read(self, name: str) -> bytes:
        """The member's bytes, never more than the bytes left to unpack (its
        declared size may lie)."""
        try:
            with self.archive.open(name) as member:
                content = member.read(self.left + 1)
        except (zipfile.BadZipFile, EOFError, zlib.error, OSError, ValueError) as error:
            raise _Refused(f"broken or truncated ZIP member {name}: {_one_line(error)}") from None
        if len(content) > self.left:
            raise _Refused(f"zip bomb: {name} unpacks past the limit of unpacked bytes")
        self.left -= len(content)
        return content


_XML = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=False
)


def _xml(content: bytes, name: str) -> etree._Element:
    try:
        return etree.fromstring(content, _XML)
    except etree.XMLSyntaxError as error:
        raise _Refused(f"broken XML in {name}: {_one_line(error)}") from None


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


# tabs and line breaks inside a run (DOCX) or inside its text (HWPX); a tab
# elsewhere (a DOCX paragraph's tab stops) is no text
_BREAKS = {"tab": "\t", "lineBreak": "\n", "br": "\n", "cr": "\n"}
_RUNS = frozenset({"r", "run"})


def _paragraphs(root: etree._Element, paragraph: str, text: str) -> Iterator[str]:
    """The text of each ``paragraph`` element (local name) of ``root``: its
    ``text`` elements' text, tabs and line breaks, those of a paragraph nested
    in it (a table's cell) going to that one."""
    lines: dict[etree._Element, list[str]] = {}
    for element in root.iter():
        local = _local(element.tag)
        parent = element.getparent()
        within_text = parent is not None and _local(parent.tag) == text
        if local == text:
            piece = element.text or ""
        elif (
            local in _BREAKS and parent is not None and (within_text or _local(parent.tag) in _RUNS)
        ):
            piece = _BREAKS[local]
        else:
            piece = ""
        if within_text:
            piece += element.tail or ""
        if not piece and local != text:
            continue
        owner = parent
        while owner is not None and _local(owner.tag) != paragraph:
            owner = owner.getparent()
        if owner is not None:
            lines.setdefault(owner, []).append(piece)
    for element in root.iter():
        if element in lines:
            yield "".join(lines[element])


_HWPX_PARTS = re.compile(r"Contents/section\d+\.xml")
_DOCX_PARTS = re.compile(r"word/document\.xml")
_XLSX_PARTS = re.compile(r"xl/sharedStrings\.xml|xl/worksheets/sheet\d+\.xml")
# the documents in a ZIP, by their names' extensions
_ZIP_PARTS = re.compile(r"(?is).*[^/]\.(pdf|hwp|hwpx|docx|xlsx)")


def _section_number(name: str) -> int:
    digits = re.search(r"(\d+)\.xml$", name)
    return int(digits.group(1)) if digits else 0


def _hwpx_text(data: bytes, limits: AttachmentLimits) -> str:
    members = _Members(data, limits, _HWPX_PARTS)
    sections = sorted(members.names(), key=_section_number)
    if not sections:
        raise _Refused("broken HWPX: no Contents/section*.xml")
    return "\n".join(
        line
        for section in sections
        for line in _paragraphs(_xml(members.read(section), section), "p", "t")
    )


def _docx_text(data: bytes, limits: AttachmentLimits) -> str:
    members = _Members(data, limits, _DOCX_PARTS)
    if not members.names():
        raise _Refused("broken DOCX: no word/document.xml")
    root = _xml(members.read("word/document.xml"), "word/document.xml")
    return "\n".join(_paragraphs(root, "p", "t"))


def _xlsx_text(data: bytes, limits: AttachmentLimits) -> str:
    """Each sheet's rows, a line each, cells by tabs (shared strings looked up)."""
    members = _Members(data, limits, _XLSX_PARTS)
    names = members.names()
    shared: list[str] = []
    if "xl/sharedStrings.xml" in names:
        strings = _xml(members.read("xl/sharedStrings.xml"), "xl/sharedStrings.xml")
        shared = [
            "".join(t.text or "" for t in si.iter() if _local(t.tag) == "t")
            for si in strings
            if _local(si.tag) == "si"
        ]
    sheets = sorted((n for n in names if n.startswith("xl/worksheets/")), key=_section_number)
    lines = []
    for sheet in sheets:
        for row in _xml(members.read(sheet), sheet).iter("{*}row"):
            lines.append("\t".join(_cell(cell, shared) for cell in row.iter("{*}c")))
    return "\n".join(lines)


def _cell(cell: etree._Element, shared: list[str]) -> str:
    kind = cell.get("t")
    if kind == "inlineStr":
        return "".join(t.text or "" for t in cell.iter("{*}t"))
    value = next((v.text or "" for v in cell.iter("{*}v")), "")
    if kind == "s":
        return shared[int(value)] if value.isdigit() and int(value) < len(shared) else ""
    return value


def _zip_text(data: bytes, limits: AttachmentLimits) -> str:
    """The text of the documents in a ZIP, each under its name; a ZIP in the
    ZIP is not opened."""
    members = _Members(data, limits, _ZIP_PARTS)
    parts = []
    for name in members.names():
        inner = members.read(name)
        if attachment_kind(inner, name) in ("zip", "image", "other"):
            continue
        reading = read_attachment(
            inner, name, limits=replace(limits, max_unpacked_bytes=members.left)
        )
        text = reading.text if reading.text is not None else f"({reading.refusal})"
        parts.append(f"{members.shown_name(name)}\n{text}")
    return "\n\n".join(parts)


# HWP 5: an OLE2 compound file; the body's sections are streams of records


_HWP_COMPRESSED, _HWP_PASSWORD, _HWP_DISTRIBUTION = 0x1, 0x2, 0x4
_HWPTAG_PARA_TEXT = 67
# controls of one WCHAR; the others (inline and extended controls) take eight
_CHAR_CONTROLS = frozenset({0, 10, 13, 24, 25, 26, 27, 28, 29, 30, 31})
# the code units up to the next control (a unit under 32), two bytes at a time
_TEXT_RUN = re.compile(rb"(?:[\x20-\xff][\x00-\xff]|[\x00-\x1f][\x01-\xff])*")
_CONTROL_TEXT = {9: "\t", 10: "\n", 24: "-", 30: " ", 31: " "}


def _hwp_text(data: bytes, limits: AttachmentLimits) -> str:
    if data.startswith(b"HWP Document File V3"):
        raise _Refused("not read: a HWP 3 document (before HWP 5)")
    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except Exception as error:  # olefile raises many kinds on a broken container
        raise _Refused(f"broken or truncated HWP: {_one_line(error)}") from None
    with ole:
        if not ole.exists("FileHeader"):
            raise _Refused("broken or truncated HWP: no FileHeader")
        header = ole.openstream("FileHeader").read(256)
        if not header.startswith(b"HWP Document File") or len(header) < 40:
            raise _Refused("broken or truncated HWP: its FileHeader is not a HWP 5 one")
        (flags,) = struct.unpack_from("<I", header, 36)
        if flags & _HWP_PASSWORD:
            raise _Refused("encrypted: the HWP document asks for a password")
        if flags & _HWP_DISTRIBUTION:
            raise _Refused("encrypted: a HWP distribution document (its text is locked)")
        sections = sorted(
            (
                path
                for path in ole.listdir()
                if len(path) == 2 and path[0] == "BodyText" and re.fullmatch(r"Section\d+", path[1])
            ),
            key=lambda path: int(path[1][7:]),
        )
        if not sections:
            raise _Refused("broken or truncated HWP: no BodyText/Section*")
        left = limits.max_unpacked_bytes
        paragraphs: list[str] = []
        for path in sections:
            body = ole.openstream(path).read()
            if flags & _HWP_COMPRESSED:
                body = _inflated(body, left, "/".join(path))
            left -= len(body)
            paragraphs.extend(_hwp_paragraphs(body, "/".join(path)))
    return "\n".join(paragraphs)


def _inflated(packed: bytes, left: int, name: str) -> bytes:
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    try:
        body = inflater.decompress(packed, left + 1)
    except zlib.error as error:
        raise _Refused(f"broken HWP: {name} does not inflate ({_one_line(error)})") from None
    if len(body) > left:
        raise _Refused(f"over the limits: {name} unpacks past the limit of unpacked bytes")
    if not inflater.eof:
        raise _Refused(f"truncated HWP: {name} ends before its compressed data")
    return body


def _hwp_paragraphs(body: bytes, name: str) -> Iterator[str]:
    """The text of each HWPTAG_PARA_TEXT record of a section, in order (a
    table's cells are paragraphs of their own)."""
    position = 0
    while position + 4 <= len(body):
        (header,) = struct.unpack_from("<I", body, position)
        position += 4
        tag, size = header & 0x3FF, header >> 20
        if size == 0xFFF:
            if position + 4 > len(body):
                break
            (size,) = struct.unpack_from("<I", body, position)
            position += 4
        if position + size > len(body):
            raise _Refused(f"truncated HWP: a record of {name} runs past its end")
        if tag == _HWPTAG_PARA_TEXT:
            yield _para_text(body[position : position + size])
        position += size


def _para_text(raw: bytes) -> str:
    """A paragraph's UTF-16LE text, its controls (code units under 32) given
    as the text they stand for, or skipped with their data."""
    parts = []
    start = 0
    while True:
        end = _TEXT_RUN.match(raw, start).end()
        parts.append(raw[start:end].decode("utf-16-le", "replace"))
        if end + 1 >= len(raw):
            return "".join(parts)
        unit = raw[end]
        parts.append(_CONTROL_TEXT.get(unit, ""))
        start = end + (2 if unit in _CHAR_CONTROLS else 16)


_READERS: dict[str, Callable[[bytes, AttachmentLimits], str]] = {
    "pdf": _pdf_text,
    "hwpx": _hwpx_text,
    "hwp": _hwp_text,
    "docx": _docx_text,
    "xlsx": _xlsx_text,
    "zip": _zip_text,
}


# text


_SPACES = re.compile(r"[ \t\u00a0\u3000]{2,}|[\t\u00a0\u3000]")
_BLANK_LINES = re.compile(r"\n{3,}")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def _tidy(text: str) -> str:
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _one_line(error: BaseException) -> str:
    words = " ".join(str(error).split())
    return (words or type(error).__name__)[:200]
