"""The requisites found on an article page: body images with captions,
og:image, linked files and CMS download links."""

from pipelines.requisite_links import RequisiteLink, requisite_links

PAGE = """<html><head><meta property="og:image" content="/img/top.jpg"></head><body>
<figure><img src="/img/a.jpg" alt="alt a"><figcaption>시장이 말하다</figcaption></figure>
<img src="b.png" alt="사진 b"><img src="/img/top.jpg">
<a href="/files/plan.pdf">계획.pdf</a>
<a href="/bbs/download.php?bo_table=press&wr_id=3&no=0">보도자료.hwp</a>
<a href="/news/2">next article</a><a href="mailto:x@y.kr">mail</a>
</body></html>"""


def test_requisite_links_finds_images_files_and_download_links_once() -> None:
    assert requisite_links(PAGE, "http://portal.test/news/1") == [
        RequisiteLink("http://portal.test/img/top.jpg", "image"),
        RequisiteLink("http://portal.test/img/a.jpg", "image", caption="시장이 말하다"),
        RequisiteLink("http://portal.test/news/b.png", "image", caption="사진 b"),
        RequisiteLink("http://portal.test/files/plan.pdf", "attachment", name="계획.pdf"),
        RequisiteLink(
            "http://portal.test/bbs/download.php?bo_table=press&wr_id=3&no=0",
            "attachment",
            name="보도자료.hwp",
        ),
    ]


def test_requisite_links_of_an_empty_page_is_empty() -> None:
    assert requisite_links("", "http://portal.test/") == []
