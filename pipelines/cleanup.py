"""Korean news cleanup: what a portal leaves in an article's text that the
printed article does not have.

Reporter bylines (``[경북신문=서인교, 류희철 기자]`` leading a paragraph,
``서인교 기자 abc@naver.com`` trailing the article), e-mail lines, copyright
lines (``저작권자 © ... 무단전재 및 재배포 금지``), photo captions and credits
(``↑↑ ... (사진=... 제공)``, ``▲ 사진=...``), stray image file names,
share/print button text, board label rows (``작성자 | 홍길동``, a label
and its value on two lines), a site's survey, licence and tip-off lines,
the headline or date repeated in the body, and a body printed twice.
Paragraph order is kept; the reporters named in the bylines are returned,
as the byline is often the only place that names them. The patterns are
:mod:`pipelines.korean_news`'s, shared with the fingerprint.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from pipelines.dates import is_date_line, without_stamps
from pipelines.korean_news import (
    BODY_LABEL,
    BREADCRUMB,
    BUTTON_MESSAGE,
    BYLINE_LINE,
    CAPTION_MARK,
    CAPTION_WORDS,
    COPYRIGHT_LINE,
    CREDIT,
    CREDIT_LINE,
    EMAIL,
    EMAIL_LINE,
    LABEL_ALONE,
    LABEL_ROW,
    LEADING_BYLINE,
    NAMES,
    NOTICE_LINE,
    PRESS,
    PROMO_LINE,
    PROMO_MARK,
    PROMO_WORDS,
    ROLE,
    ROLES,
    SITE_NOTICE,
    TRAILING_BYLINE,
    WIRES,
)
from pipelines.paragraphs import letters

_IMAGE_FILE = re.compile(
    r"^(?:\S*/)?[\w.()-]+\.(?:jpe?g|png|gif|bmp|webp|tiff?)(?:\?\S*)?"
    r"(?:\s+(?:\S*/)?[\w.()-]+\.(?:jpe?g|png|gif|bmp|webp|tiff?))*$",
    re.IGNORECASE,
)
# fmt: off
_BUTTON_WORDS = frozenset((
    "페이스북", "트위터", "카카오톡", "카카오스토리", "카카오", "밴드", "네이버밴드", "네이버",
    "라인", "텔레그램", "URL복사", "URL", "링크복사", "주소복사", "복사", "인쇄", "인쇄하기",
    "프린트", "스크랩", "목록", "목록으로", "기사목록", "메일", "이메일", "메일전송", "메일보내기",
    "기사보내기", "기사공유", "공유", "공유하기", "SNS", "글씨", "글자", "글자크기", "키우기",
    "줄이기", "크게", "작게", "확대", "축소", "댓글", "좋아요", "추천", "추천하기", "기사수정",
    "수정", "삭제", "바로가기", "이전", "다음", "보기", "기사", "모바일", "버전", "전체", "닫기",
    "구독", "구독하기", "facebook", "twitter", "kakao", "band", "print", "share", "x",
))
# fmt: on
_BUTTON_SPLIT = re.compile(r"[\s·|/,:>~]+")
_AUTHOR_LABEL = re.compile(r"^(?:기자명|작성자|글쓴이|by)\s*[:：]?\s*", re.IGNORECASE)
_BRACKETS = re.compile(r"[()<>\[\]【】]")
_NAME_SPLIT = re.compile(r"[\s,·]+")
_ROLE_AND_AFTER = re.compile(rf"\s*{ROLE}(?:\s.*)?$")
_SENTENCE_END = re.compile(r"[다요죠까]\s*[.!?]?[\"'”’)]*$")
# a caption or copyright line is short; a paragraph of text may mention these words
_SHORT = 150
# a label's value on its own line (a name, a department, a phone number) at most
_LABEL_VALUE_MAX = 40
# a repeated run is a body printed twice when its paragraphs are prose: this
# many characters each on average
REPEATED_PROSE = 40
# letters a copy's start is looked up by
_ANCHOR = 20


@dataclass(frozen=True)
class Cleaned:
    """An article's paragraphs after cleanup, and the reporters its bylines name."""

    paragraphs: tuple[str, ...]
    reporters: tuple[str, ...]


def clean(paragraphs: Iterable[str], title: str | None = None) -> Cleaned:
    """The article's own paragraphs, in order, a repeated run once; see the
    module doc."""
    reporters: dict[str, None] = {}
    kept: list[str] = []
    title_key = letters([title]) if title else None
    labelled = False
    for raw in paragraphs:
        paragraph, names = strip_bylines(BODY_LABEL.sub("", " ".join(raw.split()), count=1))
        reporters.update(dict.fromkeys(names))
        if labelled and _is_label_value(paragraph):
            labelled = False
            continue
        labelled = bool(LABEL_ALONE.match(paragraph))
        if paragraph and not is_noise(paragraph) and letters([paragraph]) != title_key:
            kept.append(paragraph)
    return Cleaned(tuple(once(kept)), tuple(reporters))


def _is_label_value(paragraph: str) -> bool:
    """Whether the line after a label alone (``작성자``) is its value
    (``홍길동``, ``일자리경제과``), not a sentence."""
    return len(paragraph) <= _LABEL_VALUE_MAX and not _SENTENCE_END.search(paragraph)


def once(paragraphs: list[str]) -> list[str]:
    """``paragraphs`` without a run of prose printed twice in a row (the whole
    body again, or its last part): the copy goes. The copies are compared on
    their letters and digits, so a copy wrapped otherwise (a bare-text lead
    in one, a ``<p>`` in the other; other paragraph breaks) is found too. A
    line repeated elsewhere stays (an interview's question), and so does a
    run of short lines that a list or a plan repeats ("Pre-Workout Meal")."""
    kept = list(paragraphs)
    keys = [letters([paragraph]).lower() for paragraph in kept]
    at = 1
    while at < len(kept):
        copy = _copy_at(kept, keys, at)
        if copy:
            del kept[at : at + copy], keys[at : at + copy]
        else:
            at += 1
    return kept


def _copy_at(paragraphs: list[str], keys: list[str], at: int) -> int:
    """How many paragraphs from ``at`` on repeat, as one run of prose, the
    text right before them (``keys``: their letters and digits); 0 when
    they do not."""
    before = "".join(keys[:at])
    start = len(before)
    anchor = "".join(keys[at : at + _ANCHOR])[:_ANCHOR]
    if len(anchor) < _ANCHOR // 2:
        return 0
    after = "".join(keys[at:])
    found = before.rfind(anchor)
    while found >= 0:
        size = start - found
        if after.startswith(before[found:]):
            covered, count = 0, 0
            while at + count < len(keys) and covered + len(keys[at + count]) <= size:
                covered += len(keys[at + count])
                count += 1
            prose = len("".join(paragraphs[at : at + count])) >= REPEATED_PROSE * count
            if count and prose and size - covered <= _ANCHOR:
                return count
        found = before.rfind(anchor, 0, found)
    return 0


def strip_bylines(paragraph: str) -> tuple[str, list[str]]:
    """``paragraph`` without its byline, and the reporters the byline names.

    A paragraph that is only a byline comes back empty.
    """
    names: list[str] = []
    # a wire dateline and its reporter are two bylines in a row
    while lead := LEADING_BYLINE.match(paragraph):
        named = lead["names"] or lead["paper"] or lead["wire"] or ""
        names += [name for name in split_names(named) if not PRESS.search(name)]
        paragraph = paragraph[lead.end() :].strip()
    # a byline alone, or with its stamps: 홍길동 기자 | 입력 2024.03.29 14:12
    line = BYLINE_LINE.match(without_stamps(paragraph).strip(" |·/:"))
    if line:
        return "", names + split_names(line["names"])
    credit = CREDIT_LINE.match(paragraph)
    if credit:
        if "사진" not in credit["what"] or "글" in credit["what"]:
            names += split_names(credit["names"])
        return "", names
    trail = TRAILING_BYLINE.search(paragraph)
    if trail:
        names += split_names(trail["names"] or trail["slashed"])
        paragraph = paragraph[: trail.start()].strip()
    return paragraph, names


def reporter_name(raw: str | None) -> str | None:
    """A byline field as the archive keeps it: ``홍길동 기자 abc@x.com`` ->
    ``홍길동``, ``기자명 서인교·류희철 기자`` -> ``서인교, 류희철``; None when empty."""
    if not raw:
        return None
    name = " ".join(_BRACKETS.sub(" ", EMAIL.sub(" ", raw)).split())
    name = _ROLE_AND_AFTER.sub("", _AUTHOR_LABEL.sub("", name)).strip(" ,/·|=")
    if re.fullmatch(NAMES, name):
        name = ", ".join(split_names(name))
    return name or None


def split_names(names: str) -> list[str]:
    """``서인교, 류희철`` -> ``["서인교", "류희철"]`` (``홍길동 기자, 김철수``
    and ``이세원 이대희`` too); a wire's name is no reporter's."""
    words = _NAME_SPLIT.split(names.strip())
    return [word for word in words if word and word not in ROLES and word not in WIRES]


def is_noise(paragraph: str) -> bool:
    """Whether a paragraph is portal furniture rather than article text."""
    if EMAIL_LINE.match(paragraph) or _IMAGE_FILE.match(paragraph) or is_date_line(paragraph):
        return True
    short = len(paragraph) <= _SHORT
    if short and COPYRIGHT_LINE.search(paragraph) and not _SENTENCE_END.search(paragraph):
        return True
    if paragraph.startswith("↑"):
        return True
    if short and CAPTION_MARK.match(paragraph) and CAPTION_WORDS.search(paragraph):
        return True
    if short and CREDIT.search(paragraph):
        return True
    if short and _is_furniture(paragraph):
        return True
    if short and LABEL_ROW.match(paragraph) and not _SENTENCE_END.search(paragraph):
        return True
    if short and LABEL_ALONE.match(paragraph):
        return True
    if short and SITE_NOTICE.search(paragraph):
        return True
    return _is_buttons(paragraph)


def _is_furniture(paragraph: str) -> bool:
    """A promo or tip line (not a sentence of the article that names a channel),
    a corrections notice, a button's message, a breadcrumb."""
    promo = PROMO_LINE.match(paragraph) or (
        PROMO_MARK.match(paragraph) and PROMO_WORDS.search(paragraph)
    )
    return bool(
        (promo and not _SENTENCE_END.search(paragraph))
        or NOTICE_LINE.search(paragraph)
        or BUTTON_MESSAGE.search(paragraph)
        or BREADCRUMB.match(paragraph)
    )


def _is_buttons(paragraph: str) -> bool:
    """Share, print and navigation button labels (``페이스북 트위터 URL복사``)."""
    words = [w for w in _BUTTON_SPLIT.split(paragraph) if w]
    return bool(words) and all(
        word in _BUTTON_WORDS or word.lower() in _BUTTON_WORDS or word.isdigit() for word in words
    )
