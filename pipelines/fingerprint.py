"""Fingerprints of an article body for deduplication, as pure functions.

The body is normalized first: Unicode NFKC (full-width punctuation and
digits become plain), bylines, reporter e-mail lines, photo captions and
copyright lines removed (portals reprinting a press release change exactly
these), then only letters and digits kept, so that spacing and quotation
marks do not count. From that text come:

- an exact hash (SHA-256): the same story at another URL;
- a MinHash signature (rensa) over character shingles, which needs no Korean
  word segmentation, and its LSH band keys: a lightly edited copy.

Shingle size, threshold and bands were chosen on the labelled pairs in
``tests/fixtures/dedup/pairs.jsonl`` (``benchmarks/dedup.py`` prints the
measurement).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

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
BANDS = 32  # LSH bands of ROWS values each (the first 96 values): a pair with
ROWS = 3  # Jaccard 0.4 becomes a candidate with p=0.88, 0.5 with p=0.986
THRESHOLD = 0.4  # Jaccard similarity of shingles from which a body is a copy
# candidates whose MinHash estimate is this far below THRESHOLD are compared
# exactly (their bodies' shingles); further below, the estimate refuses them
MARGIN = 0.15
SEED = 20240329
# below this many letters a body says too little to be compared alone: the
# title joins it (exact hash) and no near-duplicate is looked for
MIN_CHARS = 100

_BYLINE_MAX = 80  # a paragraph longer than this is text, whatever it starts with
_NOT_WORD = re.compile(r"[\W_]+")


def _is_noise(paragraph: str) -> bool:
    """A byline, e-mail, photo caption or copyright paragraph."""
    short = len(paragraph) <= _BYLINE_MAX
    if short and (_BYLINE_LINE.match(paragraph) or _COPYRIGHT.search(paragraph)):
        return True
    if short and _EMAIL.search(paragraph) and len(_EMAIL.sub("", paragraph).strip()) <= 20:
        return True
    return bool(_CAPTION_LINE.match(paragraph))


def normalized_text(body: str) -> str:
    """The letters and digits of ``body`` without bylines, captions and copyright lines."""
    kept = []
    for raw in body.split("\n"):
        paragraph = unicodedata.normalize("NFKC", raw).strip()
        if not paragraph or _is_noise(paragraph):
            continue
        paragraph = _TRAIL_BYLINE.sub("", _LEAD_BYLINE.sub("", paragraph))
        paragraph = _CAPTION_INLINE.sub("", _EMAIL.sub("", paragraph))
        kept.append(paragraph)
    return _NOT_WORD.sub("", " ".join(kept)).lower()


def shingles(text: str, size: int = SHINGLE) -> set[str]:
    """The character ``size``-grams of ``text`` (the text itself when shorter)."""
    if len(text) <= size:
        return {text} if text else set()
    return {text[i : i + size] for i in range(len(text) - size + 1)}


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
    shingles: frozenset[str] = frozenset()
    threshold: float = THRESHOLD  # resemblance from which another body is a copy of this one

    def may_copy(self, stored: bytes) -> bool:
        """Whether the body with signature ``stored`` is close enough, by the MinHash
        estimate, to be compared exactly (:meth:`resemblance`)."""
        if self.signature is None:
            return False
        return similarity(self.signature, stored) >= THRESHOLD - MARGIN

    def resemblance(self, body: str) -> float:
        """Jaccard similarity of this body's shingles and ``body``'s."""
        other = shingles(normalized_text(body))
        union = len(self.shingles | other)
        return len(self.shingles & other) / union if union else 0.0


def fingerprint(title: str, body: str) -> Fingerprint:
    """The fingerprint of an article."""
    text = normalized_text(body)
    if len(text) < MIN_CHARS:
        text = normalized_text(title) + "|" + text
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        return Fingerprint(digest, None, ())
    grams = shingles(text)
    signature = minhash(grams)
    return Fingerprint(
        hashlib.sha256(text.encode("utf-8")).hexdigest(),
        signature.astype("<u4").tobytes(),
        band_keys(signature),
        frozenset(grams),
    )
