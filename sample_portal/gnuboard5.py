"""Gnuboard5 news board pages, modelled on the `basic` theme and board skin."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime, timedelta
from html import escape

from .content import Article, noise_rng, photo_credit, reporter_email

CMS = "gnuboard5"
PAPER = "경일신문"
BOARD = "news"
BOARDS = {
    "news": "경산시소식",
    "notice": "공지사항",
    "free": "자유게시판",
    "gallery": "포토뉴스",
    "report": "독자제보",
}
LIST_PATH = f"/bbs/board.php?bo_table={BOARD}&page={{page}}"
# a user's article_pattern, written against the links as the list pages show them
ARTICLE_PATTERN = rf"bbs/board\.php\?bo_table={BOARD}&wr_id=\d+"
NOT_FOUND = "글이 존재하지 않습니다.\\n\\n글이 삭제되었거나 이동된 경우입니다."
NO_BOARD = "존재하지 않는 게시판입니다."
_WRITE_PAGES = 10
_COMMENTERS = ("하양주민", "경산토박이", "시민기자", "대추아빠", "남매맘", "동네주민", "청년농부")
_COMMENTS = (
    "좋은 소식이네요.",
    "우리 동네에도 빨리 시행됐으면 좋겠습니다.",
    "신청 방법이 더 자세히 나왔으면 합니다.",
    "예산이 제대로 쓰이는지 끝까지 지켜보겠습니다.",
    "기사 잘 읽었습니다.",
    "작년에 참여했는데 만족스러웠어요.",
    "주차 문제도 같이 해결해 주세요.",
)
_CAPTIONS = (
    "사업 대상지 전경",
    "업무협약식 기념촬영",
    "현장 점검 모습",
    "추진 보고회 모습",
    "지난해 열린 설명회 모습",
)


def article_path(wr_id: int) -> str:
    """Canonical URL path of a post."""
    return f"/bbs/board.php?bo_table={BOARD}&wr_id={wr_id}"


def wr_id(article: Article) -> int:
    """The post number in an article's path."""
    return int(article.path.rsplit("=", 1)[1])


def _href(host: str, article: Article, page: int | None = None) -> str:
    tail = f"&amp;page={page}" if page else ""
    return f"http://{host}/bbs/board.php?bo_table={BOARD}&amp;wr_id={wr_id(article)}{tail}"


def _paging(page: int, total_pages: int) -> str:
    """The pager of Gnuboard's get_paging()."""
    url = f"./board.php?bo_table={BOARD}&amp;page="
    parts = []
    if page > 1:
        parts.append(f'<a href="{url}1" class="pg_page pg_start">처음</a>')
    start = (page - 1) // _WRITE_PAGES * _WRITE_PAGES + 1
    end = min(start + _WRITE_PAGES - 1, total_pages)
    if start > 1:
        parts.append(f'<a href="{url}{start - 1}" class="pg_page pg_prev">이전</a>')
    if total_pages > 1:
        for k in range(start, end + 1):
            if k == page:
                parts.append(
                    f'<span class="sound_only">열린</span><strong class="pg_current">{k}'
                    '</strong><span class="sound_only">페이지</span>'
                )
            else:
                parts.append(
                    f'<a href="{url}{k}" class="pg_page">{k}'
                    '<span class="sound_only">페이지</span></a>'
                )
    if total_pages > end:
        parts.append(f'<a href="{url}{end + 1}" class="pg_page pg_next">다음</a>')
    if page < total_pages:
        parts.append(f'<a href="{url}{total_pages}" class="pg_page pg_end">맨끝</a>')
    if not parts:
        return ""
    return '<nav class="pg_wrap"><span class="pg">' + "\n".join(parts) + "</span></nav>"


def _layout(
    *,
    host: str,
    title: str,
    board: str,
    content: str,
    popular: Sequence[Article],
    latest: Sequence[Article],
    now: datetime,
) -> str:
    menu = "\n".join(
        f'<li class="gnb_1dli"><a href="http://{host}/bbs/board.php?bo_table={key}" '
        f'target="_self" class="gnb_1da">{name}</a></li>'
        for key, name in BOARDS.items()
    )
    ranked = "\n".join(
        f'<li><span class="rank">{i}</span><a href="{_href(host, a)}">{escape(a.title)}</a></li>'
        for i, a in enumerate(popular, 1)
    )
    newest = "\n".join(
        f'<li class="basic_li"><a href="{_href(host, a)}"> {escape(a.title)}</a>'
        f' <span class="lt_date">({a.published:%y-%m-%d})</span></li>'
        for a in latest
    )
    return f"""<!doctype html>
<html lang="ko">
<head>
<meta charset="utf-8">
<meta http-equiv="imagetoolbar" content="no">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<title>{escape(title)}</title>
<link rel="stylesheet" href="http://{host}/theme/basic/css/default.css?ver=171222">
<link rel="stylesheet" href="http://{host}/js/font-awesome/css/font-awesome.min.css">
<script>
var g5_url       = "http://{host}";
var g5_bbs_url   = "http://{host}/bbs";
var g5_is_member = "";
var g5_is_admin  = "";
var g5_bo_table  = "{BOARD}";
var g5_editor    = "smarteditor2";
</script>
<script src="http://{host}/js/jquery-1.12.4.min.js"></script>
<script src="http://{host}/js/common.js?ver=171222"></script>
</head>
<body>
<div id="hd">
    <h1 id="hd_h1">{escape(title)}</h1>
    <div id="skip_to_container"><a href="#container">본문 바로가기</a></div>
    <div id="tnb">
        <div class="inner">
            현재날짜 : {now:%Y-%m-%d}
            <ul id="hd_qnb">
                <li><a href="/bbs/register.php">회원가입</a></li>
                <li><a href="/bbs/login.php">로그인</a></li>
                <li><a href="http://{host}/bbs/new.php">새글</a></li>
            </ul>
        </div>
    </div>
    <div id="hd_wrapper">
        <div id="logo"><a href="http://{host}/"><img src="http://{host}/img/logo.png" \
alt="{PAPER}"></a></div>
        <div class="hd_sch_wr">
            <fieldset id="hd_sch">
                <legend>사이트 내 전체검색</legend>
                <form name="fsearchbox" method="get" action="http://{host}/bbs/search.php">
                <input type="hidden" name="sfl" value="wr_subject||wr_content">
                <input type="hidden" name="sop" value="and">
                <label for="sch_stx" class="sound_only">검색어 필수</label>
                <input type="text" name="stx" id="sch_stx" maxlength="20" \
placeholder="검색어를 입력해주세요">
                <button type="submit" id="sch_submit" value="검색"><i class="fa fa-search" \
aria-hidden="true"></i><span class="sound_only">검색</span></button>
                </form>
            </fieldset>
        </div>
    </div>
    <nav id="gnb">
        <h2>메인메뉴</h2>
        <div class="gnb_wrap"><ul id="gnb_1dul">
{menu}
        </ul></div>
    </nav>
</div>
<hr>
<div id="wrapper">
    <div id="container_wr">
    <div id="container">
        <h2 id="container_title"><span title="{escape(board)}">{escape(board)}</span></h2>
{content}
    </div>
    <div id="aside">
        <section id="ol_before" class="ol">
            <div id="ol_be_cate"><h2><span class="sound_only">회원</span>로그인</h2>
            <a href="/bbs/register.php" class="join">회원가입</a></div>
            <form name="foutlogin" action="http://{host}/bbs/login_check.php" method="post">
            <fieldset>
                <legend>회원로그인</legend>
                <input type="text" id="ol_id" name="mb_id" required maxlength="20" \
placeholder="아이디">
                <input type="password" name="mb_password" id="ol_pw" required maxlength="20" \
placeholder="비밀번호">
                <input type="submit" id="ol_submit" value="로그인" class="btn_b02">
                <div id="ol_svc"><a href="http://{host}/bbs/password_lost.php">ID/PW 찾기</a></div>
            </fieldset>
            </form>
        </section>
        <section class="popular_news">
            <h2>많이본 뉴스</h2>
            <ul>
{ranked}
            </ul>
        </section>
        <div class="lat">
            <h2 class="lat_title"><a href="http://{host}/bbs/board.php?bo_table={BOARD}">최신글</a>\
</h2>
            <ul>
{newest}
            </ul>
            <a href="http://{host}/bbs/board.php?bo_table={BOARD}" class="lt_more">\
<span class="sound_only">{BOARDS[BOARD]}</span>더보기</a>
        </div>
    </div>
    </div>
</div>
<hr>
<div id="ft">
    <div id="ft_wr">
        <div id="ft_link" class="ft_cnt">
            <a href="http://{host}/bbs/content.php?co_id=company">회사소개</a>
            <a href="http://{host}/bbs/content.php?co_id=privacy">개인정보처리방침</a>
            <a href="http://{host}/bbs/content.php?co_id=provision">서비스이용약관</a>
        </div>
        <div id="ft_company" class="ft_cnt">
            <h2>사이트 정보</h2>
            <p class="ft_info">
                회사명:주){PAPER} 대표자 : 김대표 등록번호 : 경북 아00321<br>
                소재지: 경상북도 경산시 중앙로 12, 3층 전화번호 : 053-801-5959 \
이메일 : news@sample-gnuboard.kr<br>
                청소년보호책임자 : 이보호
            </p>
        </div>
    </div>
    <div id="ft_copy">Copyright &copy; www.sample-gnuboard.kr. All rights reserved.</div>
    <button type="button" id="top_btn"><i class="fa fa-arrow-up" aria-hidden="true"></i>\
<span class="sound_only">상단으로</span></button>
</div>
</body>
</html>
"""


def list_page(
    *,
    host: str,
    bo_table: str,
    page: int,
    rows: Sequence[Article],
    notices: Sequence[Article],
    first_number: int,
    total: int,
    total_pages: int,
    popular: Sequence[Article],
    latest: Sequence[Article],
    now: datetime,
) -> str:
    """A board's list page: pinned notices (unless past the end) and this page's posts."""
    board = BOARDS[bo_table]
    trs = []
    shown = [*notices, *rows] if rows else []
    for i, article in enumerate(shown):
        notice = article.notice
        num = (
            '<strong class="notice_icon">공지</strong>'
            if notice
            else str(first_number - i + len(notices))
        )
        parity = "even" if i % 2 == 0 else ""
        when = article.published
        stamp = f"{when:%H:%M}" if when.date() == now.date() else f"{when:%m-%d}"
        trs.append(f"""        <tr class="{"bo_notice" if notice else ""} {parity}">
            <td class="td_num2">{num}</td>
            <td class="td_subject" style="padding-left:0px">
                <div class="bo_tit">
                    <a href="{_href(host, article, page)}">{escape(article.title)}</a>
                </div>
            </td>
            <td class="td_name sv_use"><span class="sv_member">{PAPER}</span></td>
            <td class="td_num">{noise_rng(article).randint(30, 3000)}</td>
            <td class="td_datetime">{stamp}</td>
        </tr>""")
    if not shown:
        trs.append('<tr><td colspan="6" class="empty_table">게시물이 없습니다.</td></tr>')
    body = "\n".join(trs)
    content = f"""<div id="bo_list" style="width:100%">
    <form name="fboardlist" id="fboardlist" action="http://{host}/bbs/board_list_update.php" \
method="post">
    <input type="hidden" name="bo_table" value="{bo_table}">
    <input type="hidden" name="page" value="{page}">
    <div id="bo_btn_top">
        <div id="bo_list_total"><span>Total {total:,}건</span> {page} 페이지</div>
        <ul class="btn_bo_user">
            <li><a href="http://{host}/bbs/rss.php?bo_table={bo_table}" class="btn_b01 btn" \
title="RSS"><i class="fa fa-rss" aria-hidden="true"></i><span class="sound_only">RSS</span></a></li>
        </ul>
    </div>
    <div class="tbl_head01 tbl_wrap">
        <table>
        <caption>{board} 목록</caption>
        <thead>
        <tr>
            <th scope="col">번호</th>
            <th scope="col">제목</th>
            <th scope="col">글쓴이</th>
            <th scope="col"><a href="/bbs/board.php?bo_table={bo_table}&amp;sop=and&amp;\
sst=wr_hit&amp;sod=desc">조회 </a></th>
            <th scope="col"><a href="/bbs/board.php?bo_table={bo_table}&amp;sop=and&amp;\
sst=wr_datetime&amp;sod=desc">날짜  </a></th>
        </tr>
        </thead>
        <tbody>
{body}
        </tbody>
        </table>
    </div>
    {_paging(page, total_pages)}
    </form>
    <div class="bo_sch_wrap">
        <fieldset class="bo_sch">
            <h3>검색</h3>
            <form name="fsearch" method="get">
            <input type="hidden" name="bo_table" value="{bo_table}">
            <select name="sfl" id="sfl"><option value="wr_subject">제목</option>\
<option value="wr_content">내용</option></select>
            <input type="text" name="stx" value="" required id="stx" class="sch_input" \
size="25" maxlength="20" placeholder=" 검색어를 입력해주세요">
            <button type="submit" value="검색" class="sch_btn"><i class="fa fa-search"></i>\
<span class="sound_only">검색</span></button>
            </form>
        </fieldset>
    </div>
</div>"""
    return _layout(
        host=host,
        title=f"{board} {page} 페이지",
        board=board,
        content=content,
        popular=popular,
        latest=latest,
        now=now,
    )


def _body(article: Article, rng: random.Random) -> str:
    """The post content: paragraphs in one of three editor styles plus in-body noise."""
    lines = [escape(p) for p in article.paragraphs]
    kinds = ["text"] * len(lines)
    byline = rng.choice(("lead", "trail", "both")) if not article.notice else ""
    if byline in ("lead", "both"):
        lines[0] = escape(f"[{PAPER}={article.author} 기자] ") + lines[0]
    if not article.notice and rng.random() < 0.4:
        stamp = int(article.published.timestamp())
        src = f"/data/editor/{article.published:%y%m}/{rng.getrandbits(24):06x}_{stamp}.jpg"
        credit = photo_credit(article.title, f"{PAPER} DB")
        caption = f"↑↑ {rng.choice(_CAPTIONS)} (사진={credit} 제공)"
        lines[1:1] = [src, escape(caption)]
        kinds[1:1] = ["img", "text"]
    if byline in ("trail", "both"):
        lines.append(escape(f"{article.author} 기자 {reporter_email(article.author, 'naver.com')}"))
        kinds.append("text")
    style = rng.choice(("p", "div", "br"))
    parts = []
    for kind, line in zip(kinds, lines, strict=True):
        if kind == "img":
            img = f'<img src="{line}" alt="" style="width:640px;height:auto;">'
            parts.append(
                img if style == "br" else f'<{style} style="text-align:center;">{img}</{style}>'
            )
        elif style == "br":
            parts.append(line)
        else:
            parts.append(f"<{style}>{line}</{style}>")
            if rng.random() < 0.5:
                parts.append("<p>&nbsp;</p>" if style == "p" else "<div><br></div>")
    html = "<br>\n<br>\n".join(parts) if style == "br" else "\n".join(parts)
    if not article.notice and rng.random() < 0.1:
        html = f"{html}\n{html}"
    return html


def _comments(article: Article, rng: random.Random, now: datetime) -> list[str]:
    out = []
    for k in range(rng.choice((0, 0, 0, 1, 1, 2, 3))):
        when = article.published + timedelta(minutes=(k + 1) * rng.randint(20, 1440))
        if when > now:
            break
        name = rng.choice(_COMMENTERS)
        out.append(f"""    <article id="c_{100000 + wr_id(article) * 4 + k}">
        <div class="pf_img"><img src="/img/no_profile.gif" alt="profile_image"></div>
        <div class="cm_wrap">
            <header style="z-index:{9 - k};">
                <h2>{name}님의  댓글</h2>
                <span class="sv_member">{name}</span>
                <span class="sound_only">작성일</span>
                <span class="bo_vc_hdinfo"><i class="fa fa-clock-o" aria-hidden="true"></i> \
<time datetime="{when.isoformat()}">{when:%y-%m-%d %H:%M}</time></span>
            </header>
            <div class="cmt_contents"><p>{rng.choice(_COMMENTS)}</p></div>
        </div>
    </article>""")
    return out


def article_page(
    *,
    host: str,
    article: Article,
    newer: Article | None,
    older: Article | None,
    popular: Sequence[Article],
    latest: Sequence[Article],
    now: datetime,
) -> str:
    """A post's view page (view.skin.php + view_comment.skin.php)."""
    rng = noise_rng(article)
    views = rng.randint(30, 3000)
    body = _body(article, rng)
    comments = _comments(article, rng, now)
    listing = "\n".join(comments) or '    <p id="bo_vc_empty">등록된 댓글이 없습니다.</p>'
    nav = []
    if newer:
        nav.append(
            f'<li class="btn_prv"><span class="nb_tit"><i class="fa fa-chevron-up"></i> '
            f'이전글</span><a href="{_href(host, newer)}">{escape(newer.title)}</a> '
            f'<span class="nb_date">{newer.published:%y.%m.%d %H:%M}</span></li>'
        )
    if older:
        nav.append(
            f'<li class="btn_next"><span class="nb_tit"><i class="fa fa-chevron-down"></i> '
            f'다음글</span><a href="{_href(host, older)}">{escape(older.title)}</a> '
            f'<span class="nb_date">{older.published:%y.%m.%d %H:%M}</span></li>'
        )
    title = escape(article.title)
    list_href = f"http://{host}/bbs/board.php?bo_table={BOARD}"
    content = f"""<script src="http://{host}/js/viewimageresize.js"></script>
<article id="bo_v" style="width:100%">
    <header>
        <h2 id="bo_v_title">
            <span class="bo_v_tit">
            {title}</span>
        </h2>
    </header>
    <section id="bo_v_info">
        <h2>페이지 정보</h2>
        <div class="profile_info">
            <div class="pf_img"><img src="/img/no_profile.gif" alt="profile_image"></div>
            <div class="profile_info_ct">
            <span class="sound_only">작성자</span> <strong><span class="sv_member">{PAPER}</span>\
</strong><br>
            <span class="sound_only">댓글</span><strong><a href="#bo_vc"> <i class="fa \
fa-commenting-o" aria-hidden="true"></i> {len(comments)}건</a></strong>
            <span class="sound_only">조회</span><strong><i class="fa fa-eye" \
aria-hidden="true"></i> {views:,}회</strong>
            <strong class="if_date"><span class="sound_only">작성일</span><i class="fa \
fa-clock-o" aria-hidden="true"></i> {article.published:%y-%m-%d %H:%M}</strong>
            </div>
        </div>
        <div id="bo_v_top">
            <ul class="btn_bo_user bo_v_com">
                <li><a href="{list_href}" class="btn_b01 btn" title="목록"><i class="fa fa-list" \
aria-hidden="true"></i><span class="sound_only">목록</span></a></li>
            </ul>
        </div>
    </section>
    <section id="bo_v_atc">
        <h2 id="bo_v_atc_title">본문</h2>
        <div id="bo_v_share">
            <ul class="bo_v_snswr">
                <li><a href="https://www.facebook.com/sharer/sharer.php" target="_blank" \
class="sns_f"><span class="sound_only">페이스북</span></a></li>
                <li><a href="https://twitter.com/share" target="_blank" class="sns_t">\
<span class="sound_only">트위터</span></a></li>
            </ul>
        </div>
        <div id="bo_v_con">{body}</div>
    </section>
    <ul class="bo_v_nb">
        {"".join(nav)}
    </ul>
<button type="button" class="cmt_btn"><span class="total"><b>댓글</b> {len(comments)}</span>\
<span class="cmt_more"></span></button>
<section id="bo_vc">
    <h2>댓글목록</h2>
{listing}
</section>
<aside id="bo_vc_w" class="bo_vc_w">
    <h2>댓글쓰기</h2>
    <form name="fviewcomment" id="fviewcomment" \
action="http://{host}/bbs/write_comment_update.php" method="post" autocomplete="off">
    <input type="hidden" name="w" value="c" id="w">
    <input type="hidden" name="bo_table" value="{BOARD}">
    <input type="hidden" name="wr_id" value="{wr_id(article)}">
    <span class="sound_only">내용</span>
    <textarea id="wr_content" name="wr_content" maxlength="10000" required class="required" \
title="내용" placeholder="댓글내용을 입력해주세요"></textarea>
    <div class="btn_confirm"><button type="submit" id="btn_submit" class="btn_submit">\
댓글등록</button></div>
    </form>
</aside>
</article>"""
    return _layout(
        host=host,
        title=f"{article.title} > {BOARDS[BOARD]}",
        board=BOARDS[BOARD],
        content=content,
        popular=popular,
        latest=latest,
        now=now,
    )


def alert_page(message: str) -> str:
    """Gnuboard's alert.php: a script-only page, served with status 200."""
    text = message.replace("\\n", "<br>")
    return f"""<!doctype html>
<html lang="ko">
<head>
<meta charset="utf-8">
<title>오류안내 페이지</title>
</head>
<body>
<script>alert("{message}");history.back();</script>
<noscript>
<div id="validation_check">
    <h1>다음 항목에 오류가 있습니다.</h1>
    <p class="cbg">{text}</p>
    <div class="btn_confirm"><a href="javascript:history.back();">돌아가기</a></div>
</div>
</noscript>
</body>
</html>
"""
