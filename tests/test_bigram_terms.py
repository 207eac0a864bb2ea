"""The short-query index's terms (``storage.bigrams.terms``): the same terms,
in the same order, as the plain reading of their definition, on generated
texts of Hangul, Hanja, Latin letters, punctuation, every kind of space,
characters beyond the Basic Multilingual Plane and lone surrogates. The
order matters: an FTS5 row is deleted by passing the terms it was indexed by."""

from __future__ import annotations

import random
import re
from itertools import pairwise

import pytest

from storage.bigrams import terms

_RUNS = re.compile("[^ \t\n\r]+")
_ALPHABET = "가나다라마한국어경산軍縣abcXYZ019.,!?·「」 \t\n\r\u3000\xa0\U0001f600\U00020000\ud800"


def terms_as_defined(title: str, body: str) -> str:
    """Every character and every pair of adjacent characters of the runs
    between spaces and line breaks, once each, in hexadecimal, sorted."""
    found: set[str] = set()
    for run in _RUNS.findall(f"{title}\n{body}"):
        found.update(f"{ord(character):06x}" for character in run)
        found.update(f"{ord(a):06x}{ord(b):06x}" for a, b in pairwise(run))
    return " ".join(sorted(found))


@pytest.mark.parametrize("seed", range(4))
def test_terms_are_the_characters_and_pairs_between_spaces(seed: int) -> None:
    rnd = random.Random(seed)
    for _ in range(500):
        title = "".join(rnd.choice(_ALPHABET) for _ in range(rnd.randint(0, 30)))
        body = "".join(rnd.choice(_ALPHABET) for _ in range(rnd.randint(0, 400)))
        assert terms(title, body) == terms_as_defined(title, body)


def test_terms_of_an_article() -> None:
    assert terms("", "") == ""
    assert terms("軍", "경산 시") == "008ecd 00acbd 00acbd00c0b0 00c0b0 00c2dc"
