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
# news agencies: a byline naming only one of them names no reporter
WIRES = (
    "연합",
    "연합뉴스",
    "연합뉴스TV",
    "뉴시스",
    "뉴스1",
    "로이터",
    "신화",
    "교도",
    "AP",
    "AFP",
    "EPA",
    "UPI",
    "블룸버그",
)
ROLE = "(?:" + "|".join(sorted(ROLES, key=len, reverse=True)) + ")"
DESK = "(?:" + "|".join(sorted(DESKS, key=len, reverse=True)) + ")"
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_MAIL = EMAIL.pattern
OPEN, CLOSE = r"[\[(【<〔]", r"[\])】>〕]"

# -- exact patterns (cleanup): a whole line, the names captured ---------------

# names that a wire byline may separate by spaces: 이세원 이대희 민경락 기자 =
_SPACED_NAMES = rf"{NAME}(?:\s*[,·]\s*{NAME}|\s+{NAME}){{0,5}}"
# [매체] or (매체) before a byline: [인사이트] 홍길동 기자 =
_OUTLET = rf"(?:{OPEN}[^\[\]()【】<>]{{1,30}}{CLOSE}\s*)?"
# [경북신문=서인교, 류희철 기자] / [추적사건25시 엄대진 대기자] / (대구=연합뉴스) 홍길동 기자 =
# / [MTN = 홍길동 기자 (abc@x.com)] / [인사이트] 디지털뉴스팀 =
LEADING_BYLINE = re.compile(
    rf"^{OPEN}\s*[^\[\]()【】<>=]{{1,30}}?\s*=\s*(?P<names>{NAMES})\s*{ROLE}?"
    rf"\s*(?:{OPEN}?\s*{_MAIL}\s*{CLOSE}?)?\s*{CLOSE}\s*"
    rf"|^{OPEN}\s*[^\[\]()【】<>=]{{1,30}}?\s+(?P<paper>{NAMES})\s*{ROLE}\s*{CLOSE}\s*"
    rf"|^{_OUTLET}(?P<wire>{_SPACED_NAMES})\s*{ROLE}\s*=\s*"
    rf"|^{_OUTLET}{DESK}\s*=\s*"
)
# what a dateline names when it names no reporter: (서울=연합뉴스), [경산=경일신문]
PRESS = re.compile(r"(?:뉴스|신문|일보|방송|통신|미디어|타임즈|타임스|저널|닷컴|투데이|뉴시스|TV)$")
# 서인교, 류희철 기자 kua348@naver.com / /홍길동 기자 / (홍길동 기자 abc@x.com)
# / 홍길동 기자, 김철수 기자
BYLINE_LINE = re.compile(
    rf"^[/\-–—=\s]*{OPEN}?\s*(?P<names>{NAMES}(?:\s*{ROLE}\s*[,·]\s*{NAMES})*)\s*{ROLE}\s*{CLOSE}?"
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
# a promo or tip line closing a body: ▶ ○○일보 카카오톡 채널 추가하고 주요 뉴스 받아보기 /
# ▶ 제보하기: 전화 … / 이메일 … / [○○ 페이스북에서 무엇이든 물어보세요 클릭!!!]
PROMO_LINE = re.compile(
    r"^\s*\[[^\]]*(?:클릭|구독|제보)[^\]]*\]\s*$"
    r"|^.{0,40}(?:카카오톡?\s*채널|채널\s*추가|친구\s*추가|구독하기|뉴스레터|받아보기"
    r"|제보하기|(?:기사\s*)?제보\s*[:：]|무엇이든\s*물어보세요)",
)
# a line marked with an arrow (▶ …) is a promo line when it talks of these
PROMO_MARK = re.compile(r"^\s*[▶▷►☞→※]")
PROMO_WORDS = re.compile(
    r"카카오|채널|구독|제보|뉴스레터|받아보기|바로가기|클릭|팔로우|친구\s*추가|다운로드|"
    r"기사\s*보기|관련\s*기사|이메일|페이스북|유튜브|인스타그램|텔레그램"
)
# how to ask for a correction, a corrections box's bare heading (a notice that
# says what was corrected is the article's, and kept), and the site's own
# notes (its ombudsman, its registration)
NOTICE_LINE = re.compile(
    r"(?:반론|정정|추후\s*보도).{0,30}(?:청구|신청|요청)(?:하실|하시려면|하시는)"
    r"|^\s*[\[<(]?\s*(?:바로잡습니다|정정\s*보도문?)\s*[\]>)]?\s*$"
    r"|^\s*(?:고충처리인|청소년보호책임자|기사배열책임자|등록번호|발행인|편집인)\s*[:：]"
)
# lines a site puts under every post: a satisfaction survey, the 공공누리
# licence, a broadcaster's tip-off block and its contact lines
_NOTICE_PHRASES = (
    r"만족도를?\s*평가|만족하십니까|페이지\s*개선에\s*도움|의견을\s*수렴하여"
    r"|공공누리\s*제?\s*\d\s*유형|공공누리.{0,40}조건에\s*따라|제보가\s*뉴스가\s*됩니다"
)
_CONTACT_MARK = r"[\[(](?:전화|메일|이메일|카카오톡|팩스)[\])]"
SITE_NOTICE = re.compile(rf"{_NOTICE_PHRASES}|^\s*{_CONTACT_MARK}\s*\S+$")
# what a text SITE_NOTICE finds holds, wherever it stands in a longer text:
# a page whose whole text holds none of it has no line SITE_NOTICE finds
SITE_NOTICE_HINT = re.compile(rf"{_NOTICE_PHRASES}|{_CONTACT_MARK}")
# what the page's buttons say once pressed: 기사 URL이 복사되었습니다.
BUTTON_MESSAGE = re.compile(r"(?:URL|주소|링크)(?:이|가)?\s*복사되었습니다|클립보드에\s*복사")
# 뉴스 > 경제 > 기업·CEO
BREADCRUMB = re.compile(r"^[^>›»]{1,12}(?:\s*[>›»]\s*[^>›»]{1,12}){2,5}$")

# a board's label row over or under a post: 담당부서 : 일자리경제과 / 제목 | ... / 조회수 12
# / 작성자홍길동 (a table's cells read as one line)
LABEL = (
    r"(?:제목|작성자|글쓴이|담당부서|등록부서|부서명|담당자|연락처|전화번호|전화|조회수|조회"
    r"|첨부파일|첨부|작성일자|작성일|등록일자|등록일|게시일|날짜)"
)
LABEL_ROW = re.compile(rf"^{LABEL}\s*[:：|]?\s*\S")
# a label alone on its line (a <dt> or <th>), its value on the next
LABEL_ALONE = re.compile(rf"^{LABEL}\s*[:：]?$")
# the label of a board's body cell (its value is the article): 내용 / 내용 | ...
BODY_LABEL = re.compile(r"^(?:내용|본문|상세\s*내용)\s*(?:[:：]?$|\|\s*)")
# a 작성자 / 글쓴이 / 기자 row naming a person (a department, 일자리경제과, names none)
WRITER_ROW = re.compile(rf"(?:작성자|글쓴이|기자명)\s*[:：|]?\s*(?P<names>{NAMES})(?![가-힣])")
DEPARTMENT = re.compile(r"(?:과|팀|실|국|담당관|센터|사업소|본부|부|처|청|단|위원회)$")

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
