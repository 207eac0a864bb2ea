"""Deterministic Korean regional-policy news: the `Article` record and its text generator.

Every sentence and every title a `Newsroom` writes is new: it keeps the sets of
everything written so far and rolls again on a repeat, so no two articles of a
portal share a sentence.
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

SEOUL = ZoneInfo("Asia/Seoul")
BASE_TIME = datetime(2024, 3, 29, 18, 0, tzinfo=SEOUL)
_TRIES = 60


@dataclass(frozen=True)
class Article:
    """One published article, as an archive should keep it."""

    site: str
    path: str
    title: str
    author: str
    published: datetime
    paragraphs: tuple[str, ...]
    notice: bool = False


@dataclass(frozen=True)
class Story:
    """An article's text before a site gives it a number and a URL."""

    title: str
    author: str
    paragraphs: tuple[str, ...]
    slug: str


def _pool(text: str) -> tuple[str, ...]:
    """One entry a line; a backslash-newline continues a line (extra spaces collapse)."""
    return tuple(" ".join(line.split()) for line in text.splitlines() if line.strip())


# --- Korean particles -------------------------------------------------------

_PARTICLES = {"은": "는", "이": "가", "을": "를", "과": "와", "으로": "로"}
_DIGIT_FINAL = {"0": 1, "1": 8, "2": 0, "3": 16, "4": 0, "5": 0, "6": 1, "7": 8, "8": 8, "9": 0}


def _final(word: str) -> int:
    """Index of the final consonant (batchim) of the word's last syllable; 0 if none."""
    last = word.rstrip(" )\"'")[-1:]
    if "가" <= last <= "힣":
        return (ord(last) - 0xAC00) % 28
    return _DIGIT_FINAL.get(last, 0)


def josa(word: str, particle: str) -> str:
    """`particle` is the after-consonant form (은, 이, 을, 과, 으로); returns the right one."""
    final = _final(word)
    if particle == "으로":
        return "로" if final in (0, 8) else "으로"
    return particle if final else _PARTICLES[particle]


class _Word(str):
    """A template value; the format spec `{x:은}` appends the right particle."""

    __slots__ = ()

    def __format__(self, spec: str) -> str:
        return str(self) + josa(self, spec) if spec else str(self)


# --- Pools ------------------------------------------------------------------


@dataclass(frozen=True)
class _Region:
    province: str
    short: str
    roman: str
    phone: str
    cities: tuple[tuple[str, str], ...]


_REGIONS: dict[str, tuple[_Region, ...]] = {
    "gnuboard": (
        _Region(
            "경상북도",
            "경북",
            "gyeongbuk",
            "054",
            (
                ("경산시", "gyeongsan"),
                ("영천시", "yeongcheon"),
                ("청도군", "cheongdo"),
                ("경주시", "gyeongju"),
                ("포항시", "pohang"),
                ("안동시", "andong"),
                ("구미시", "gumi"),
                ("김천시", "gimcheon"),
                ("상주시", "sangju"),
                ("문경시", "mungyeong"),
                ("영주시", "yeongju"),
                ("칠곡군", "chilgok"),
                ("성주군", "seongju"),
                ("고령군", "goryeong"),
                ("의성군", "uiseong"),
                ("예천군", "yecheon"),
            ),
        ),
    ),
    "newscms": (
        _Region(
            "충청남도",
            "충남",
            "chungnam",
            "041",
            (
                ("천안시", "cheonan"),
                ("아산시", "asan"),
                ("공주시", "gongju"),
                ("논산시", "nonsan"),
                ("보령시", "boryeong"),
                ("서산시", "seosan"),
                ("당진시", "dangjin"),
                ("홍성군", "hongseong"),
                ("예산군", "yesan"),
            ),
        ),
        _Region(
            "충청북도",
            "충북",
            "chungbuk",
            "043",
            (
                ("청주시", "cheongju"),
                ("충주시", "chungju"),
                ("제천시", "jecheon"),
                ("옥천군", "okcheon"),
                ("음성군", "eumseong"),
                ("진천군", "jincheon"),
            ),
        ),
    ),
    "generic": (
        _Region(
            "전북특별자치도",
            "전북",
            "jeonbuk",
            "063",
            (
                ("전주시", "jeonju"),
                ("군산시", "gunsan"),
                ("익산시", "iksan"),
                ("남원시", "namwon"),
                ("완주군", "wanju"),
            ),
        ),
        _Region(
            "전라남도",
            "전남",
            "jeonnam",
            "061",
            (
                ("순천시", "suncheon"),
                ("여수시", "yeosu"),
                ("목포시", "mokpo"),
                ("나주시", "naju"),
                ("담양군", "damyang"),
            ),
        ),
        _Region(
            "강원특별자치도",
            "강원",
            "gangwon",
            "033",
            (
                ("춘천시", "chuncheon"),
                ("원주시", "wonju"),
                ("강릉시", "gangneung"),
                ("속초시", "sokcho"),
            ),
        ),
        _Region(
            "경상남도",
            "경남",
            "gyeongnam",
            "055",
            (
                ("창원시", "changwon"),
                ("진주시", "jinju"),
                ("김해시", "gimhae"),
                ("통영시", "tongyeong"),
                ("거창군", "geochang"),
            ),
        ),
    ),
}
# the regions of a generated-skin site (sample_portal.skins): all of them
_ALL_REGIONS = tuple(region for regions in _REGIONS.values() for region in regions)

_SURNAMES = "김이박최정강조윤장임한오서신권황안송류전홍고문양손배백허남심노하곽성차주우구민진나"
_GIVEN = "민서준영지현우진호성수경희철인교정비태윤재석혜은선미숙동훈상욱종한결솔연주하늘보람기용"

_VILLAGES = (
    "중앙동",
    "하양읍",
    "진량읍",
    "압량읍",
    "자인면",
    "남산면",
    "용성면",
    "서부동",
    "동부동",
    "북부동",
    "남부동",
    "신기동",
    "옥곡동",
    "와촌면",
    "산내면",
    "금호읍",
    "고경면",
    "화산면",
    "대창면",
    "북안면",
    "임고면",
    "청통면",
)
_PARTNERS = _pool("""
    지역 국립대학교
    한국전자통신연구원
    한국산업단지공단
    한국토지주택공사
    지역 상공회의소
    한국농어촌공사
    한국관광공사
    국민건강보험공단
    지역 신용보증재단
    테크노파크
    창조경제혁신센터
    지역 사회복지협의회
    한국교통안전공단
    지역 소상공인연합회
""")
_FIELDS = _pool("""
    인공지능
    빅데이터
    사물인터넷
    드론
    자율주행
    바이오헬스
    친환경 에너지
    로봇
    반도체 부품
    스마트농업
    이차전지
    디지털 콘텐츠
""")
_AWARDS = _pool("""
    대한민국 지방자치 경영대전
    지방자치단체 혁신평가
    국민행복 정책대상
    전국 지자체 일자리대상
    대한민국 지역혁신 박람회
    정부합동평가
    지방규제혁신 경진대회
""")
_RANKS = ("대상", "최우수상", "우수상", "장려상", "국무총리상", "행정안전부 장관상")
_SAID = ("말했다", "강조했다", "밝혔다", "덧붙였다")
_PERFORMERS = _pool("""
    지역 출신 가수
    시립합창단
    국악관현악단
    청소년 댄스팀
    퓨전 국악 밴드
    트로트 가수
""")
_CROPS = ("딸기", "토마토", "파프리카", "사과", "복숭아", "포도", "대추", "오이", "멜론")
_SCHOOLS = ("초등학교", "중학교", "고등학교")

_HEAD_QUOTES = _pool("""
    시민이 체감할 수 있는 변화를 만들어 내겠다
    {beneficiary}의 목소리에 귀 기울이며 꼼꼼히 챙기겠다
    {prog:이} 지역 발전의 새로운 전환점이 되도록 하겠다
    작은 불편도 놓치지 않고 현장에서 답을 찾겠다
    관계기관과 힘을 모아 반드시 성과를 내겠다
    {goal_year}년까지 계획한 목표를 차질 없이 달성하겠다
    주민과 함께 만드는 정책으로 신뢰를 쌓아 가겠다
    지역의 미래 경쟁력을 높이는 데 모든 역량을 쏟겠다
    예산이 꼭 필요한 곳에 쓰이도록 끝까지 살피겠다
    {field} 분야에서 지역이 앞서 나갈 수 있도록 지원을 아끼지 않겠다
    현장의 의견을 정책에 빠짐없이 반영하겠다
    {beneficiary}에게 실질적인 도움이 되도록 제도를 다듬겠다
    누구도 소외되지 않는 행정을 펼치겠다
    일회성 행사가 아니라 지속 가능한 사업으로 키우겠다
""")
_STAFF_QUOTES = _pool("""
    주민 의견을 충분히 반영해 사업을 추진하겠다
    신청 기간 안에 빠짐없이 접수해 주기 바란다
    {month}월 중 세부 계획을 확정해 공개할 예정이다
    참여자 만족도를 높일 수 있도록 프로그램을 보완하겠다
    안전 관리에 각별히 신경 쓰겠다
    {beneficiary}의 부담을 덜 수 있도록 지원 기준을 완화했다
    관계기관과 정기적으로 협의해 문제점을 개선하겠다
    성과 분석을 거쳐 내년 사업에 반영하겠다
""")

_LEADS = _pool("""
    {issuer:은} {pubday}일 {prog:을} 본격 추진한다고 밝혔다.
    {issuer:이} 올해 {prog}에 총 {money}의 예산을 투입한다.
    {issuer:은} {pubday}일 {venue}에서 {prog} 추진 보고회를 열고 \
        세부 실행계획을 확정했다.
    {issuer:이} 추진하는 {prog:이} {goal_year}년까지 단계적으로 확대된다.
    {issuer:은} {prog} 참여자 {people:을} {month}월 {day}일까지 모집한다고 {pubday}일 밝혔다.
    {issuer:은} {prog:이} 정부 공모사업에 최종 선정돼 국비 {money:을} 확보했다고 \
        {pubday}일 밝혔다.
    {head:은} {pubday}일 {venue}에서 열린 {prog} 설명회에 참석해 주민들과 의견을 나눴다.
    {issuer:이} 지역 현안 해결을 위한 {prog:을} {month}월부터 시행한다.
    {issuer:은} {prog}의 추진 성과를 점검하고 중점 과제 {n}건을 새로 선정했다고 \
        {pubday}일 밝혔다.
""")

_TITLES = _pool("""
    {issuer}, {prog} 본격 추진
    {issuer}, {prog}에 {money} 투입
    {issuer} {prog} 참여자 {people} 모집
    {head}, {prog} 현장 점검 나서
    {issuer}, {prog} 공모 선정…국비 {money} 확보
    {issuer} {prog}, 목표 대비 {pct} 달성
    {issuer}, {goal_year}년까지 {prog} 단계적 확대
    {issuer}, {beneficiary} 위한 {prog} {month}월 시행
    {issuer} '{prog}' 보고회…중점 과제 {n}건 선정
""")

_GENERIC = _pool("""
    이번 사업은 {funding} 규모로 진행된다.
    {org:은} 지난해 {prog:을} 통해 {beneficiary} {people}에게 혜택을 제공한 바 있다.
    사업 대상지는 {village:과} {village2} 일원으로, {month}월 착공해 {goal_year}년 말 \
        준공을 목표로 하고 있다.
    신청은 {month}월 {day}일부터 {day2}일까지 주소지 읍·면·동 행정복지센터나 \
        {org} 누리집에서 하면 된다.
    문의는 {issuer} {dept}(☎{phone})에서 받는다.
    한편 {issuer:은} 지난 {past_year}년 {award}에서 {rank:을} 수상한 바 있다.
    올해 예산은 전년보다 {pct} 늘어난 {money:으로} 편성됐다.
    {org:은} 이를 위해 {partner:과} 업무협약을 체결하고 {field2} 분야 협력체계를 \
        구축하기로 했다.
    {month}월 말 기준 참여자는 {people:으로} 목표 대비 {pct:을} 달성했다.
    시범 운영 기간 이용자 만족도 조사에서는 100점 만점에 {score}점을 기록했다.
    {org:은} 사업 효과를 높이기 위해 전문가 {n}명으로 구성된 자문단을 {month}월부터 운영한다.
    {dept:은} {month}월 중 {village} 일대에서 현장 설명회를 {n}차례 열어 주민 의견을 \
        수렴할 예정이다.
    이와 함께 {org:은} {goal_year}년까지 {field} 관련 기업 {count:을} 유치한다는 계획도 내놨다.
    지난 {month}월 실시한 주민 설문조사에서는 응답자의 {pct:이} 사업 확대에 찬성했다.
    {issuer} 관내 {beneficiary} 수는 {people:으로}, 최근 {n}년 사이 {pct} 증가했다.
    {org:은} 또 {partner:과} 함께 {hours}시간 과정의 전문 교육 프로그램을 {n}기에 걸쳐 운영한다.
    사업비 가운데 {money:은} {facility} 조성에, 나머지는 운영비와 홍보비로 쓰인다.
    앞서 {org:은} 지난 {month}월 {day}일 관련 조례를 개정해 사업 추진의 근거를 마련했다.
    {council:은} {month}월 임시회에서 관련 예산 {money:을} 원안대로 의결했다.
    {org:은} 분기마다 추진 실적을 점검해 성과가 낮은 세부 과제 {n}건을 조정하기로 했다.
    참여 기관은 {partner}, {partner2} 등 모두 {n2}곳이다.
    {issuer:은} 이번 사업으로 연간 {money} 상당의 경제적 파급 효과와 {people}의 고용 유발 \
        효과를 기대하고 있다.
    현재 {village}에서는 {units} 규모의 시범사업이 진행 중이다.
    {month}월부터는 {beneficiary:을} 대상으로 한 찾아가는 설명회도 {n}회 열린다.
    {org:은} 국비 추가 확보를 위해 {goal_year}년도 정부 예산안에 {money:을} 반영해 달라고 \
        건의했다.
    전체 발주 물량의 {pct:은} 지역 업체에 우선 배정해 지역경제 활성화에도 힘을 보탤 계획이다.
    {partner} 관계자는 "{issuer:과} 긴밀히 협력해 {field} 분야에서 가시적인 성과를 \
        내겠다"고 말했다.
    {issuer} {dept} 관계자는 "{staff_quote}"고 설명했다.
    {head:은} 이날 "{head_quote}"며 "{head_quote2}"고 {said}.
    {org:은} 사업 대상자 {people} 가운데 {pct:을} {beneficiary}에게 우선 배정할 방침이다.
    {dept:은} {month}월까지 {village} 등 {n2}개 읍·면·동을 돌며 수요 조사를 마칠 계획이다.
""")


@dataclass(frozen=True)
class _Topic:
    slug: str
    depts: tuple[str, ...]
    programmes: tuple[str, ...]
    beneficiaries: tuple[str, ...]
    facilities: tuple[str, ...]
    sentences: tuple[str, ...]
    education: bool = False


_TOPICS: tuple[_Topic, ...] = (
    _Topic(
        "industry4",
        ("미래전략과", "신산업정책과", "스마트도시과"),
        _pool("""
            4차 산업혁명 대응 전략
            스마트 제조혁신 지원사업
            AI 융합 인재양성 사업
            디지털 전환 선도도시 조성사업
            스마트시티 챌린지 사업
            드론 실증도시 구축사업
            빅데이터 플랫폼 구축사업
        """),
        ("중소기업", "청년 창업가", "제조업체 근로자", "대학생"),
        ("디지털혁신센터", "AI 데이터센터", "스마트제조 실증센터", "드론 통합관제센터"),
        _pool("""
            지역 중소기업 {count:이} 스마트공장 구축 지원을 받아 생산성이 평균 {pct} 향상됐다.
            {org:은} {field}·{field2} 등 {n}개 분야를 4차 산업혁명 선도 산업으로 지정했다.
            {village}에 들어설 {facility}에는 {goal_year}년까지 {money:이} 투입된다.
            올해 {field} 분야 창업기업 {count:이} 새로 입주해 {people}의 일자리가 생겼다.
            {org:은} 지역 대학과 함께 {field} 전문인력 {people:을} 양성하는 계약학과도 개설한다.
            공공 데이터 {big}종을 개방해 민간 서비스 개발에 활용할 수 있도록 할 방침이다.
        """),
    ),
    _Topic(
        "jobs",
        ("일자리경제과", "경제정책과", "청년정책과"),
        _pool("""
            청년 일자리 창출 사업
            신중년 경력형 일자리 사업
            지역주도형 청년일자리 사업
            중장년 재취업 지원사업
            사회적경제 일자리 지원사업
            공공근로사업
        """),
        ("청년", "구직자", "경력단절여성", "신중년"),
        ("일자리종합지원센터", "청년창업지원센터", "직업훈련센터"),
        _pool("""
            이 사업으로 {beneficiary} {people:이} 지역 기업에 취업할 것으로 예상된다.
            참여자에게는 월 최대 {wage}만원의 인건비와 {hours}시간의 직무교육이 지원된다.
            지난해에는 참여자 {people} 가운데 {pct:이} 정규직으로 전환됐다.
            {org:은} {month}월 {day}일 {venue}에서 기업 {count:이} 참여하는 일자리 박람회를 연다.
            관내 고용률은 지난해 {pct:으로} 전년보다 {pp}%포인트 올랐다.
            {org:은} 구인난을 겪는 중소기업 {count:과} 구직자를 잇는 매칭 플랫폼도 운영한다.
        """),
    ),
    _Topic(
        "welfare",
        ("복지정책과", "노인장애인과", "여성가족과"),
        _pool("""
            찾아가는 복지상담소 운영
            홀몸 어르신 안부확인 서비스
            저소득층 긴급 생계비 지원
            경로당 냉난방비 지원사업
            다함께 돌봄센터 확충사업
            장애인 일자리 지원사업
        """),
        ("어르신", "저소득 가구", "장애인", "한부모가족"),
        ("통합돌봄센터", "노인복지관", "장애인복지관", "가족센터"),
        _pool("""
            {org:은} 관내 홀몸 어르신 {people} 가운데 {pct:을} 집중 관리 대상으로 분류했다.
            복지 사각지대 발굴을 위해 통장과 이장 등 {people:으로} 구성된 명예 \
                사회복지공무원단이 활동한다.
            긴급 지원 대상이 되면 {hh}인 가구 기준 월 최대 {wage}만원의 생계비를 받을 수 있다.
            {org:은} 올해 경로당 {count}에 냉난방비 {money:을} 지원한다.
            돌봄 서비스 이용자는 지난해 {people}에서 올해 {people2:으로} 늘었다.
            {village} 행정복지센터에는 {month}월부터 전담 상담 인력 {n}명이 배치된다.
        """),
    ),
    _Topic(
        "traffic",
        ("교통행정과", "도로과", "대중교통과"),
        _pool("""
            시내버스 노선 개편
            수요응답형 버스 도입
            어린이 보호구역 정비사업
            공영주차장 확충사업
            스마트 교차로 구축사업
            교통 취약지역 행복택시 운행
        """),
        ("통학생", "어르신", "출퇴근 직장인", "농촌 주민"),
        ("환승센터", "공영주차장", "교통정보센터"),
        _pool("""
            총 {km} 구간 정비가 끝나면 출퇴근 시간대 통행 시간이 평균 {minutes}분가량 \
                줄어들 것으로 보인다.
            {org:은} 시내버스 {n2}개 노선의 배차 간격을 {minutes}분에서 {minutes2}분으로 줄인다.
            수요응답형 버스는 {village} 등 교통 취약지역 {n}개 마을을 오가며 하루 {big}명가량이 \
                이용하고 있다.
            어린이 보호구역 {count}에는 과속 단속 카메라와 노란 신호등이 추가로 설치된다.
            공영주차장 {n}곳이 새로 조성되면 주차면 {big}면이 추가로 확보된다.
            지난해 관내 교통사고 사망자는 {n}명으로 전년보다 {pct} 감소했다.
        """),
    ),
    _Topic(
        "festival",
        ("문화관광과", "관광진흥과", "축제추진단"),
        _pool("""
            {place} 봄꽃축제
            {place} 전통시장 야시장
            {place} 문화유산 야행
            {place} 청년 버스킹 페스티벌
            {place} 먹거리 한마당
            {place} 국제 농특산물 대축제
        """),
        ("관광객", "지역 상인", "가족 단위 방문객", "청년 예술인"),
        ("야외 공연장", "관광안내센터", "체류형 관광단지"),
        _pool("""
            올해 축제는 {month}월 {day}일부터 {n}일간 {venue} 일원에서 열린다.
            지난해 축제에는 {people:이} 다녀가 {money}의 지역경제 파급 효과를 낸 것으로 집계됐다.
            개막 첫날 오후 {hour}시에는 {performer}의 축하 공연과 {n}분간의 불꽃놀이가 펼쳐진다.
            먹거리 장터에는 지역 농가와 소상공인 {count:이} 참여해 특산물을 판매한다.
            {org:은} 관람객 안전을 위해 안전요원 {people:을} 배치하고 임시 주차장 {n}곳을 운영한다.
            축제 기간 {village}에서 행사장까지 {minutes}분 간격으로 셔틀버스가 무료로 운행된다.
        """),
    ),
    _Topic(
        "education",
        ("초등교육과", "중등교육과", "교육혁신과", "학생생활과"),
        _pool("""
            기초학력 보장 프로그램
            늘봄학교 운영
            디지털 교과서 시범학교 운영
            작은학교 살리기 사업
            학교 공간혁신 사업
            AI 디지털 교육 선도학교
        """),
        ("학생", "학부모", "교원", "다문화 학생"),
        ("미래교육원", "학생교육문화회관", "진로체험센터"),
        _pool("""
            올해 {prog}에는 관내 초·중·고교 {schools:이} 참여한다.
            {org:은} 학생 {people:을} 대상으로 학습 진단을 실시해 기초학력 미달 비율을 {pct}까지 \
                낮췄다.
            교원 연수는 {month}월과 {month2}월 두 차례에 걸쳐 {hours}시간 과정으로 운영된다.
            작은학교 {schools}에는 학교당 최대 {small_money}의 특색 교육 프로그램 운영비가 \
                지원된다.
            {school:은} {goal_year}년 신축 이전을 앞두고 학생 {people:을} 새로 받을 예정이다.
            늘봄학교 참여 학생은 지난해보다 {pct} 늘어난 {people:으로} 집계됐다.
        """),
        education=True,
    ),
    _Topic(
        "environment",
        ("기후환경과", "자원순환과", "공원녹지과"),
        _pool("""
            탄소중립 실천 사업
            미세먼지 저감 대책
            하천 생태복원 사업
            재활용 선별장 현대화 사업
            도시숲 조성사업
        """),
        ("주민", "운수업체", "영세 사업장", "농가"),
        ("자원순환센터", "생태학습관", "수질정화 습지"),
        _pool("""
            {org:은} {goal_year}년까지 온실가스 배출량을 {past_year}년 대비 {pct} 감축한다는 \
                목표를 세웠다.
            도심 하천 {km} 구간에는 생태탐방로와 수질 정화 습지가 조성된다.
            올해 친환경 자동차 구매 보조금은 전기차 {big}대, 수소차 {n}대 분량이 배정됐다.
            미세먼지 저감을 위해 노후 경유차 {big}대의 조기 폐차를 지원한다.
            {village} 일대 {area}㎡ 부지에는 {money:을} 들여 도시숲이 조성된다.
            재활용품 선별률은 시설 현대화 이후 {pct}에서 {pct2:으로} 높아졌다.
        """),
    ),
    _Topic(
        "agriculture",
        ("농업정책과", "농업기술센터", "유통지원과"),
        _pool("""
            스마트팜 혁신밸리 조성
            청년농업인 영농정착 지원
            농산물 공동브랜드 육성
            로컬푸드 직매장 확대
            농촌 일손돕기 사업
        """),
        ("청년농업인", "귀농인", "소규모 농가", "작목반"),
        ("스마트팜 단지", "농산물 산지유통센터", "로컬푸드 직매장"),
        _pool("""
            {area}㎡ 규모의 스마트팜 단지에는 청년농업인 {n}명이 입주해 {crop:과} {crop2} 등을 \
                재배하고 있다.
            {org:은} 청년농업인에게 최장 {n}년간 월 최대 {wage}만원의 영농정착 지원금을 지급한다.
            로컬푸드 직매장 매출은 지난해 {money:으로} 전년보다 {pct} 늘었다.
            농번기 일손 부족을 덜기 위해 외국인 계절근로자 {people:을} 도입한다.
            {crop} 재배 농가 {count}에는 {money} 규모의 시설 현대화 자금이 지원된다.
            공동브랜드 인증을 받은 농산물은 {n}개 품목 {big}t에 이른다.
        """),
    ),
    _Topic(
        "housing",
        ("도시재생과", "건축과", "주택정책과"),
        _pool("""
            도시재생 뉴딜사업
            빈집 정비사업
            청년 임대주택 공급사업
            노후 공동주택 지원사업
        """),
        ("청년", "신혼부부", "원도심 주민", "무주택 가구"),
        ("주민공동이용시설", "청년 임대주택", "마을 커뮤니티센터"),
        _pool("""
            {village} 일원 {area}㎡에서 진행되는 도시재생 사업에는 {money:이} 투입된다.
            방치된 빈집 {big}채를 정비해 주차장과 쉼터, 텃밭 등으로 활용한다.
            청년 임대주택 {units:은} 시세의 {rent_pct} 수준 임대료로 최장 {n}년간 거주할 수 있다.
            노후 공동주택 {count}에는 단지당 최대 {small_money}의 보수 비용이 지원된다.
            {org:은} {goal_year}년까지 공공주택 {units:을} 추가로 공급할 계획이다.
        """),
    ),
    _Topic(
        "safety",
        ("안전총괄과", "재난안전과", "시민안전과"),
        _pool("""
            여름철 자연재난 대비 종합대책
            생활안전 취약지역 정비
            CCTV 통합관제센터 고도화
            겨울철 제설 대책
        """),
        ("어린이", "어르신", "야간 보행자", "1인 가구"),
        ("통합관제센터", "재난안전상황실", "안전체험관"),
        _pool("""
            {org:은} 여름철 재난에 대비해 배수펌프장 {n}곳과 급경사지 {count:을} 일제 점검했다.
            통합관제센터는 관내 방범용 카메라 {cameras}대를 24시간 지켜보고 있다.
            제설 대책 기간 제설제 {big}t과 제설 장비 {n}대가 주요 도로에 전진 배치된다.
            생활안전 취약지역 {count}에는 비상벨과 보안등이 새로 설치된다.
            지난해 관내 화재 발생 건수는 {big}건으로 전년보다 {pct} 줄었다.
        """),
    ),
)

_NOTICES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "[공지] {paper} 기사 제보 및 보도자료 접수 안내",
        (
            "{paper}은 독자 여러분의 소중한 제보를 기다립니다.",
            "기사 제보와 보도자료는 대표 이메일이나 전화로 보내 주시면 담당 기자가 확인한 뒤 "
            "연락드립니다. 보내 주신 개인정보는 취재 목적 외에는 사용하지 않습니다.",
        ),
    ),
    (
        "[공지] 홈페이지 회원 약관 및 개인정보처리방침 개정 안내",
        (
            "{paper} 홈페이지 회원 약관과 개인정보처리방침이 일부 개정되었습니다.",
            "개정된 약관은 공지일로부터 7일이 지난 뒤 효력이 발생합니다.",
            "자세한 내용은 홈페이지 하단의 개인정보처리방침을 확인해 주시기 바랍니다.",
        ),
    ),
)


# --- Random fillers ---------------------------------------------------------


def _money(r: random.Random) -> str:
    if r.random() < 0.75:
        return f"{r.randint(2, 980)}억원"
    return f"{r.randint(1, 99)}억 {r.randint(1, 9)}천만원"


def _funding(r: random.Random) -> str:
    state, local = r.randint(3, 400), r.randint(1, 250)
    return f"국비 {state}억원과 지방비 {local}억원 등 총 {state + local}억원"


def _pct(r: random.Random, low: int = 2, high: int = 78) -> str:
    return f"{r.randint(low, high)}.{r.randint(0, 9)}%"


def _other(r: random.Random, pool: tuple[str, ...], taken: str) -> str:
    return r.choice([item for item in pool if item != taken])


def _second_quote(r: random.Random, s: _Slots) -> str:
    while True:
        quote = r.choice(_HEAD_QUOTES).format_map(s)
        if quote != s["head_quote"]:
            return quote


_Filler = Callable[[random.Random, "_Slots"], str]
_FILLERS: dict[str, _Filler] = {
    "money": lambda r, s: _money(r),
    "small_money": lambda r, s: f"{r.randint(5, 99)}00만원",
    "funding": lambda r, s: _funding(r),
    "people": lambda r, s: f"{r.randint(12, 4800):,}명",
    "people2": lambda r, s: f"{int(s['people'][:-1].replace(',', '')) + r.randint(9, 900):,}명",
    "count": lambda r, s: f"{r.randint(3, 180)}곳",
    "schools": lambda r, s: f"{r.randint(3, 140)}개교",
    "units": lambda r, s: f"{r.randint(20, 1500):,}세대",
    "pct": lambda r, s: _pct(r),
    "pct2": lambda r, s: _pct(r, int(float(s["pct"][:-1])) + 2, 99),
    "rent_pct": lambda r, s: f"{r.randint(55, 85)}%",
    "pp": lambda r, s: f"{r.randint(0, 4)}.{r.randint(1, 9)}",
    "month": lambda r, s: str(r.randint(1, 10)),
    "month2": lambda r, s: str(int(s["month"]) + r.randint(1, 2)),
    "day": lambda r, s: str(r.randint(1, 20)),
    "day2": lambda r, s: str(int(s["day"]) + r.randint(3, 8)),
    "hour": lambda r, s: str(r.randint(5, 9)),
    "n": lambda r, s: str(r.randint(2, 15)),
    "n2": lambda r, s: str(r.randint(4, 30)),
    "hh": lambda r, s: str(r.randint(1, 4)),
    "big": lambda r, s: f"{r.randint(30, 9800):,}",
    "cameras": lambda r, s: f"{r.randint(300, 4800):,}",
    "hours": lambda r, s: str(r.randint(8, 120)),
    "minutes": lambda r, s: str(r.randint(12, 40)),
    "minutes2": lambda r, s: str(int(s["minutes"]) - r.randint(3, 10)),
    "km": lambda r, s: f"{r.randint(1, 40)}.{r.randint(0, 9)}km",
    "area": lambda r, s: f"{r.randint(2, 90)},{r.randint(100, 999)}",
    "wage": lambda r, s: str(r.randint(60, 320)),
    "score": lambda r, s: f"{r.randint(70, 98)}.{r.randint(0, 9)}",
    "past_year": lambda r, s: str(int(s["year"]) - r.randint(1, 5)),
    "phone": lambda r, s: f"{s['area_code']}-{r.randint(200, 989)}-{r.randint(1000, 9999)}",
    "village": lambda r, s: r.choice(_VILLAGES),
    "village2": lambda r, s: _other(r, _VILLAGES, s["village"]),
    "school": lambda r, s: s["village"][:-1] + r.choice(_SCHOOLS),
    "partner": lambda r, s: r.choice(_PARTNERS),
    "partner2": lambda r, s: _other(r, _PARTNERS, s["partner"]),
    "field2": lambda r, s: _other(r, _FIELDS, s["field"]),
    "crop": lambda r, s: r.choice(_CROPS),
    "crop2": lambda r, s: _other(r, _CROPS, s["crop"]),
    "award": lambda r, s: r.choice(_AWARDS),
    "rank": lambda r, s: r.choice(_RANKS),
    "said": lambda r, s: r.choice(_SAID),
    "performer": lambda r, s: r.choice(_PERFORMERS),
    "head_quote": lambda r, s: r.choice(_HEAD_QUOTES).format_map(s),
    "head_quote2": lambda r, s: _second_quote(r, s),
    "staff_quote": lambda r, s: r.choice(_STAFF_QUOTES).format_map(s),
}


class _Slots(dict[str, _Word]):
    """Template fields: the article's context, plus fresh random values on first use."""

    def __init__(self, context: dict[str, _Word], rng: random.Random) -> None:
        super().__init__(context)
        self._rng = rng

    def __missing__(self, key: str) -> _Word:
        value = _Word(_FILLERS[key](self._rng, self))
        self[key] = value
        return value


def lead(article: Article, size: int) -> str:
    """The start of an article's text, as list pages and teasers show it."""
    text = " ".join(article.paragraphs)
    return text if len(text) <= size else text[:size].rstrip() + "..."


def noise_rng(article: Article) -> random.Random:
    """An article's own random stream for page noise, stable across renders."""
    return random.Random(f"{article.path}|{article.title}")


def photo_credit(title: str, fallback: str) -> str:
    """Who a photo caption credits: the issuer a headline starts with, else `fallback`."""
    first = title.split(" ")[0].rstrip(",")
    return first if first.endswith(("시", "군", "도", "교육청")) else fallback


def reporter_email(name: str, domain: str) -> str:
    """A stable made-up e-mail address for a reporter (first name of a joint byline)."""
    digest = zlib.crc32(name.split(",")[0].encode())
    letters = "".join(chr(97 + (digest >> (5 * i)) % 26) for i in range(3))
    return f"{letters}{digest % 1000}@{domain}"


# --- The generator -------------------------------------------------------------


def schedule(rng: random.Random, count: int, *, seconds: bool) -> list[datetime]:
    """`count` publication times, newest first, 1-3 a day going back from BASE_TIME."""
    times: list[datetime] = []
    day = BASE_TIME.date()
    while len(times) < count:
        latest = 17 * 60 + 59 if day == BASE_TIME.date() else 21 * 60
        picked = rng.sample(range(7 * 60, latest + 1), min(rng.randint(1, 3), count - len(times)))
        for minute in sorted(picked, reverse=True):
            second = rng.randint(0, 59) if seconds else 0
            times.append(
                datetime(
                    day.year, day.month, day.day, minute // 60, minute % 60, second, tzinfo=SEOUL
                )
            )
        day -= timedelta(days=1)
    return times


class Newsroom:
    """Writes distinct stories for the three sites; deterministic for a seed and call order."""

    def __init__(self, seed: int) -> None:
        self._seed = seed
        self._rngs: dict[str, random.Random] = {}
        self._staff: dict[str, tuple[str, ...]] = {}
        self._heads: dict[str, str] = {}
        self._sentences: set[str] = set()
        self._titles: set[str] = set()

    def rng(self, site: str) -> random.Random:
        """The site's own random stream (stories, schedules)."""
        if site not in self._rngs:
            self._rngs[site] = random.Random(f"{self._seed}/{site}")
        return self._rngs[site]

    def notices(self, paper: str) -> list[Story]:
        """The two pinned notices of a Gnuboard board, oldest first."""
        stories = []
        for title, paragraphs in _NOTICES:
            text = tuple(p.format(paper=paper) for p in paragraphs)
            stories.append(Story(title.format(paper=paper), paper, text, "notice"))
        return stories

    def story(self, site: str, published: datetime) -> Story:
        """A new article for `site` dated `published`."""
        rng = self.rng(site)
        topic = rng.choice(_TOPICS)
        context, slug = self._context(site, topic, published, rng)
        title = self._unique(self._titles, _TITLES, context, rng)
        plan = (
            [rng.randint(1, 3)]
            if rng.random() < 0.05
            else [rng.randint(1, 3) for _ in range(rng.randint(3, 9))]
        )
        sentences = [self._unique(self._sentences, _LEADS, context, rng)]
        pool = list(topic.sentences + _GENERIC)
        rng.shuffle(pool)
        while len(sentences) < sum(plan) and pool:
            sentence = self._attempt(pool.pop(), context, rng)
            if sentence is not None:
                sentences.append(sentence)
        paragraphs = []
        for size in plan:
            chunk, sentences = sentences[:size], sentences[size:]
            if chunk:
                paragraphs.append(" ".join(chunk))
        return Story(title, self._author(site, rng), tuple(paragraphs), slug)

    def _attempt(self, template: str, context: dict[str, _Word], rng: random.Random) -> str | None:
        for _ in range(4):
            sentence = template.format_map(_Slots(context, rng))
            if sentence not in self._sentences:
                self._sentences.add(sentence)
                return sentence
        return None

    def _unique(
        self,
        used: set[str],
        templates: tuple[str, ...],
        context: dict[str, _Word],
        rng: random.Random,
    ) -> str:
        for _ in range(_TRIES):
            text = rng.choice(templates).format_map(_Slots(context, rng))
            if text not in used:
                used.add(text)
                return text
        raise RuntimeError("sample content pool exhausted")

    def _author(self, site: str, rng: random.Random) -> str:
        if site not in self._staff:
            staff_rng = random.Random(f"{self._seed}/{site}/staff")
            names: list[str] = []
            while len(names) < 8:
                name = self._name(staff_rng, staff_rng.random() < 0.85)
                if name not in names:
                    names.append(name)
            self._staff[site] = tuple(names)
        if rng.random() < 0.15:
            return ", ".join(rng.sample(self._staff[site], 2))
        return rng.choice(self._staff[site])

    @staticmethod
    def _name(rng: random.Random, three: bool) -> str:
        given = rng.sample(_GIVEN, 2 if three else 1)
        return rng.choice(_SURNAMES) + "".join(given)

    def _head(self, issuer: str) -> str:
        if issuer not in self._heads:
            self._heads[issuer] = self._name(random.Random(f"{self._seed}/{issuer}"), True)
        return self._heads[issuer]

    def _context(
        self, site: str, topic: _Topic, published: datetime, rng: random.Random
    ) -> tuple[dict[str, _Word], str]:
        region = rng.choice(_REGIONS.get(site) or _ALL_REGIONS)
        city, city_roman = rng.choice(region.cities)
        place = city[:-1]
        if topic.education:
            issuer, org, hall = f"{region.short}교육청", "교육청", f"{region.short}교육청"
            council = f"{region.province}의회"
            head_title, roman = f"{region.short}교육감", region.roman
        elif rng.random() < 0.15:
            issuer, org, hall = region.province, "도", f"{region.short}도청"
            council = f"{region.province}의회"
            head_title, roman = f"{region.short}도지사", region.roman
        else:
            issuer, org, hall, roman = city, city[-1], f"{city}청", city_roman
            council = f"{city}의회"
            head_title = place + ("시장" if org == "시" else "군수")
        field = rng.choice(_FIELDS)
        words = {
            "issuer": issuer,
            "org": org,
            "council": council,
            "head": f"{self._head(issuer)} {head_title}",
            "place": place,
            "venue": rng.choice(
                (
                    f"{hall} 대회의실",
                    f"{place} 문화예술회관",
                    f"{place} 실내체육관",
                    f"{hall} 브리핑룸",
                )
            ),
            "dept": rng.choice(topic.depts),
            "beneficiary": rng.choice(topic.beneficiaries),
            "facility": rng.choice(topic.facilities),
            "field": field,
            "pubday": str(published.day),
            "year": str(published.year),
            "goal_year": str(published.year + rng.randint(1, 6)),
            "area_code": region.phone,
        }
        words["prog"] = rng.choice(topic.programmes).format(place=place)
        return {key: _Word(value) for key, value in words.items()}, f"{roman}-{topic.slug}"
