"""Patterns of Korean news text that are not the article's own: reporter
bylines, e-mail lines, photo captions and credits, copyright lines. One place
for both their users: :mod:`pipelines.cleanup` removes them from an article
exactly (and reads the reporters' names), :mod:`pipelines.fingerprint` drops
them loosely before comparing bodies (portals reprinting a release change
exactly these).
"""

from __future__ import annotations

import re

NAME = r"[가-힣]{2,4}"
NAMES = rf"{NAME}(?:\s*[,·]\s*{NAME})*"
# what a reporter signs as; a desk signs as DESKS
ROLES = (
    "기자",
    "대기자",
    "선임기자",
    "수습기자",
    "인턴기자",
    "객원기자",
    "시민기자",
    "명예기자",
    "특파원",
    "통신원",
    "리포터",
)
DESKS = (
    "편집국",
    "편집부",
    "취재부",
    "보도국",
    "디지털뉴스팀",
    "온라인뉴스팀",
    "뉴스팀",
    "인터넷뉴스팀",
)
ROLE = "(?:" + "|".join(sorted(ROLES, key=len, reverse=True)) + ")"
DESK = "(?:" + "|".join(sorted(DESKS, key=len, reverse=True)) + ")"
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_MAIL = EMAIL.pattern
OPEN, CLOSE = r"[\[(【<〔]", r"[\])】>〕]"

# -- exact patterns (cleanup): a whole line, the names captured ---------------

# [경북신문=서인교, 류희철 기자] / [추적사건25시 엄대진 대기자] / (대구=연합뉴스) 홍길동 기자 =
LEADING_BYLINE = re.compile(
    rf"^{OPEN}\s*[^\[\]()【】<>=]{{1,30}}?\s*=\s*(?P<names>{NAMES})\s*{ROLE}?\s*{CLOSE}\s*"
    rf"|^{OPEN}\s*[^\[\]()【】<>=]{{1,30}}?\s+(?P<paper>{NAMES})\s*{ROLE}\s*{CLOSE}\s*"
    rf"|^(?P<wire>{NAMES})\s*{ROLE}\s*=\s*"
)
# what a dateline names when it names no reporter: (서울=연합뉴스), [경산=경일신문]
PRESS = re.compile(r"(?:뉴스|신문|일보|방송|통신|미디어|타임즈|타임스|저널|닷컴|투데이|뉴시스|TV)$")
# 서인교, 류희철 기자 kua348@naver.com / /홍길동 기자 / (홍길동 기자 abc@x.com)
BYLINE_LINE = re.compile(
    rf"^[/\-–—=\s]*{OPEN}?\s*(?P<names>{NAMES})\s*{ROLE}\s*{CLOSE}?"
    rf"\s*{OPEN}?\s*(?:{_MAIL})?\s*{CLOSE}?\s*$"
)
# 글·사진=홍길동 기자 / 정리=홍길동 / 사진=홍길동 기자
CREDIT_LINE = re.compile(
    rf"^(?P<what>글\s*[·/]\s*사진|글|정리|취재|사진|영상|그래픽)\s*[=:]?\s*"
    rf"(?P<names>{NAMES})\s*{ROLE}?\s*(?:{_MAIL})?$"
)
# ...밝혔다. /홍길동 기자 abc@x.com  (kept: the sentence)
TRAILING_BYLINE = re.compile(
    rf"(?<=[.!?\"'”’」』)])\s*/?\s*(?P<names>{NAMES})\s*{ROLE}\s*{OPEN}?\s*{_MAIL}\s*{CLOSE}?$"
    rf"|(?<=[.!?\"'”’」』)])\s*/\s*(?P<slashed>{NAMES})\s*{ROLE}$"
)
EMAIL_LINE = re.compile(
    rf"^{OPEN}?\s*(?:(?:이메일|e-?mail|메일|기사\s*제보|제보|보도자료)\s*[:：]?\s*)?"
    rf"{_MAIL}(?:\s*[,/]\s*{_MAIL})*\s*{CLOSE}?$",
    re.IGNORECASE,
)
COPYRIGHT_LINE = re.compile(
    r"^[<\[(]?\s*(?:저작권자|copyright|ⓒ|©|\(c\))|무단\s*전재.{0,12}금지|all rights reserved",
    re.IGNORECASE,
)
CAPTION_MARK = re.compile(r"^[▲△▷►]\s*")
CAPTION_WORDS = re.compile(r"사진|제공|촬영|캡처|그래픽|출처|자료|(?:모습|전경|장면)\.?$")
CREDIT = re.compile(
    r"^[\[(<]?\s*(?:사진|그래픽|자료사진|사진\s*제공|영상|출처)\s*[=:/]"
    r"|[\[(<]\s*(?:사진|그래픽|자료)\s*(?:제공)?\s*[=:][^\])>]{0,40}[\])>]\s*$"
)

# -- loose patterns (fingerprint): whatever may be one, dropped before comparing

# "[경북신문=서인교 기자] ", "(대구=연합뉴스) 김철수 기자 = ", "[포항=경북일보] 최민호 기자 = "
LOOSE_LEADING_BYLINE = re.compile(
    rf"^\s*[\[(【](?:[^\])】]{{0,40}}=[^\])】]{{0,40}}|[^\])】]{{0,40}}{ROLE})[\])】]\s*"
    rf"(?:{NAMES}\s*{ROLE}\s*)?=?\s*"
)
# "홍길동 기자 hong@x.kr", "/천안=윤소라 기자", "대전=김민수 특파원", "편집국"
LOOSE_BYLINE_LINE = re.compile(
    rf"^[\s/\-–—=]*(?:[가-힣]{{1,8}}\s*=\s*)?(?:{NAMES}\s*)?(?:{ROLE}|{DESK})(?:\s|$)"
)
# "... 계획이다. 홍길동 기자 hong@x.kr" at the end of a paragraph
LOOSE_TRAILING_BYLINE = re.compile(
    rf"[\s/]*(?:[가-힣]{{1,8}}\s*=\s*)?{NAME}\s*{ROLE}\s*(?:{_MAIL})?\s*$"
)
LOOSE_CAPTION_LINE = re.compile(r"^\s*(?:[▲△▶▷►↑◆◇■□]|<\s*사진|사진\s*[=:])")
CAPTION_IN_TEXT = re.compile(r"\(\s*사진\s*[=:][^()]*\)")
COPYRIGHT_WORDS = re.compile(
    r"저작권자|무단\s*전재|재배포\s*금지|all rights reserved", re.IGNORECASE
)
