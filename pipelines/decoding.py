"""A fetched page's bytes to text, checked rather than trusted.

Korean portals send CP949 bytes under ``charset=utf-8``, UTF-8 bytes under an
old ``euc-kr`` <meta>, or declare nothing at all. A page is read with the first
encoding that decodes all of its bytes and yields text that is not mojibake:
the byte order mark, valid UTF-8, then what the server and the page declare,
then CP949 (the superset of EUC-KR that real pages use), then detection. A page
that only decodes with many bytes replaced, or only as mojibake, is
:class:`Undecodable`, so the archive records a failed capture instead of
storing garbage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from charset_normalizer import from_bytes
from w3lib.encoding import (
    html_body_declared_encoding,
    http_content_type_encoding,
    read_bom,
    resolve_encoding,
)

# share of a page's non-ASCII characters that may be undecodable bytes (a
# sidebar excerpt cut in the middle of a character) before the page is refused
TOLERATED_REPLACEMENTS = 0.005
# a Korean page read in a Latin code page shows UTF-8 lead and continuation
# bytes (ê²½) or runs of EUC-KR byte pairs (°æ»ê): it is mojibake when there
# are this many such spots and they make up this share of its non-ASCII text
MOJIBAKE_SPOTS = 3
MOJIBAKE_SHARE = 0.3
REPLACEMENT = "\ufffd"

_ALIASES = {"x-windows-949": "cp949", "windows-949": "cp949", "ks_c_5601-1987": "cp949"}
# what the bytes 0x80-0x9F become in Windows-1252 (Latin-1 keeps them as C1 controls)
_CP1252_HIGH = (
    "\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122"
)
_CONTINUATION = f"\u0080-\u00bf{_CP1252_HIGH}"  # a UTF-8 continuation byte, read as Latin
_HIGH_BYTE = f"\u0080-\u00ff{_CP1252_HIGH}"  # any byte 0x80-0xFF, read as Latin
_MOJIBAKE = re.compile(f"[\u00c2-\u00f4][{_CONTINUATION}]|[{_HIGH_BYTE}]{{4,}}")
# mojibake of Korean always holds Latin letters (ê, ì, À, Ã...): a quick test first
_LATIN_LETTER = re.compile("[\u00c0-\u00ff]")


class Undecodable(ValueError):
    """No encoding reads the page as text; the message says what was tried."""


@dataclass(frozen=True)
class Decoded:
    """A page's text and how it was read."""

    text: str
    encoding: str  # the codec that read it (cp949 for EUC-KR)
    declared: str | None  # what the HTTP header or the page declared, if anything
    replaced: int = 0  # undecodable byte sequences, each now U+FFFD


def codec_name(label: str | None) -> str | None:
    """The Python codec for a charset label (``euc-kr`` -> ``cp949``), or None."""
    if not label:
        return None
    label = label.strip().lower()
    return _ALIASES.get(label) or resolve_encoding(label)


def looks_like_mojibake(text: str) -> bool:
    """Whether ``text`` reads as Korean (or any UTF-8) text decoded in a Latin
    code page: ``ê²½ì‚°`` or ``°æ»ê½Ã`` makes up much of its non-ASCII text.

    A few such spots among well-decoded text (a garbled comment in a script)
    are not enough.
    """
    if not _LATIN_LETTER.search(text):
        return False
    spots = [match.end() - match.start() for match in _MOJIBAKE.finditer(text)]
    if len(spots) < MOJIBAKE_SPOTS:
        return False
    return sum(spots) >= MOJIBAKE_SHARE * _non_ascii(text)


def decode_html(body: bytes, content_type: str | None) -> Decoded:
    """The text of an HTML page; raises :class:`Undecodable` when it has none."""
    bom_encoding, bom = read_bom(body)
    if bom_encoding:
        return _checked(body[len(bom) :], codec_name(bom_encoding) or "utf-8", bom_encoding)
    declared = codec_name(http_content_type_encoding(content_type) if content_type else None)
    in_page = codec_name(html_body_declared_encoding(body))
    declared = declared or in_page
    candidates = [declared, in_page, "cp949"]
    if not body.isascii():
        # valid UTF-8 with non-ASCII bytes is UTF-8 whatever is declared: other
        # encodings almost never produce it by accident
        candidates.insert(0, "utf-8")
    tried: list[str] = []
    for encoding in dict.fromkeys(c for c in candidates if c):
        tried.append(encoding)
        try:
            text = body.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        if not looks_like_mojibake(text):
            return Decoded(text, encoding, declared)
        if encoding == "utf-8":
            # valid UTF-8 that reads as garbage: the text itself was stored
            # double-encoded, and no other encoding mends it
            raise Undecodable("valid UTF-8 whose text is mojibake (double-encoded)")
    least = _least_damaged(body, tried, declared)
    if least is not None and _tolerable(least):
        return least
    detected = _detected(body)
    if detected and detected not in tried:
        tried.append(detected)
        text, replaced = _decode_counting(body, detected)
        if not replaced and not looks_like_mojibake(text):
            return Decoded(text, detected, declared)
    said = f"declared {declared}" if declared else "no charset declared"
    damage = f"{least.replaced} undecodable byte sequences in {least.encoding}" if least else ""
    raise Undecodable(f"{said}; tried {', '.join(tried)}; {damage or 'all mojibake'}")


def _checked(body: bytes, encoding: str, declared: str | None) -> Decoded:
    """``body`` in the encoding its byte order mark names."""
    text, replaced = _decode_counting(body, encoding)
    if replaced or looks_like_mojibake(text):
        raise Undecodable(f"not valid {encoding} despite its byte order mark")
    return Decoded(text, encoding, declared)


def _least_damaged(body: bytes, tried: list[str], declared: str | None) -> Decoded | None:
    """No encoding read every byte: the one that replaces fewest."""
    best: Decoded | None = None
    for encoding in tried:
        try:
            text, replaced = _decode_counting(body, encoding)
        except LookupError:
            continue
        if best is None or replaced < best.replaced:
            best = Decoded(text, encoding, declared, replaced)
    return best


def _tolerable(decoded: Decoded) -> bool:
    """Only a few stray bytes lost (characters cut in page chrome), no mojibake."""
    allowed = TOLERATED_REPLACEMENTS * _non_ascii(decoded.text)
    return decoded.replaced <= allowed and not looks_like_mojibake(decoded.text)


def _non_ascii(text: str) -> int:
    return len(text) - len(text.encode("ascii", "ignore"))


def _decode_counting(body: bytes, encoding: str) -> tuple[str, int]:
    """``body`` decoded with undecodable bytes replaced, and how many were."""
    text = body.decode(encoding, errors="replace")
    try:
        literal = REPLACEMENT.encode(encoding)
    except UnicodeEncodeError:
        return text, text.count(REPLACEMENT)
    return text, text.count(REPLACEMENT) - body.count(literal)


def _detected(body: bytes) -> str | None:
    """charset-normalizer's guess, as a codec name."""
    best = from_bytes(body[:65536]).best()
    return codec_name(best.encoding) if best is not None else None
