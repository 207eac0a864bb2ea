"""Versions of one article, as pure functions: whether what a later visit
extracted is another version of what the archive holds, and a word-level
diff between two versions' texts.

A version is what the article says: its title, its body, its author and the
modification stamp the page shows. What is *not* a change: whitespace (spaces
re-flowed, paragraphs re-broken, a word spaced otherwise), Unicode forms
(full-width digits), counters a page shows that move on every visit (조회수
1,234, 조회 57, 추천 3, 댓글 2, hits 12), ad slots (광고, AD, Advertisement,
an ad script's text), share, print and navigation buttons, a related-article
or ranking box (관련기사, 많이 본 뉴스 and the headlines under it), promo
lines and the page's date lines. The stamp the page shows is compared as its
own field, so a date line in the body does not count twice. What is a change:
any other word of the title, body or author, a figure (3억원 -> 5억원), an
appended correction (``[수정]``, ``정정보도``), a new modification stamp.

Korean spaces its text in eojeol (a word and its particles), so a diff by
lines makes one changed figure a changed paragraph, and a diff by characters
scatters a rewritten sentence: :func:`word_diff` compares eojeol and falls back
to characters inside a changed run of words only when those stay mostly alike.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from difflib import SequenceMatcher

from pipelines.cleanup import is_noise
from pipelines.korean_news import NOTICE_LINE

# counters a page shows next to the article that change on every visit (on a
# short line that is no sentence: prose may give a count, 추천 5명)
_COUNTER = re.compile(
    r"(?:조회\s*수|조회|읽음|열람|추천\s*수|추천|좋아요|공감|댓글|스크랩|hits?|views?)"
    r"\s*[:：]?\s*\d[\d,]*\s*(?:회|건|개|명)?(?![\d가-힣])",
    re.IGNORECASE,
)
# a line that is an ad slot: its label, or the text an ad script leaves behind
_AD_SLOT = re.compile(
    r"^[\[(<【]?\s*(?:광고|AD|ADS|Advertisement|Sponsored|스폰서|스폰서\s*링크|파워링크|"
    r"협찬|제휴\s*광고|광고\s*문의)\s*[\])>】]?$"
    r"|adsbygoogle|googletag\.|google_ad_|dable\.|taboola|window\.ad",
    re.IGNORECASE,
)
# the heading of a box of other articles: the lines under it are headlines
_OTHER_ARTICLES = re.compile(
    r"^[\[(<【▶▷►■□◆◇※☞]?\s*(?:관련\s*기사|관련\s*뉴스|연관\s*기사|함께\s*(?:보면\s*좋은|읽으면\s*좋은)"
    r"\s*(?:기사|뉴스)|많이\s*본\s*(?:기사|뉴스)|인기\s*(?:기사|뉴스)|추천\s*(?:기사|뉴스)|"
    r"최신\s*(?:기사|뉴스)|주요\s*(?:기사|뉴스)|이\s*시각\s*(?:주요\s*)?(?:기사|뉴스)|"
    r"(?:이\s*)?기자의\s*다른\s*기사|다른\s*기사\s*보기|핫\s*(?:이슈|뉴스)|포토\s*뉴스)"
    r"\s*[\])>】]?\s*(?:[:：]|더\s*보기|\+|more)?"
)
# a headline in such a box, or a line of stamps and counters: short, no sentence
_SHORT_LINE = 80
_SENTENCE_END = re.compile(r"[다요죠까]\s*[.!?]?[\"'”’)]*$|[.!?][\"'”’)]*$")
# a word with the whitespace after it (leading whitespace alone)
_TOKEN = re.compile(r"\s+|\S+\s*")
# a changed run of words is shown by its characters when at least this alike
_ALIKE = 0.5


@dataclass(frozen=True)
class VersionFields:
    """What one version of an article says."""

    title: str
    body: str
    author: str | None
    modified: datetime | None


def normalized_for_comparison(text: str) -> str:
    """``text`` as versions are compared: NFKC, without counters, ad slots,
    buttons, promo and date lines and boxes of other articles, one line per
    kept paragraph with its whitespace collapsed (the module doc says what is
    no change). A correction notice is kept: it is a change."""
    kept: list[str] = []
    in_box = False
    for raw in unicodedata.normalize("NFKC", text).splitlines():
        line = " ".join(raw.split())
        if len(line) <= _SHORT_LINE and not _SENTENCE_END.search(line):
            line = " ".join(_COUNTER.sub(" ", line).split())  # a stamp line, not prose
        if not line:
            in_box = False
            continue
        if _OTHER_ARTICLES.match(line) and len(line) <= _SHORT_LINE:
            in_box = True
            continue
        if in_box and len(line) <= _SHORT_LINE and not _SENTENCE_END.search(line):
            continue
        in_box = False
        if _AD_SLOT.search(line) or (is_noise(line) and not NOTICE_LINE.search(line)):
            continue
        kept.append(line)
    return "\n".join(kept)


def _compared(text: str | None) -> str:
    """``text`` as compared: normalized, without any whitespace (re-spacing
    and re-breaking paragraphs are no change)."""
    return "".join(normalized_for_comparison(text or "").split())


def differs(old: VersionFields, new: VersionFields) -> bool:
    """Whether ``new`` is another version of ``old``: its title, body or
    author say otherwise once normalized, or it shows another modification
    stamp. A page that stops showing its stamp has not changed for that."""
    if _compared(old.title) != _compared(new.title) or _compared(old.body) != _compared(new.body):
        return True
    if "".join((old.author or "").split()) != "".join((new.author or "").split()):
        return True
    return new.modified is not None and new.modified != old.modified


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """The edit from ``old`` to ``new`` as ``(op, text)`` pieces, op one of
    ``"equal"``, ``"insert"``, ``"delete"``: the equal and deleted pieces
    joined are ``old``, the equal and inserted ones ``new``. Words (eojeol)
    are compared; a changed run of words that stays mostly alike is compared
    by its characters, so ``3억원`` -> ``5억원`` is one digit, not a word."""
    ours, theirs = _TOKEN.findall(old), _TOKEN.findall(new)
    pieces: list[tuple[str, str]] = []
    matcher = SequenceMatcher(None, ours, theirs, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        before, after = "".join(ours[i1:i2]), "".join(theirs[j1:j2])
        if op == "equal":
            pieces.append(("equal", before))
        elif op == "replace":
            pieces.extend(_changed_run(before, after))
        else:
            pieces.append(("delete", before) if op == "delete" else ("insert", after))
    return _merged(pieces)


def _changed_run(before: str, after: str) -> list[tuple[str, str]]:
    """A run of words replaced by another: what both start and end with
    stays (a word that only gained the whitespace after it); the rest is
    compared by characters when it stays mostly alike, else the whole rest
    goes out and the other comes in."""
    ops = SequenceMatcher(None, before, after, autojunk=False).get_opcodes()
    start = ops[0][2] if ops[0][0] == "equal" else 0
    end = len(before) - ops[-1][1] if ops[-1][0] == "equal" and len(ops) > 1 else 0
    old, new = before[start : len(before) - end], after[start : len(after) - end]
    middle = SequenceMatcher(None, old, new, autojunk=False)
    pieces = [("equal", before[:start])]
    if middle.ratio() < _ALIKE:
        pieces += [("delete", old), ("insert", new)]
    else:
        for op, i1, i2, j1, j2 in middle.get_opcodes():
            pieces.append(("equal" if op == "equal" else "delete", old[i1:i2]))
            if op in ("insert", "replace"):
                pieces.append(("insert", new[j1:j2]))
    return [*pieces, ("equal", before[len(before) - end :])]


def _merged(pieces: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """``pieces`` without empty ones, neighbours of one op joined."""
    merged: list[tuple[str, str]] = []
    for op, text in pieces:
        if not text:
            continue
        if merged and merged[-1][0] == op:
            merged[-1] = (op, merged[-1][1] + text)
        else:
            merged.append((op, text))
    return merged
