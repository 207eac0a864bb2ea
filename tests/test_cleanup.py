"""Korean news cleanup: bylines, e-mail and copyright lines, captions, file
names and button text go; article text that merely looks like them stays."""

from __future__ import annotations

import pytest

from pipelines.cleanup import clean, is_noise, reporter_name, strip_bylines


@pytest.mark.parametrize(
    ("paragraph", "kept", "reporters"),
    [
        (
            "[경북신문=서인교, 류희철 기자] 경북도가 선언했다.",
            "경북도가 선언했다.",
            ["서인교", "류희철"],
        ),
        ("[경일신문=황솔숙 기자]", "", ["황솔숙"]),
        ("[추적사건25시 엄대진 대기자]28일 서울중앙지법은", "28일 서울중앙지법은", ["엄대진"]),
        ("[뉴스21일간=임정훈]글로벌 기업이", "글로벌 기업이", ["임정훈"]),
        ("(대구=연합뉴스) 홍길동 기자 = 대구시가 밝혔다.", "대구시가 밝혔다.", ["홍길동"]),
        ("【안동=뉴시스】김철수 기자 = 안동시는", "안동시는", ["김철수"]),
        ("(서울=연합뉴스) 정부가 발표했다.", "정부가 발표했다.", []),
        ("서인교, 류희철 기자 kua348@naver.com", "", ["서인교", "류희철"]),
        ("/홍길동 기자", "", ["홍길동"]),
        ("(홍길동 기자)", "", ["홍길동"]),
        ("홍길동 기자 | 입력 2024.03.29 14:12 | 수정 2024.03.30 09:00", "", ["홍길동"]),
        ("글 황솔숙, 안보욱", "", ["황솔숙", "안보욱"]),
        ("사진=홍길동 기자", "", []),
        ('"힘쓰겠다"고 말했다. /홍길동 기자 hong@x.kr', '"힘쓰겠다"고 말했다.', ["홍길동"]),
        ("시장은 기자회견을 열어 계획을 밝혔다.", "시장은 기자회견을 열어 계획을 밝혔다.", []),
        ("[기획] 지역 소멸 시대의 해법", "[기획] 지역 소멸 시대의 해법", []),
    ],
)
def test_bylines_are_cut_and_name_the_reporters(
    paragraph: str, kept: str, reporters: list[str]
) -> None:
    assert strip_bylines(paragraph) == (kept, reporters)


@pytest.mark.parametrize(
    "paragraph",
    [
        "↑↑ 20일 다짐식이 열렸다. (사진=경북도 제공)",
        "▲ 사진=광주광역시청",
        "▲ 상주곶감유통센터 첫 경매 모습",
        "사진 = 지역정책 리포트",
        "구미시청 전경 (사진=구미시 제공)",
        "b20cc00690b8160f1321287a6367a06a_1638428818_149.jpg",
        "/data/editor/2011/a1b2_1605913680.JPG",
        "저작권자 © 샘플뉴스 무단전재 및 재배포 금지",
        "<저작권자(c) 연합뉴스, 무단 전재-재배포 금지>",
        "ⓒ 경북신문 무단전재 및 재배포 금지",
        "Copyright ⓒ www.kiinews.com. All rights reserved.",
        "kua348@naver.com",
        "이메일: news@example.kr",
        "페이스북 트위터 카카오스토리 URL복사",
        "페이스북 | 트위터 | 카카오스토리 | 밴드",
        "공유하기: X · 페이스북",
        "이전 기사 보기 다음 기사 보기",
        "0",
        "2024년 3월 29일",
        "입력 2020.11.21 08:08 수정 2020.11.21 09:10",
        "▶ 경북일보 카카오톡 채널 추가하고 주요 뉴스 받아보기",
        "▶ 제보하기: 전화 054-000-0000 / 이메일 jebo@example.kr",
        "[경북일보 페이스북에서 무엇이든 물어보세요 클릭!!!]",
        "▷ 관련기사 보기",
        "경북일보의 기사에 대해 반론·정정·추후 보도를 청구하실 분은 아래로 연락주시길 바랍니다.",
        "[바로잡습니다]",
        "고충처리인 : 콘텐츠부장 help@example.kr",
        "기사 URL이 복사되었습니다.",
        "뉴스 > 경제 > 기업·CEO",
        "현재 페이지의 만족도를 평가해 주십시오.",
        "Q. 현재 페이지에서 제공되는 서비스에 대하여 만족하십니까?",
        "보내주신 소중한 의견은 페이지 개선에 도움이 됩니다.",
        "이 게시물은 공공누리 제1유형(출처표시) 조건에 따라 자유롭게 이용이 가능합니다.",
        "※ '당신의 제보가 뉴스가 됩니다'",
        "[전화] 02-000-0000",
        "[메일] tip@example.kr",
        "작성자홍길동",
        "조회수785",
        "등록일자",
    ],
)
def test_portal_furniture_is_noise(paragraph: str) -> None:
    assert is_noise(paragraph)


@pytest.mark.parametrize(
    "paragraph",
    [
        "▲친환경자동차산업 ▲에어가전 및 공기산업 ▲광융합산업",
        "4개 전략은 ▲연결과 융합 ▲ICT융합으로 구성됐다.",
        "○ 시는 6대 중점 산업을 꼽았다.",
        "- 지역혁신협의회 회의에서 최종보고회 가져 -",
        "신청은 이메일(tour@mg.example.kr)로 하면 되며, 회당 선착순 80명이다.",
        "저작권자의 허락 없이 무단 전재하면 처벌받는다.",
        "행사는 2024년 5월 3일부터 5일까지 열린다.",
        "사진 동호회 회원들이 작품 40점을 전시한다.",
        "문의는 교통행정과(054-779-0000)로 하면 된다.",
        "시는 카카오톡 채널로 민원을 받는다.",
        "▶ 시는 카카오톡 채널과 이메일로 제보를 받는다.",
        "피해자는 언론중재위원회에 정정보도를 청구했다.",
        "[바로잡습니다] 3월 29일자 기사의 사업비 3억원은 5억원이기에 바로잡습니다.",
        "정정보도문 본지는 예산을 3억원으로 보도했으나 사실은 5억원입니다.",
        "구독자 수가 1년 만에 두 배로 늘었다.",
        "주민 만족도 조사 결과는 다음 달 발표된다.",
        "시는 공공누리 누리집에 자료를 올렸다.",
    ],
)
def test_article_text_is_kept(paragraph: str) -> None:
    assert not is_noise(paragraph)
    assert strip_bylines(paragraph) == (paragraph, [])


def test_a_body_printed_twice_is_kept_once_in_order() -> None:
    first = "경북도와 구미시가 20일 지역 전자산업의 전환점을 마련하고자 공동선언문을 채택했다."
    second = "내년에 구성되는 산학연 동맹은 홀로그램 등 7개 분야를 중심으로 이뤄진다."
    body = [
        "↑↑ 다짐식 모습 (사진=경북도 제공)",
        f"[경북신문=서인교, 류희철 기자] {first}",
        second,
        "서인교, 류희철 기자 kua348@naver.com",
    ]
    cleaned = clean([*body, *body[1:]], title="다짐식 열려")
    assert cleaned.paragraphs == (first, second)
    assert cleaned.reporters == ("서인교", "류희철")
    assert clean([first, second, "끝.", second]).paragraphs == (first, second, "끝.", second)


def test_short_lines_repeated_in_a_row_stay() -> None:
    plan = ["Pre-Workout Meal", "Eat 60–90 minutes before your workout"]
    assert clean([*plan, *plan]).paragraphs == (*plan, *plan)


def test_the_headline_repeated_in_the_body_goes() -> None:
    cleaned = clean(
        ["경남도, 용역 최종보고회", "경남도는 2일 보고회를 열었다."], "경남도, 용역 최종보고회"
    )
    assert cleaned.paragraphs == ("경남도는 2일 보고회를 열었다.",)


@pytest.mark.parametrize(
    ("field", "name"),
    [
        ("홍길동 기자 abc@x.com", "홍길동"),
        ("기자명 서인교·류희철 기자", "서인교, 류희철"),
        ("서인교,류희철 기자", "서인교, 류희철"),
        ("경일신문", "경일신문"),
        (" 홍길동 기자 (hong@x.kr)", "홍길동"),
        ("기자", None),
        (None, None),
    ],
)
def test_reporter_names(field: str | None, name: str | None) -> None:
    assert reporter_name(field) == name


def test_board_label_rows_are_not_text() -> None:
    from pipelines.cleanup import is_noise

    assert is_noise("담당부서 : 일자리경제과")
    assert is_noise("첨부파일 | 보도자료.hwp (43KB)")
    assert not is_noise("연락처를 남긴 주민에게는 결과를 알려 줄 예정이다.")


def test_a_label_and_its_value_on_two_lines_are_not_text() -> None:
    """A <dt>/<dd> row read line by line: the label and its value both go."""
    lines = [
        "작성자",
        "홍길동",
        "담당부서",
        "일자리경제과",
        "시는 청년 일자리 사업을 늘린다고 밝혔다.",
    ]
    assert clean(lines).paragraphs == ("시는 청년 일자리 사업을 늘린다고 밝혔다.",)
