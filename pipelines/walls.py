"""Members-only walls: what portals show in place of an article that only
members, subscribers or its writer may read, in Korean CMSes' own wording
(Gnuboard's "글을 읽을 권한이 없습니다", "비밀글", XE/Rhymix's "권한이
없습니다", articleView/ndsoft's "유료회원 전용 기사입니다", eGovFrame's
"로그인 후 이용", WordPress members plugins' "회원만 볼 수 있습니다").

Such a page is no article *yet*: the article is there, behind the wall, and a
later run (or a run with an account) may read it. :func:`members_only` tells
an article body that is only a wall notice (with at most a teaser before it)
from an article that merely mentions members or logging in; the page room
marks its refusals of walled pages with :data:`MEMBERS_ONLY`.

Pure functions of text: no network, no database.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# the reason of a refused page begins so when the page is a members-only wall
MEMBERS_ONLY = "members only: "
# what a wall says: the reader lacks the right, must log in, pay or subscribe
_WALL = re.compile(
    r"회원\s*전용"
    r"|회원님?(?:에게)?만\s*(?:열람|이용|보실|볼\s*수|읽|확인|접근|조회|구독)"
    r"|(?:읽을|열람|볼|보기|접근|조회|이용|접속)\s*권한이\s*없"
    r"|권한이\s*없습니다"
    r"|로그인\s*(?:후|하신\s*후|을?\s*하셔야|하셔야|이\s*필요|해야|하시면|하여야|해\s*주세요|하세요)"
    r"|비밀글|비밀번호를\s*입력"
    r"|구독자\s*전용|유료\s*(?:회원|기사|구독|콘텐츠|서비스)|프리미엄\s*(?:회원|기사|콘텐츠)"
    r"|members?[- ]only|for\s+(?:paid\s+)?(?:members|subscribers)\b"
    r"|(?:log\s*in|sign\s*in|subscribe)\s+to\s+(?:read|view|continue|see)",
    re.IGNORECASE,
)
# a news sentence ends in a plain "…다." (했다, 있다); a notice speaks to the
# reader (…습니다, …세요, …십시오) or is a fragment ("회원 전용 기사", "로그인")
_NEWS_SENTENCE = re.compile(r"(?<!니)다[.!]?[\"'”’」』)]*$")
_NOTICE_LENGTH = 200  # characters: a notice is a line or two
_TEASER_LENGTH = 250  # characters of article a paywall shows (a lead, a few lines)


def wall_notice(paragraph: str) -> bool:
    """Whether ``paragraph`` is a members-only notice: short, saying a wall's
    words, and addressed to the reader rather than reporting news."""
    text = paragraph.strip()
    return (
        len(text) <= _NOTICE_LENGTH
        and _WALL.search(text) is not None
        and _NEWS_SENTENCE.search(text) is None
    )


def says_wall(text: str) -> bool:
    """Whether ``text`` (a form's or an alert's words) says a wall's words."""
    return _WALL.search(text) is not None


def members_only(paragraphs: Sequence[str]) -> str | None:
    """The notice when an article body is a members-only wall: a wall notice
    with no more than a teaser of article besides it; else None."""
    notices = [paragraph for paragraph in paragraphs if wall_notice(paragraph)]
    if not notices:
        return None
    rest = sum(len(paragraph) for paragraph in paragraphs if paragraph not in notices)
    if rest > _TEASER_LENGTH:
        return None
    return " ".join(notices)[:_NOTICE_LENGTH]
