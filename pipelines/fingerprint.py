"""Fingerprints of an article body for deduplication, as pure functions.

The body is normalized first: Unicode NFKC (full-width punctuation and
digits become plain), bylines, reporter e-mail lines, photo captions and
copyright lines removed (portals reprinting a press release change exactly
these), then only letters and digits kept, so that spacing and quotation
marks do not count. From that text come:

- an exact hash (SHA-256): the same story at another URL;
- a MinHash signature (rensa) over character shingles, which needs no Korean
  word segmentation, and its LSH band keys: a lightly edited copy.

A body is a near copy of another when their shingles overlap at least
``THRESHOLD`` and, where their wording lines up, neither puts another name or
another number in the other's place (:func:`substitutions`): a reprint
rewrites its lead, adds, drops or re-words sentences, while a release made
from the same template names another law, city, organisation or sum exactly
there.

What is a copy: a re-post of one release, however re-titled, re-led,
shortened or extended, that states no fact the other contradicts. Two bodies
are not copies when, outside the sentences both carry verbatim and the
*stock* sentences (a press office's stock phrases, which the archive learns
from the candidates: :meth:`Fingerprint.stock`, left out of both before the
shingles are compared), each states numbers of at least
``CONTRADICTING_UNITS`` units (a sum and a date, say) that the other never
states (:func:`other_numbers`). A re-post with one corrected figure is still
the same release; the next week's report or another city's release changes
several.

Shingles are compared as 64-bit keys (:func:`shingle_keys`). What a body is
compared by starts from its own text (:attr:`Fingerprint.compared_text`: its
paragraphs without bylines, captions and copyright lines), which the archive
stores with the article once, at insert: a stored body is never normalized
again to be compared (:func:`comparable`).

Candidates: a body is a candidate copy of another when their signatures agree
on at least ``SHARED_KEYS`` of the ``BANDS`` LSH band keys (``ROWS`` values
each); the database counts the keys shared, and the most alike come first.
Of the shapes ``benchmarks/dedup.py`` compares (32x3, 42x3, 64x2, 32x4, 25x5
with 1 to 3 shared keys), 32x3 with one shared key keeps every labelled copy
a candidate (32x3 with two keys loses one in 43, 32x4 two, 25x5 four) with the
fewest candidates among 3,000 synthetic articles (8.9 per article; 42x3 11.7,
64x2 15 to 67). What keeps the candidates few as the archive grows is not the
shape but the window and the stock keys (``storage.near_duplicates``).

Shingle size, threshold and the substitution rule were chosen on the labelled
pairs in ``tests/fixtures/dedup/pairs.jsonl`` (``benchmarks/dedup.py`` prints
the measurement).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Protocol

import numpy as np
from rensa import RMinHash

from pipelines.korean_news import CAPTION_IN_TEXT as _CAPTION_INLINE
from pipelines.korean_news import COPYRIGHT_WORDS as _COPYRIGHT
from pipelines.korean_news import EMAIL as _EMAIL
from pipelines.korean_news import LOOSE_BYLINE_LINE as _BYLINE_LINE
from pipelines.korean_news import LOOSE_CAPTION_LINE as _CAPTION_LINE
from pipelines.korean_news import LOOSE_LEADING_BYLINE as _LEAD_BYLINE
from pipelines.korean_news import LOOSE_TRAILING_BYLINE as _TRAIL_BYLINE

SHINGLE = 5  # characters per shingle
NUM_PERM = 128  # MinHash permutations; all of them estimate similarity
BANDS = 32  # LSH bands of ROWS values each (the first 96 values): a pair with Jaccard
ROWS = 3  # 0.3 becomes a candidate with p=0.58, 0.4 with p=0.88, 0.5 with p=0.986
SHARED_KEYS = 1  # band keys a candidate shares with the body at least
# Jaccard similarity of shingles from which a body may be a copy: on the labelled
# pairs the different ones the substitution rule leaves reach 0.16, copies start at 0.33
THRESHOLD = 0.3
# a name or number put in another's place: a replacement of at most this many
# words on each side (see substitutions())
SUBSTITUTION_WORDS = 2
# candidates whose MinHash estimate is this far below THRESHOLD are compared
# exactly (their bodies' shingles); further below, the estimate refuses them
MARGIN = 0.15
SEED = 20240329
# below this many letters a body says too little to be compared alone: the
# title joins it (exact hash) and no near-duplicate is looked for
MIN_CHARS = 100

# a sentence carried by the stories of at least this many clusters is stock
STOCK_CLUSTERS = 2
# numbers of this many units (sums and dates, say) each body states otherwise
# make two releases; one figure alone may be a correction
CONTRADICTING_UNITS = 2
# sentences shorter than this (letters and digits) are not told apart
MIN_SENTENCE_CHARS = 12
# stored bodies kept as compared for the next matchings (10-40 KB each, by length)
STORED_COMPARED = 128

_BYLINE_MAX = 80  # a paragraph longer than this is text, whatever it starts with
_NOT_WORD = re.compile(r"[\W_]+")
_WORD = re.compile(r"[^\W_]+")
_NUMBER_SEPARATOR = re.compile(r"(?<=\d)[,.](?=\d)")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
# a number and the first character after it, its unit: 3억, 42대, 12일, 35%
_NUMBER = re.compile(r"\d+\s*[^\s\d]?")
_NOT_WORD_OR_UNIT = re.compile(r"[^\w%]+|_")
_CALENDAR = re.compile(r"\d+(?:년|월|일)")
_DIGIT = re.compile(r"\d")
_NOT_DIGIT = re.compile(r"\D")
# a shared ending that starts like this makes two words one predicate re-worded
_VERB = re.compile(r"하|했|한|할|해|되|됐|된|될|돼|시키|시켰")


def _is_noise(paragraph: str) -> bool:
    """A byline, e-mail, photo caption or copyright paragraph."""
    short = len(paragraph) <= _BYLINE_MAX
    if short and (_BYLINE_LINE.match(paragraph) or _COPYRIGHT.search(paragraph)):
        return True
    if short and _EMAIL.search(paragraph) and len(_EMAIL.sub("", paragraph).strip()) <= 20:
        return True
    return bool(_CAPTION_LINE.match(paragraph))


def _own_paragraphs(body: str) -> Iterator[str]:
    """The paragraphs of ``body`` (NFKC) without bylines, captions and copyright lines."""
    for raw in body.split("\n"):
        paragraph = unicodedata.normalize("NFKC", raw).strip()
        if not paragraph or _is_noise(paragraph):
            continue
        paragraph = _TRAIL_BYLINE.sub("", _LEAD_BYLINE.sub("", paragraph))
        yield _CAPTION_INLINE.sub("", _EMAIL.sub("", paragraph))


def normalized_text(body: str) -> str:
    """The letters and digits of ``body`` without bylines, captions and copyright lines."""
    return _NOT_WORD.sub("", " ".join(_own_paragraphs(body))).lower()


def words(body: str) -> tuple[str, ...]:
    """The words of ``body`` as :func:`normalized_text` keeps them, a number's
    separators dropped (``2,250`` -> ``2250``) and calendar dates left out
    (``14일``, ``3월``: a reprint of the next day may restate them)."""
    return _words(" ".join(_own_paragraphs(body)))


def _words(own_text: str) -> tuple[str, ...]:
    text = _NUMBER_SEPARATOR.sub("", own_text.lower())
    return tuple(word for word in _WORD.findall(text) if not _CALENDAR.fullmatch(word))


def substitutions(ours: Sequence[str], theirs: Sequence[str]) -> list[tuple[str, str]]:
    """Where two bodies' words line up, the places where one puts another name
    or another number than the other: ``국가공무원법`` for ``지방공무원법``,
    ``포항시는`` for ``경주시는``, ``430억`` for ``429억``.

    A place is a replacement of at most ``SUBSTITUTION_WORDS`` words on each
    side between runs of words both share (or the body's edge). Re-wording is
    not a substitution: spacing, a particle (``경산시는``/``경북 경산시가``),
    one name containing the other (``테크노파크``/``경북테크노파크``), a shared
    stem (``천안시가``/``천안 지역``), a verb (``정비하고``/``단장하고``,
    ``말했다``/``강조했다``), a number restated in other units
    (``12개월간``/``1년간``).
    """
    operations = SequenceMatcher(None, ours, theirs, autojunk=False).get_opcodes()
    found = []
    for at, (tag, start, end, other_start, other_end) in enumerate(operations):
        if tag != "replace" or max(end - start, other_end - other_start) > SUBSTITUTION_WORDS:
            continue
        before = operations[at - 1][0] if at else "equal"
        after = operations[at + 1][0] if at + 1 < len(operations) else "equal"
        if before != "equal" or after != "equal":
            continue  # part of a rewritten sentence, not a word put in another's place
        one, other = "".join(ours[start:end]), "".join(theirs[other_start:other_end])
        if _names_another(one, other):
            found.append((one, other))
    return found


def _names_another(one: str, other: str) -> bool:
    """Whether ``other`` (words joined) stands where ``one`` stood for another
    thing: another number of the same unit, or another name."""
    if one in other or other in one:
        return False
    digits, other_digits = _NOT_DIGIT.sub("", one), _NOT_DIGIT.sub("", other)
    if digits or other_digits:
        same_unit = _DIGIT.sub("", one) == _DIGIT.sub("", other)
        return bool(digits and other_digits and digits != other_digits and same_unit)
    prefix = _shared_start(one, other)
    if prefix >= 2:
        return False  # one stem: 천안시가 / 천안지역
    suffix = _shared_start(one[::-1], other[::-1])
    shorter = min(one, other, key=len)
    longest = SequenceMatcher(None, one, other, autojunk=False).find_longest_match()
    if len(shorter) - longest.size <= 1:
        return False  # a particle apart: 경산시는 / 경북경산시가
    if (suffix and _VERB.match(one[len(one) - suffix :])) or one[-1] == other[-1] == "다":
        return False  # a predicate re-worded
    return min(len(one) - prefix - suffix, len(other) - prefix - suffix) >= 2


def _shared_start(one: str, other: str) -> int:
    """How many characters ``one`` and ``other`` start with in common."""
    differ = (at for at, (a, b) in enumerate(zip(one, other, strict=False)) if a != b)
    return next(differ, min(len(one), len(other)))


def shingles(text: str, size: int = SHINGLE) -> set[str]:
    """The character ``size``-grams of ``text`` (the text itself when shorter)."""
    if len(text) <= size:
        return {text} if text else set()
    return {text[i : i + size] for i in range(len(text) - size + 1)}


_CODE_BITS = 21  # a Unicode code point fits in 21 bits: three of them in 64
_MIXER = np.uint64(0x9E3779B97F4A7C15)  # odd: a bijection modulo 2**64


def shingle_keys(text: str, size: int = SHINGLE) -> np.ndarray:
    """:func:`shingles` as a sorted array of distinct 64-bit keys, for
    :func:`jaccard`: a tenth of the memory of a set of strings, and a
    comparison in microseconds. Each key packs its shingle's code points,
    three to a part, and mixes the parts; two shingles share a key with odds
    of 2**-64, so two bodies' count of shared shingles is exact but for one in
    ~10**12 pairs."""
    codes = np.frombuffer(text.encode("utf-32-le"), dtype="<u4").astype(np.uint64)
    if codes.size == 0:
        return np.empty(0, dtype=np.uint64)
    if codes.size < size:  # the text itself, padded with code point 0 (never a letter)
        codes = np.concatenate([codes, np.zeros(size - codes.size, dtype=np.uint64)])
    grams = np.lib.stride_tricks.sliding_window_view(codes, size)
    keys = np.zeros(len(grams), dtype=np.uint64)
    for part in range(0, size, 3):
        packed = np.zeros(len(grams), dtype=np.uint64)
        for at in range(part, min(part + 3, size)):
            packed |= grams[:, at] << np.uint64(_CODE_BITS * (at - part))
        keys = keys * _MIXER + packed
    return np.unique(keys)


def jaccard(ours: np.ndarray, theirs: np.ndarray) -> float:
    """Jaccard similarity of two :func:`shingle_keys` arrays."""
    shared = np.intersect1d(ours, theirs, assume_unique=True).size
    union = ours.size + theirs.size - shared
    return shared / union if union else 0.0


def sentence_key(sentence: str) -> int:
    """A signed 64-bit key of one sentence's normalized letters and digits."""
    digest = hashlib.blake2b(sentence.encode("utf-8"), digest_size=8, person=b"sentence")
    return int.from_bytes(digest.digest(), "little", signed=True)


@dataclass(frozen=True)
class Sentence:
    """One sentence of a body: its letters and digits, and the numbers it states."""

    text: str  # normalized as normalized_text() normalizes a body
    numbers: frozenset[str]  # its numbers, separators dropped: sums, counts, dates


def sentences(own_text: str) -> dict[int, Sentence]:
    """The sentences of ``own_text`` long enough to be told apart, by :func:`sentence_key`."""
    found = {}
    for raw in _SENTENCE_END.split(_NUMBER_SEPARATOR.sub("", own_text)):
        text = _NOT_WORD.sub("", raw).lower()
        if len(text) >= MIN_SENTENCE_CHARS:
            numbers = frozenset(_NOT_WORD_OR_UNIT.sub("", one) for one in _NUMBER.findall(raw))
            found[sentence_key(text)] = Sentence(text, numbers)
    return found


@dataclass(frozen=True)
class Comparable:
    """A body as near-duplicate matching compares it."""

    shingles: np.ndarray  # shingle_keys() of its normalized text
    own_text: str  # its paragraphs without bylines, captions and copyright lines
    sentences: dict[int, Sentence]  # its sentences, by sentence_key()

    @property
    def words(self) -> tuple[str, ...]:
        """Its words, as :func:`words` reads them."""
        return _words(self.own_text)

    def rest(self, left_out: frozenset[int]) -> np.ndarray:
        """The shingle keys of its text without the sentences ``left_out``."""
        if not left_out:
            return self.shingles
        kept = (one.text for key, one in self.sentences.items() if key not in left_out)
        return shingle_keys("".join(kept))

    def numbers(self, left_out: frozenset[int] = frozenset()) -> frozenset[str]:
        """The numbers its sentences but ``left_out`` state."""
        found = (one.numbers for key, one in self.sentences.items() if key not in left_out)
        return frozenset().union(*found)


def _comparable(own_text: str) -> Comparable:
    text = _NOT_WORD.sub("", own_text).lower()
    return Comparable(shingle_keys(text), own_text, sentences(own_text))


class Stored(Protocol):
    """A stored article's body as the archive hands it over to be compared."""

    @property
    def body(self) -> str: ...

    @property
    def compared_text(self) -> str | None:
        """Its own text (:attr:`Fingerprint.compared_text`), stored at insert;
        None on an article stored before the archive kept it."""


def comparable(stored: Stored) -> Comparable:
    """A stored body as near-duplicate matching compares it: from the own text
    stored with it, or its body when none was stored."""
    own_text = stored.compared_text
    if own_text is None:
        own_text = " ".join(_own_paragraphs(stored.body))
    return _stored_comparable(own_text)


# the stored bodies compared last, read once: a story's first copy is compared
# with each copy that comes, and each matching compares it more than once
_stored_comparable = lru_cache(maxsize=STORED_COMPARED)(_comparable)


def minhash(items: set[str], num_perm: int = NUM_PERM) -> np.ndarray:
    """The MinHash signature of ``items``: ``num_perm`` unsigned 32-bit values."""
    sketch = RMinHash(num_perm=num_perm, seed=SEED)
    sketch.update(list(items))  # MinHash does not depend on order: no need to sort
    return np.asarray(sketch.digest(), dtype=np.uint32)


def band_keys(signature: np.ndarray, bands: int = BANDS, rows: int = ROWS) -> tuple[int, ...]:
    """One signed 64-bit key per LSH band: two signatures share a key when they
    agree on all of that band's values."""
    keys = []
    for band in range(bands):
        chunk = signature[band * rows : (band + 1) * rows].astype("<u4").tobytes()
        digest = hashlib.blake2b(chunk, digest_size=8, person=band.to_bytes(2, "little"))
        keys.append(int.from_bytes(digest.digest(), "little", signed=True))
    return tuple(keys)


def similarity(a: np.ndarray | bytes, b: np.ndarray | bytes) -> float:
    """Estimated Jaccard similarity of two signatures (arrays or their stored bytes)."""
    return float(np.mean(as_signature(a) == as_signature(b)))


def as_signature(value: np.ndarray | bytes) -> np.ndarray:
    """A signature from its stored bytes (little-endian uint32), or itself."""
    if isinstance(value, bytes | bytearray | memoryview):
        return np.frombuffer(bytes(value), dtype="<u4")
    return value


@dataclass(frozen=True)
class Fingerprint:
    """What the archive matches an article by."""

    content_hash: str  # SHA-256 hex of the normalized text
    signature: bytes | None  # MinHash, little-endian uint32; None: too short to compare
    band_keys: tuple[int, ...]  # LSH keys of the signature; () when it is None
    body: Comparable | None = None  # the body as compared; None when too short
    shared_keys: int = SHARED_KEYS  # band keys from which another body is a candidate
    threshold: float = THRESHOLD  # resemblance from which another body is a copy of this one

    def may_copy(self, stored: bytes) -> bool:
        """Whether the body with signature ``stored`` is close enough, by the MinHash
        estimate, to be compared exactly (:meth:`resemblance`)."""
        if self.signature is None:
            return False
        return similarity(self.signature, stored) >= THRESHOLD - MARGIN

    @property
    def compared_text(self) -> str | None:
        """What the archive stores to compare this body by: its own text (None:
        too short to be compared)."""
        return None if self.body is None else self.body.own_text

    def shared_sentences(self, copies: Iterable[Stored]) -> frozenset[int]:
        """This body's sentences that one of the stored ``copies`` (one story's) carries too."""
        if self.body is None:
            return frozenset()
        ours = self.body.sentences.keys()
        return frozenset(key for copy in copies for key in comparable(copy).sentences.keys() & ours)

    def stock(self, clusters: Iterable[frozenset[int]]) -> frozenset[int]:
        """This body's sentences that at least ``STOCK_CLUSTERS`` of ``clusters``
        (each the :meth:`shared_sentences` of one story's copies) carry too: a
        press office's stock sentences, no evidence of a copy."""
        carried: Counter[int] = Counter()
        for shared in clusters:
            carried.update(shared)
        return frozenset(key for key, count in carried.items() if count >= STOCK_CLUSTERS)

    def resemblance(self, stored: Stored, stock: frozenset[int] = frozenset()) -> float:
        """Jaccard similarity of this body's shingles and the ``stored`` body's,
        the ``stock`` sentences left out of both; 0 when, however alike, the
        stored body :meth:`contradicts` this one."""
        if self.body is None:
            return 0.0
        other = comparable(stored)
        similar = jaccard(self.body.rest(stock), other.rest(stock))
        if similar >= self.threshold and self._contradicted(other, stock):
            return 0.0
        return similar

    def contradicts(self, stored: Stored, stock: frozenset[int] = frozenset()) -> bool:
        """Whether the ``stored`` body is another story in this one's words: it
        puts another name or number in this body's place (:func:`substitutions`),
        or each of the two states, outside the sentences they share and the
        ``stock`` ones, a number the other never states (:func:`other_numbers`)."""
        return self.body is not None and self._contradicted(comparable(stored), stock)

    def _contradicted(self, other: Comparable, stock: frozenset[int]) -> bool:
        assert self.body is not None
        return other_numbers(self.body, other, stock) or bool(
            substitutions(self.body.words, other.words)
        )


def other_numbers(ours: Comparable, theirs: Comparable, stock: frozenset[int]) -> bool:
    """Whether each body states, in the rest of its text (without the sentences
    both carry and the ``stock`` ones), a number the other body never states:
    two releases of one house style, each with its own sums and dates."""
    shared = stock | (ours.sentences.keys() & theirs.sentences.keys())
    units = {_unit(number) for number in ours.numbers(shared) - theirs.numbers()}
    other_units = {_unit(number) for number in theirs.numbers(shared) - ours.numbers()}
    return len(units & other_units) >= CONTRADICTING_UNITS


def _unit(number: str) -> str:
    """What ``number`` (as :meth:`Comparable.numbers` states it) counts: ``억`` of ``3억``."""
    return _DIGIT.sub("", number)


def fingerprint(title: str, body: str) -> Fingerprint:
    """The fingerprint of an article."""
    own_text = " ".join(_own_paragraphs(body))
    text = _NOT_WORD.sub("", own_text).lower()
    if len(text) < MIN_CHARS:
        text = normalized_text(title) + "|" + text
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        return Fingerprint(digest, None, ())
    signature = minhash(shingles(text))
    return Fingerprint(
        hashlib.sha256(text.encode("utf-8")).hexdigest(),
        signature.astype("<u4").tobytes(),
        band_keys(signature),
        _comparable(own_text),
    )
