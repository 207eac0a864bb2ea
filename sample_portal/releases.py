"""Press releases generated in a press office's house style: the office's
stock sentences around facts that differ from one release to the next (city,
programme, sums, dates), each fact worded its own way. No two releases of one
seed are copies: the tests and ``benchmarks/dedup.py`` check that none is
linked as one."""

from __future__ import annotations

import random

# stock sentences of three press offices: what every release of theirs says
HOUSE_STYLES = (
    (
        "참석자들은 그동안의 추진 상황을 점검하고, 현장에서 제기된 애로사항과 개선 방안에 대해"
        " 의견을 나눴다.",
        "시는 주민 참여 예산 확대를 통해 주민이 체감할 수 있는 정책을 꾸준히 발굴해 나갈 계획이다.",
        "이날 보고회에는 관계 부서장과 민간 위원 등 30여 명이 참석했다.",
    ),
    (
        "간담회에서는 사업 추진 과정에서 드러난 문제점과 향후 보완 과제에 대한 논의가 이어졌다.",
        "이번 사업은 지역 균형 발전과 주민 삶의 질 향상을 위한 핵심 과제로 추진되고 있다.",
        "시는 앞으로도 시민의 목소리에 귀 기울이며 현장 중심의 행정을 펼쳐 나갈 방침이다.",
    ),
    (
        "시는 관계 기관과 긴밀히 협력해 사업이 차질 없이 추진될 수 있도록 행정력을 모을 방침이다.",
        "사업 추진 과정에서 시민 불편이 없도록 현장 점검도 꾸준히 이어 가기로 했다.",
        "자세한 내용은 시청 누리집 공지사항이나 담당 부서로 문의하면 된다.",
    ),
)
CITIES = (
    "영천시", "순천시", "김천시", "밀양시", "경산시", "상주시", "논산시", "보령시",
    "아산시", "충주시", "제천시", "여수시", "광양시", "구미시", "안동시", "통영시",
)  # fmt: skip
# programme, what it gives, to whom
PROGRAMMES = (
    ("귀농·귀촌 정착 지원", "주택 수리비와 영농 정착금", "귀농 가구"),
    ("청년 일자리 창출", "인건비", "청년 고용 기업"),
    ("어르신 돌봄 서비스 확대", "안부 확인과 방문 돌봄", "홀로 사는 어르신"),
    ("전통시장 활성화", "아케이드 보수비와 상인 교육", "전통시장"),
    ("소상공인 경영 안정", "임차료와 카드 수수료", "소상공인"),
    ("출산 장려", "출산 축하금과 산후 조리비", "출산 가정"),
    ("노후 주택 에너지 효율 개선", "단열 공사비", "저소득 가구"),
    ("마을 공동체 활성화", "공동체 공간 조성비", "마을 공동체"),
)
_PLACES = ("시청 대회의실", "시청 소회의실", "시민회관", "종합복지관", "시의회 세미나실")
_VERBS = ("말했다", "강조했다", "밝혔다", "전했다")


# each fact in other words from one release to the next: what differs is whole
# sentences, not a name put in another's place
_LEADS = (
    "{city}는 {programme} 사업 추진 보고회를 {place}에서 열었다고 {day}일 밝혔다.",
    "{city}가 올해 {programme} 사업의 첫 점검 회의를 {day}일 {place}에서 가졌다.",
    "{day}일 {place}에서 열린 {city} {programme} 사업 보고회에서 올해 계획이 공개됐다.",
)
_FACTS = (
    "올해 사업에는 모두 {eok}억 {cheon}천만 원이 투입되며, {whom} {count}곳에 {support}을"
    " 지원한다.",
    "{whom} {count}곳이 {support} 지원을 받게 되며, 예산은 {eok}억 {cheon}천만 원이다.",
    "{support}에 드는 {eok}억 {cheon}천만 원은 국비와 시비로 마련해 {whom} {count}곳을 돕는다.",
)
_SCHEDULES = (
    "신청은 {month}월 {until}일까지 {city}청 담당 부서에서 받는다.",
    "{month}월 {until}일 마감인 신청 접수는 읍면동 행정복지센터에서도 할 수 있다.",
)


def house_style_releases(seed: int, count: int) -> list[str]:
    """``count`` releases of one press office (``seed`` picks its house style and
    the facts): each of another city or programme, with its own sums and dates,
    worded its own way around the office's stock sentences."""
    rng = random.Random(seed)
    stock = HOUSE_STYLES[seed % len(HOUSE_STYLES)]
    subjects = rng.sample([(c, p) for c in CITIES for p in PROGRAMMES], count)
    releases = []
    for city, (programme, support, whom) in subjects:
        facts = {
            "city": city, "programme": programme, "support": support, "whom": whom,
            "place": rng.choice(_PLACES), "day": rng.randint(1, 28),
            "month": rng.randint(1, 12), "until": rng.randint(1, 28),
            "eok": rng.randint(1, 30), "cheon": rng.randint(1, 9), "count": rng.randint(12, 400),
        }  # fmt: skip
        quote = f'{city} 관계자는 "{programme} 사업이 현장에 뿌리내리도록 돕겠다"고'
        paragraphs = [
            rng.choice(_LEADS).format(**facts),
            rng.choice(_FACTS).format(**facts),
            stock[2],
            stock[0],
            rng.choice(_SCHEDULES).format(**facts),
            f"{quote} {rng.choice(_VERBS)}.",
            stock[1],
        ]
        releases.append("\n\n".join(paragraphs))
    return releases
