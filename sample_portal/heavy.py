"""The heavy portal (``SamplePortal(heavy=True)``): the sites as big Korean
portals dress them, for ``benchmarks/throughput.py --heavy``.

- Every article page, about 20 KB, also carries the portal's frame: a full
  menu of sections and their sub-sections (전체메뉴), side boxes of other
  articles (많이 본 뉴스 ranked, 최신뉴스, 포토뉴스), and a comment list under
  the article (reader names, times, 추천/반대 buttons), as the big regional
  portals' templates do; none of it is the article.
- The news CMS's articles all end with its standing block of sentences (a
  long paragraph block the paper appends under every story: its ethics
  code, tip line and copyright), lines many articles share.
- Every ``RELEASE_EVERY``-th story of each site is a press release (a
  round-up of the facts of ``PARTS`` of ``releases.house_style_releases`` of
  one seed, without the office's stock sentences) that every heavy site reposts,
  each site with small edits of its own (one line left out, a closing line
  added or not): near-duplicates across the sites.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from html import escape

from .content import Article, Story
from .gnuboard5 import _COMMENTERS, _COMMENTS
from .releases import HOUSE_STYLES, house_style_releases

RELEASE_EVERY = 10  # every this-many-th story of a site is the shared release
RELEASE_SEED = 5  # the press office whose releases every heavy site reposts
RELEASES = 120  # releases the office put out (house_style_releases has 128 subjects)
PARTS = 3  # a reposted release is a round-up of this many (long, as real ones are)
CLOSING = "자세한 사항은 시청 누리집 새소식 게시판에서도 확인할 수 있다."  # a site's own line
STANDING_SITE = "newscms"  # the site whose articles end with the standing block
STANDING_BLOCK = (
    "본지는 독자 여러분의 소중한 제보를 기다립니다. 제보는 전화와 이메일, 카카오톡 채널로"
    " 받으며, 제보자의 신원은 철저히 보호됩니다.",
    "본지는 언론윤리헌장과 인터넷신문 윤리강령을 준수하며, 기사로 인해 피해를 입으신 분은"
    " 고충처리인에게 정정 및 반론 보도를 요청하실 수 있습니다.",
    "이 기사의 저작권은 샘플뉴스에 있으며, 무단 전재와 재배포, AI 학습 및 활용을 금지합니다.",
    "지역의 소식을 가장 먼저 전하는 샘플뉴스는 주민 여러분의 삶과 함께하는 신문이 되겠습니다.",
    "기사에 대한 의견은 댓글로 남겨 주시고, 욕설과 비방 등 운영 원칙에 어긋나는 댓글은"
    " 예고 없이 삭제될 수 있습니다.",
    "샘플뉴스 구독 신청은 독자서비스국으로 문의하시면 친절히 안내해 드립니다.",
)
# the full menu: sections and their sub-sections
_MENU = (
    ("정치", ("국회·정당", "지방의회", "선거", "행정", "국방·외교")),
    ("경제", ("산업", "금융·증권", "부동산", "유통", "농업·어업", "일자리")),
    ("사회", ("사건·사고", "교육", "환경", "복지", "의료·보건", "노동", "법원·검찰")),
    ("지역", ("시·군 소식", "읍·면·동", "마을 이야기", "지역 축제", "교통")),
    ("문화", ("공연·전시", "책", "여행", "음식", "종교", "방송·연예")),
    ("스포츠", ("축구", "야구", "배구", "생활체육", "전국체전")),
    ("오피니언", ("사설", "칼럼", "기고", "독자 투고", "만평")),
    ("포토·영상", ("포토뉴스", "영상뉴스", "카드뉴스")),
    ("기획", ("연재", "탐사보도", "인터뷰", "사람들")),
    ("독자마당", ("제보하기", "부고", "인사", "결혼", "공지사항")),
)
_FOOTER = (
    "회사소개", "윤리강령", "편집규약", "고충처리인", "청소년보호정책", "개인정보처리방침",
    "이메일무단수집거부", "광고문의", "기사제보", "구독신청", "저작권규약", "RSS 서비스",
)  # fmt: skip
RANKED = 10  # articles in the most-read box
_COMMENTS_SHOWN = 12
_STOCK = frozenset(line for style in HOUSE_STYLES for line in style)


def with_releases(site: str, stories: Sequence[Story], seed: int) -> list[Story]:
    """``stories`` with every ``RELEASE_EVERY``-th one (from the
    ``RELEASE_EVERY // 2``-th) the shared press release of its number, as
    ``site`` edits it (the site and the portal's ``seed`` pick the line it
    leaves out, and whether it adds a closing line)."""
    releases = house_style_releases(RELEASE_SEED, RELEASES)
    out = list(stories)
    for number, at in enumerate(range(RELEASE_EVERY // 2, len(out), RELEASE_EVERY)):
        if number >= len(releases) // PARTS:
            break
        parts = releases[number :: RELEASES // PARTS]
        # the parts' own facts, not the office's stock sentences every release says
        paragraphs = [line for part in parts for line in part.split("\n\n") if line not in _STOCK]
        edit = seed + number + len(site)
        del paragraphs[1 + edit % 3]  # a line left out
        if edit % 2:  # and a closing line added
            paragraphs.append(CLOSING)
        title = f"[보도자료] {paragraphs[0].split(' 사업')[0]} 사업"
        out[at] = replace(out[at], title=title, paragraphs=tuple(paragraphs))
    return out


def standing_lines(site: str) -> tuple[str, ...]:
    """The lines every article of ``site`` ends with on the heavy portal."""
    return STANDING_BLOCK if site == STANDING_SITE else ()


def dress(
    html: str,
    article: Article,
    ranked: Sequence[Article],
    latest: Sequence[Article],
    now: datetime,
) -> str:
    """An article page ``html`` dressed as a big portal's: the full menu at
    the top of its body, the side boxes (``ranked``: most read; ``latest``),
    the comment list and the long footer at its end."""
    rng = random.Random(f"heavy|{article.site}|{article.path}")
    top = _full_menu()
    bottom = "\n".join(
        (
            _comment_list(article, rng, now),
            _side_boxes(ranked, latest),
            _footer(),
        )
    )
    at = html.find(">", html.find("<body")) + 1
    end = html.rfind("</body>")
    return html[:at] + "\n" + top + html[at:end] + bottom + "\n" + html[end:]


def _link(article: Article) -> str:
    return f'<a href="{escape(article.path)}">{escape(article.title)}</a>'


def _full_menu() -> str:
    sections = "\n".join(
        f'<li class="depth1"><a href="/news/section.html?sec={n}">{name}</a>\n'
        f'<ul class="depth2">'
        + "".join(
            f'<li><a href="/news/section.html?sec={n}&amp;sub={k}">{sub}</a></li>'
            for k, sub in enumerate(subs, 1)
        )
        + "</ul></li>"
        for n, (name, subs) in enumerate(_MENU, 1)
    )
    return (
        '<div id="allMenu" class="all-menu"><h2 class="hide">전체메뉴</h2>\n'
        f'<ul class="all-menu-list">\n{sections}\n</ul>\n'
        '<button type="button" class="btn-close">전체메뉴 닫기</button></div>'
    )


def _side_boxes(ranked: Sequence[Article], latest: Sequence[Article]) -> str:
    rank = "\n".join(
        f'<li><span class="num">{k}</span>{_link(a)}</li>' for k, a in enumerate(ranked, 1)
    )
    fresh = "\n".join(
        f'<li>{_link(a)}<span class="date">{a.published:%m-%d %H:%M}</span></li>' for a in latest
    )
    photos = "\n".join(
        f'<li><a href="{escape(a.path)}"><span class="thumb">'
        f'<img src="/img/thumb/{k}.jpg" alt=""></span><strong class="tit">'
        f"{escape(a.title)}</strong></a></li>"
        for k, a in enumerate(ranked[:4], 1)
    )
    return (
        '<aside id="sideBar" class="side">\n'
        f'<div class="rank-box"><h3 class="box-tit">많이 본 뉴스</h3><ol>\n{rank}\n</ol></div>\n'
        f'<div class="latest-box"><h3 class="box-tit">최신뉴스</h3><ul>\n{fresh}\n</ul></div>\n'
        f'<div class="photo-box"><h3 class="box-tit">포토뉴스</h3><ul>\n{photos}\n</ul></div>\n'
        "</aside>"
    )


def _comment_list(article: Article, rng: random.Random, now: datetime) -> str:
    items = []
    for k in range(_COMMENTS_SHOWN):
        when = article.published + timedelta(minutes=(k + 1) * rng.randint(5, 300))
        if when > now:
            break
        items.append(
            f'<li class="cmt-item" id="cmt{k}"><div class="cmt-info">'
            f'<strong class="nick">{rng.choice(_COMMENTERS)}</strong>'
            f'<span class="date">{when:%Y.%m.%d %H:%M}</span></div>'
            f'<p class="cmt-txt">{rng.choice(_COMMENTS)}</p>'
            f'<div class="cmt-btn"><button type="button" class="good">추천 '
            f'<em>{rng.randint(0, 40)}</em></button><button type="button" class="bad">반대 '
            f"<em>{rng.randint(0, 9)}</em></button>"
            '<button type="button" class="reply">답글</button></div></li>'
        )
    listed = "\n".join(items)
    return (
        f'<div id="commentArea" class="comment-area"><h3 class="cmt-tit">댓글 '
        f'<em>{len(items)}</em></h3>\n<form class="cmt-write"><textarea title="댓글 입력" '
        'placeholder="로그인 후 댓글을 남겨 주세요."></textarea><button type="submit">등록'
        f'</button></form>\n<ul class="cmt-list">\n{listed}\n</ul></div>'
    )


def _footer() -> str:
    links = "".join(f'<li><a href="/company/{k}.html">{name}</a></li>' for k, name in
                    enumerate(_FOOTER, 1))  # fmt: skip
    return (
        f'<footer id="footer"><ul class="foot-menu">{links}</ul>'
        "<address>등록번호 경북 아00000 | 등록일 2010.01.01 | 발행인·편집인 홍길동 | "
        "청소년보호책임자 김철수 | 주소 경상북도 경산시 중앙로 1 | 대표전화 053-000-0000 | "
        '팩스 053-000-0001</address><p class="copyright">Copyright © 샘플미디어. '
        "All rights reserved.</p></footer>"
    )
