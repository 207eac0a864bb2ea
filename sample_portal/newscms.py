"""Pages of a typical Korean internet-newspaper CMS (등록/수정 stamps, 기사 메일전송 toolbar)."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime, timedelta
from html import escape

from .content import Article, lead, noise_rng, photo_credit, reporter_email

CMS = "newscms"
PAPER = "샘플뉴스"
LIST_PATH = "/news/section_list_all.html?page={page}"
# a user's article_pattern, written against the links as the list pages show them
ARTICLE_PATTERN = r"/news/article\.html\?no=\d+"
_BLOCK = 5
_WEEKDAYS = "월화수목금토일"
_SECTIONS = (("56", "정치"), ("57", "경제"), ("58", "사회"), ("59", "지역"), ("60", "오피니언"))
_SUBTITLES = (
    "올해 {n}개 세부 과제 단계적 추진",
    "{m}월부터 본격 시행…주민 설명회 {n}차례",
    "관계기관 {n}곳과 협업체계 구축",
    "참여자 만족도 {n}0% 이상 목표",
    "{m}월 중간 점검 거쳐 하반기 보완",
)


def article_path(no: int) -> str:
    """Canonical URL path of an article."""
    return f"/news/article.html?no={no}"


def modified_time(article: Article, now: datetime) -> datetime | None:
    """When the article's page says it was last edited (수정), if it says so."""
    return _modified(noise_rng(article), article.published, now)


def _modified(rng: random.Random, when: datetime, now: datetime) -> datetime | None:
    modified = when + timedelta(minutes=rng.randint(10, 2880)) if rng.random() < 0.5 else None
    return None if modified and modified > now else modified


def number(article: Article) -> int:
    """The article number in its path."""
    return int(article.path.rsplit("=", 1)[1])


def _layout(
    *, title: str, meta: str, content: str, popular: Sequence[Article], now: datetime
) -> str:
    sections = "".join(
        f'<li><a href="/news/section_list_all.html?sec_no={no}">{name}</a></li>'
        for no, name in _SECTIONS
    )
    ranked = "\n".join(
        f'<li><em class="num">{i}</em><a href="{a.path}"><span class="tit">{escape(a.title)}'
        f'</span> <span class="lead">{escape(lead(a, 120))}</span></a></li>'
        for i, a in enumerate(popular, 1)
    )
    titles = "\n".join(f'<li><a href="{a.path}">{escape(a.title)}</a></li>' for a in popular[::-1])
    return f"""<!DOCTYPE html>
<html lang="ko">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=1200">
<title>{escape(title)}</title>
{meta}
<link rel="stylesheet" href="/css/common.css?v=20240101">
<script src="/js/jquery.min.js"></script>
</head>
<body>
<div id="skip"><a href="#container">본문 바로가기</a></div>
<div id="header">
    <div class="top_bar">
        <span class="today">{now.year}년 {now.month}월 {now.day}일 {_WEEKDAYS[now.weekday()]}요일\
</span>
        <a href="/m/" class="mobile">모바일 버전 바로가기</a>
        <a href="/member/login.html">로그인</a> <a href="/member/join.html">회원가입</a>
    </div>
    <h1 class="logo"><a href="/"><img src="/image/logo.png" alt="{PAPER}"></a></h1>
    <ul class="gnb"><li><a href="/news/section_list_all.html">전체기사</a></li>{sections}</ul>
</div>
<div id="container">
{content}
    <div class="aside">
        <div class="rank_box">
            <h3>가장 많이 본 뉴스<a href="/news/section_list_all.html?sort=hit" class="more">\
더보기</a></h3>
            <ol class="rank">
{ranked}
            </ol>
        </div>
        <div class="banner">
            <a href="#">사랑더하기</a>
            <a href="#">지역신문발전위원회 우선지원대상사</a>
            <a href="#">인터넷신문윤리위원회</a>
        </div>
    </div>
</div>
<div class="hot_box">
    <h3>많이 본 뉴스<a href="/news/section_list_all.html?sort=hit" class="more">더보기</a></h3>
    <ul>
{titles}
    </ul>
</div>
<div id="footer">
    <ul class="foot_menu">
        <li><a href="/company/intro.html">회사소개</a></li>
        <li><a href="/company/ad.html">광고문의</a></li>
        <li><a href="/company/report.html">기사제보</a></li>
        <li><a href="/company/privacy.html">개인정보처리방침</a></li>
        <li><a href="/company/youth.html">청소년보호정책</a></li>
        <li><a href="/company/email.html">이메일무단수집거부</a></li>
    </ul>
    <address>제호 : {PAPER} · 등록번호 : 대전 아00123 · 등록일 : 2010-05-12 · \
발행·편집인 : 홍발행 · 주소 : 대전광역시 서구 둔산로 100 · 대표전화 : 042-123-4567 · \
청소년보호책임자 : 김보호</address>
    <p class="copyright">Copyright ⓒ {PAPER} All rights reserved.</p>
</div>
</body>
</html>
"""


def _paging(page: int, total_pages: int) -> str:
    start = (page - 1) // _BLOCK * _BLOCK + 1
    end = min(start + _BLOCK - 1, total_pages)
    parts = []
    if start > 1:
        parts.append(f'<a class="prev" href="?page={start - 1}">이전</a>')
    for k in range(start, end + 1):
        parts.append(f"<strong>{k}</strong>" if k == page else f'<a href="?page={k}">{k}</a>')
    if end < total_pages:
        parts.append(f'<a class="next" href="?page={end + 1}">다음</a>')
    return '<div class="paging">' + " ".join(parts) + "</div>"


def list_page(
    *,
    page: int,
    rows: Sequence[Article],
    total_pages: int,
    popular: Sequence[Article],
    now: datetime,
) -> str:
    """`/news/section_list_all.html?page=N`: every section's articles, newest first."""
    items = "\n".join(
        f"""<li>
    <a href="{a.path}"><h2 class="titles">{escape(a.title)}</h2>
    <p class="lead">{escape(lead(a, 80))}</p></a>
    <ul class="art_info"><li class="name">{escape(a.author)} 기자</li>\
<li class="date">{a.published:%Y-%m-%d %H:%M}</li></ul>
</li>"""
        for a in rows
    )
    tail = _paging(page, total_pages) if rows else '<p class="no_data">등록된 기사가 없습니다.</p>'
    content = f"""<div class="list_wrap">
    <h2 class="sec_title">전체기사</h2>
    <ul class="art_list_all">{items}</ul>
    {tail}
</div>"""
    return _layout(title=f"전체기사 - {PAPER}", meta="", content=content, popular=popular, now=now)


def _body(article: Article, rng: random.Random) -> str:
    parts = [f"<p>{escape(p)}</p>" for p in article.paragraphs]
    when = article.published
    if rng.random() < 0.4:
        src = f"/news/photo/{when:%Y%m}/{number(article)}_{rng.randint(100, 9999)}_{when:%H%M}.jpg"
        source = photo_credit(article.title, PAPER)
        parts.insert(
            min(1, len(parts)),
            f"""<figure class="photo-layout image">
<img src="{src}" alt="{escape(article.title)}">
<figcaption>▲ 사진={escape(source)} 제공</figcaption>
</figure>""",
        )
    if rng.random() < 0.2:
        cells = "\n".join(
            f"<tr><td>{label}</td><td>{rng.randint(3, 90)}{unit}</td>"
            f"<td>{rng.randint(3, 90)}{unit}</td></tr>"
            for label, unit in (("예산", "억원"), ("참여 인원", "0명"), ("참여 기관", "곳"))
        )
        parts.insert(
            min(2, len(parts)),
            f"""<table class="table_layout">
<caption>연도별 추진 현황</caption>
<thead><tr><th>구분</th><th>{when.year - 1}년</th><th>{when.year}년</th></tr></thead>
<tbody>
{cells}
</tbody>
</table>""",
        )
    if rng.random() < 0.4:
        email = reporter_email(article.author, "samplenews.kr")
        parts.append(f"<p>{escape(article.author)} 기자 {email}</p>")
    return "\n".join(parts)


def article_page(
    *,
    article: Article,
    newer: Article | None,
    older: Article | None,
    popular: Sequence[Article],
    now: datetime,
) -> str:
    """`/news/article.html?no=N`."""
    rng = noise_rng(article)
    when = article.published
    modified = _modified(rng, when, now)
    subtitle = ""
    if rng.random() < 0.6:
        text = rng.choice(_SUBTITLES).format(n=rng.randint(2, 9), m=rng.randint(1, 12))
        subtitle = f'<h3 class="sub_title">- {text}</h3>'
    stamps = f'<li class="date">등록 {when:%Y-%m-%d %H:%M:%S}</li>'
    meta = [
        '<meta property="og:type" content="article">',
        f'<meta property="og:title" content="{escape(article.title)}">',
        f'<meta property="og:description" content="{escape(lead(article, 120))}">',
        f'<meta property="article:published_time" content="{when.isoformat()}">',
    ]
    if modified:
        stamps += f'<li class="date">수정 {modified:%Y-%m-%d %H:%M:%S}</li>'
        meta.append(f'<meta property="article:modified_time" content="{modified.isoformat()}">')
    body = _body(article, rng)
    title = escape(article.title)
    older_link = f'<a href="{older.path}">이전 기사 보기</a>' if older else ""
    newer_link = f'<a href="{newer.path}">다음 기사 보기</a>' if newer else ""
    content = f"""<div class="art_top">
    <ul class="art_btn">
        <li><a href="#" onclick="return false;">기사 메일전송</a></li>
        <li><a href="#" onclick="window.print();return false;">프린트</a></li>
        <li><a href="#" onclick="return false;">스크랩</a></li>
        <li><a href="#" class="font_up">글씨 키우기</a></li>
    </ul>
    <h2 class="art_title">{title}</h2>
    <ul class="art_info"><li class="name">{escape(article.author)} 기자</li>{stamps}</ul>
</div>
<div class="art_edit"><a href="/news/article_edit.html?no={number(article)}">기사수정</a></div>
<div class="art_sns"><a href="#">페이스북</a> <a href="#">트위터</a> <a href="#">카카오스토리</a> \
<a href="#">URL복사</a></div>
{subtitle}
<div id="news_body_area" class="smartOutput">
{body}
</div>
<div class="art_copy">저작권자 © {PAPER} 무단전재 및 재배포 금지</div>
<ul class="art_nav"><li><a href="/news/section_list_all.html">목록 바로가기</a></li>\
<li><a href="#" onclick="window.print();return false;">인쇄</a></li></ul>
<div class="prev_next">{older_link} {newer_link}</div>"""
    return _layout(
        title=f"{article.title} - {PAPER}",
        meta="\n".join(meta),
        content=content,
        popular=popular,
        now=now,
    )
