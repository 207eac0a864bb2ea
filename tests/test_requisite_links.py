"""The requisites found on an article page: the article's photos with their
captions, og:image, linked files and CMS download links; not a sidebar's
thumbnails or banners."""

from lxml.html import document_fromstring

from pipelines.requisite_links import RequisiteLink, requisite_links

PARAGRAPHS = (
    "시는 올해 청년 일자리 사업에 12억 원을 들여 지역 기업 40곳을 돕는다고 밝혔다.",
    "사업은 3월부터 12월까지 이어지며 참여 기업은 인건비의 절반을 지원받는다.",
)
PAGE = f"""<html><head><meta property="og:image" content="/img/top.jpg"></head><body>
<header><img src="/img/logo.png" alt="로고"></header>
<div class="view">
<figure><img src="/img/a.jpg" alt="alt a"><figcaption>시장이 말하다</figcaption></figure>
<p>{PARAGRAPHS[0]}</p><img src="b.png" alt="사진 b"><p>{PARAGRAPHS[1]}</p>
<img src="/img/top.jpg"></div>
<div class="file"><a href="/files/plan.pdf">계획.pdf</a>
<a href="/bbs/download.php?bo_table=press&wr_id=3&no=0">보도자료.hwp</a></div>
<aside><a href="/news/2"><img src="/thumb/2.jpg">next article</a><a href="mailto:x@y.kr">mail</a>
<img src="/banner/ad.gif"></aside>
</body></html>"""


def test_the_articles_photos_files_and_download_links_each_once() -> None:
    page = document_fromstring(PAGE)
    assert requisite_links(page, "http://portal.test/news/1", PARAGRAPHS) == (
        RequisiteLink("http://portal.test/img/top.jpg", "image"),
        RequisiteLink("http://portal.test/img/a.jpg", "image", caption="시장이 말하다"),
        RequisiteLink("http://portal.test/news/b.png", "image", caption="사진 b"),
        RequisiteLink("http://portal.test/files/plan.pdf", "attachment", name="계획.pdf"),
        RequisiteLink(
            "http://portal.test/bbs/download.php?bo_table=press&wr_id=3&no=0",
            "attachment",
            name="보도자료.hwp",
        ),
    )


def test_without_a_container_only_figures_count() -> None:
    page = document_fromstring(
        '<html><body><img src="/logo.png"><figure><img src="/p.jpg" alt="사진">'
        "</figure><p>짧은 글</p></body></html>"
    )
    assert requisite_links(page, "http://portal.test/", ("다른 글",)) == (
        RequisiteLink("http://portal.test/p.jpg", "image", caption="사진"),
    )
