"""The sample portal's press-release board: its pages name their photos, logo,
office photo and attachments as its contract says (the way
``pipelines.requisite_links`` reads them too), its images are valid and share
bytes where they should, its downloads read back through ``read_attachment``,
its special releases are what they claim, and the other sites are untouched."""

from __future__ import annotations

import hashlib
import struct
import urllib.error
import urllib.request
import zlib
from urllib.parse import unquote

import lxml.html
import pytest
import yaml

from pipelines.attachment_text import AttachmentLimits, attachment_kind, read_attachment
from pipelines.requisite_links import requisite_links
from sample_portal import SamplePortal, serve
from sample_portal.press_board import (
    BROKEN,
    BROKEN_RELEASE,
    CITY,
    DOWNLOAD_PATH,
    LIST_PATH,
    LOGO_PATH,
    OK,
    OVERSIZED,
    OVERSIZED_BYTES,
    OVERSIZED_RELEASE,
    PRESS_BOARD,
    PRESS_SPECIALS,
    ROBOTS,
    ROBOTS_RELEASE,
    ROBOTS_RULE,
    SLOGAN_PATH,
    PressBoard,
)

RELEASES = 12
PER_PAGE = 5
MIB = 1024 * 1024
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@pytest.fixture(scope="module")
def portal() -> SamplePortal:
    return SamplePortal(
        articles_per_site=RELEASES, per_page=PER_PAGE, sites=["generic"], press_board=True
    )


def board_of(portal: SamplePortal) -> PressBoard:
    assert portal.press_board is not None
    return portal.press_board


def page(portal: SamplePortal, path: str) -> lxml.html.HtmlElement:
    status, headers, body = portal.render(path)
    assert (status, headers["Content-Type"]) == (200, "text/html; charset=utf-8"), path
    return lxml.html.fromstring(body.decode())


def png_size(data: bytes) -> tuple[int, int]:
    """A PNG's width and height, its chunks' CRCs and its pixel data checked."""
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    at, chunks = 8, {}
    while at < len(data):
        (length,) = struct.unpack_from(">I", data, at)
        kind, payload = data[at + 4 : at + 8], data[at + 8 : at + 8 + length]
        assert struct.unpack_from(">I", data, at + 8 + length)[0] == zlib.crc32(kind + payload)
        chunks[kind] = payload
        at += 12 + length
    width, height = struct.unpack_from(">II", chunks[b"IHDR"])
    assert len(zlib.decompress(chunks[b"IDAT"])) == height * (1 + 3 * width)
    assert b"IEND" in chunks
    return width, height


def jpeg_size(data: bytes) -> tuple[int, int]:
    """A baseline JPEG's width and height, its segments walked up to the scan."""
    assert data.startswith(b"\xff\xd8") and data.endswith(b"\xff\xd9")
    at, size, markers = 2, (0, 0), []
    while data[at + 1] != 0xDA:
        assert data[at] == 0xFF
        markers.append(data[at + 1])
        (length,) = struct.unpack_from(">H", data, at + 2)
        if data[at + 1] == 0xC0:
            height, width = struct.unpack_from(">HH", data, at + 5)
            size = (width, height)
        at += 2 + length
    assert {0xE0, 0xDB, 0xC0, 0xC4} <= set(markers)
    return size


def test_sites_yaml_lists_the_board_by_its_list_url(portal: SamplePortal) -> None:
    listed = yaml.safe_load(portal.sites_yaml("http://127.0.0.1:8080", list_url_only=True))
    assert listed["sites"][-1] == {
        "name": PRESS_BOARD,
        "list_url": "http://127.0.0.1:8080" + LIST_PATH,
    }
    assert PRESS_BOARD not in SamplePortal(articles_per_site=RELEASES).sites_yaml("http://h")


def test_list_pages_reach_every_release_newest_first(portal: SamplePortal) -> None:
    board = board_of(portal)
    listed, dates = [], []
    for number in range(1, 10):
        shown = page(portal, LIST_PATH.format(page=number))
        links = shown.xpath('//table[@class="board_list"]//td[@class="subject"]/a/@href')
        if not links:
            assert shown.xpath('string(//td[@class="empty"])') == "등록된 게시물이 없습니다."
            break
        assert len(links) <= PER_PAGE
        pager = shown.xpath('//div[@class="paging"]/a/@href')
        assert LIST_PATH.format(page=number) not in pager and len(pager) == 2
        listed += links
        dates += shown.xpath('//td[@class="date"]/text()')
    assert listed == [a.path for a in board.releases]
    assert dates == [f"{a.published:%Y-%m-%d}" for a in board.releases]
    assert board.release_numbers() == list(range(1000, 1000 - RELEASES, -1))
    assert [str(a.published.tzinfo) for a in board.releases] == ["Asia/Seoul"] * RELEASES


def test_release_pages_name_their_requisites(portal: SamplePortal) -> None:
    board = board_of(portal)
    for release in board.releases:
        idx = board.number(release)
        served = page(portal, release.path)
        html = lxml.html.tostring(served, encoding="unicode")
        assert served.xpath('string(//h2[@class="view_title"])') == release.title
        assert f"등록일 : {release.published:%Y-%m-%d %H:%M}" in served.xpath(
            'string(//ul[@class="view_info"])'
        )
        body = served.xpath('//div[@class="view_content"]')[0]
        assert [p.text for p in body.xpath("p")] == list(release.paragraphs)
        assert served.xpath('//meta[@property="og:image"]/@content') == [
            f"/press/images/{idx}-0.jpg"
        ]
        assert served.xpath(f'//header//img[@alt="{CITY}"]/@src') == [LOGO_PATH]
        wanted = board.requisites(idx)
        photos = [r for r in wanted if r.path.endswith(".jpg")]
        assert len(photos) == 1 + idx % 2
        assert body.xpath("figure/img/@src") == [r.path for r in photos]
        assert body.xpath("figure/figcaption/text()") == [r.caption for r in photos]
        files = [r for r in wanted if r.kind == "attachment"]
        row = served.xpath('//div[@class="file_row"]//a')
        assert [(a.get("href"), a.text) for a in row] == [(r.path, r.name) for r in files]
        assert not body.xpath(".//a")  # the attachment row sits outside the body
        assert [r.name.rsplit(".", 1)[1] for r in files] == [
            "hwp",
            *(["hwpx"] if idx % 2 == 0 else []),
            *(["pdf"] if idx % 3 == 0 else []),
        ]
        url = "http://127.0.0.1" + release.path
        read = requisite_links(served, url, release.paragraphs)
        assert [(link.url, link.kind) for link in read] == [
            ("http://127.0.0.1" + r.path, r.kind) for r in wanted
        ]
        assert [link.name for link in read if link.kind == "attachment"] == [r.name for r in files]
        for k in range(len(files)):
            assert board.attachment_phrase(idx, k) not in html


def test_images_are_valid_small_and_share_bytes_as_the_contract_says(
    portal: SamplePortal,
) -> None:
    board = board_of(portal)
    photo_digests, shared = set(), {}
    for idx in board.release_numbers():
        for requisite in board.requisites(idx):
            if requisite.kind != "image":
                continue
            status, headers, data = portal.render(requisite.path)
            assert status == 200 and requisite.flag == OK
            assert hashlib.sha256(data).hexdigest() == requisite.sha256
            assert 200 <= len(data) <= 8000 and attachment_kind(data) == "image"
            if requisite.path.endswith(".jpg"):
                assert headers["Content-Type"] == "image/jpeg"
                assert jpeg_size(data) == (96, 64)
                photo_digests.add(requisite.sha256)
            else:
                assert headers["Content-Type"] == "image/png"
                assert png_size(data) in ((160, 40), (60, 80))
                kind = "slogan" if requisite.path == SLOGAN_PATH else "office"
                shared.setdefault(kind, set()).add((requisite.path, requisite.sha256))
    assert len(photo_digests) == sum(1 + idx % 2 for idx in board.release_numbers())
    assert LOGO_PATH not in {
        r.path for idx in board.release_numbers() for r in board.requisites(idx)
    }
    status, headers, logo = portal.render(LOGO_PATH)
    assert status == 200 and png_size(logo) == (160, 40)
    assert len({path for path, _ in shared["office"]}) == RELEASES
    assert len({digest for _, digest in shared["office"]}) == 1
    assert len(shared["slogan"]) == 1  # one URL, the same bytes, on every release


def test_downloads_read_back_by_their_bytes_and_disposition(portal: SamplePortal) -> None:
    board = board_of(portal)
    flags = {}
    for idx in board.release_numbers():
        for k, requisite in enumerate(r for r in board.requisites(idx) if r.kind == "attachment"):
            status, headers, data = portal.render(requisite.path)
            assert (status, headers["Content-Type"]) == (200, "application/octet-stream")
            assert headers["Content-Length"] == str(len(data))
            assert hashlib.sha256(data).hexdigest() == requisite.sha256
            disposition = headers["Content-Disposition"]
            extension = requisite.name.rsplit(".", 1)[1]
            ascii_name, encoded = disposition.removeprefix("attachment; ").split("; ")
            assert ascii_name == f'filename="press-{idx}-{k}.{extension}"'
            assert unquote(encoded.removeprefix("filename*=UTF-8''")) == requisite.name
            flags[idx, k] = requisite.flag
            phrase = board.attachment_phrase(idx, k)
            if requisite.flag == OVERSIZED:
                assert len(data) > max(OVERSIZED_BYTES, MIB)
                reading = read_attachment(
                    data, requisite.name, limits=AttachmentLimits(max_pages=1)
                )
                assert reading.kind == "pdf" and phrase in (reading.text or "")
            elif requisite.flag == BROKEN:
                reading = read_attachment(data, requisite.name)
                assert (reading.kind, reading.text) == ("hwp", None)
                assert "truncated" in (reading.refusal or "")
            else:
                assert len(data) < MIB
                reading = read_attachment(data, "download.php", "application/octet-stream")
                assert (reading.kind, reading.refusal) == (extension, None)
                assert phrase in (reading.text or "")
    assert {key for key, flag in flags.items() if flag != OK} == {
        (ROBOTS_RELEASE, 0),
        (OVERSIZED_RELEASE, 2),
        (BROKEN_RELEASE, 0),
    }
    assert flags[ROBOTS_RELEASE, 0] == ROBOTS and len(flags) > RELEASES


def test_robots_disallows_the_private_downloads_which_are_served_when_asked(
    portal: SamplePortal,
) -> None:
    board = board_of(portal)
    (private,) = [r for r in board.requisites(ROBOTS_RELEASE) if r.flag == ROBOTS]
    assert private.path == f"/press/private/download.php?idx={ROBOTS_RELEASE}&no=0"
    public = DOWNLOAD_PATH.format(idx=ROBOTS_RELEASE, k=0)
    plain = SamplePortal(articles_per_site=RELEASES, per_page=PER_PAGE, sites=["generic"])
    with serve(portal) as base_url, serve(plain) as plain_url:
        robots = _OPENER.open(base_url + "/robots.txt", timeout=10).read().decode()
        assert robots.endswith("Disallow: /admin/\n" + ROBOTS_RULE)
        assert (
            ROBOTS_RULE not in _OPENER.open(plain_url + "/robots.txt", timeout=10).read().decode()
        )
        assert portal.hits[private.path] == 0
        with _OPENER.open(base_url + private.path, timeout=10) as response:
            data = response.read()
            assert response.headers["Content-Disposition"].startswith("attachment; filename=")
            assert int(response.headers["Content-Length"]) == len(data)
        assert hashlib.sha256(data).hexdigest() == private.sha256
        assert portal.hits[private.path] == 1
        with pytest.raises(urllib.error.HTTPError) as missing:
            _OPENER.open(base_url + public, timeout=10)
        assert missing.value.code == 404
        with pytest.raises(urllib.error.HTTPError) as off:
            _OPENER.open(plain_url + LIST_PATH.format(page=1), timeout=10)
        assert off.value.code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/press/view.php?idx=1",
        "/press/view.php?idx=x",
        "/press/images/1000-1.jpg",  # an even release has one photo
        "/press/images/office-1.png",
        "/press/images/999-0.png",
        "/press/download.php?idx=1000&no=7",
        "/press/download.php?idx=1000",
        f"/press/private/download.php?idx={ROBOTS_RELEASE - 1}&no=0",
    ],
)
def test_what_the_board_does_not_hold_is_not_found(portal: SamplePortal, path: str) -> None:
    assert portal.render(path)[0] == 404


def test_the_other_sites_are_unchanged() -> None:
    plain = SamplePortal(articles_per_site=RELEASES, per_page=PER_PAGE)
    with_board = SamplePortal(articles_per_site=RELEASES, per_page=PER_PAGE, press_board=True)
    for site in plain.sites:
        assert with_board.articles(site) == plain.articles(site)
        for article in plain.articles(site)[:3]:
            assert with_board.render(article.path) == plain.render(article.path)
    for path in ("/", "/blog/?page=2", "/news/section_list_all.html?page=1", "/nowhere"):
        assert with_board.render(path) == plain.render(path)
    assert with_board.render("/press/list.php?page=1", form=b"page=2")[0] == 405
    both = SamplePortal(articles_per_site=RELEASES, form_boards=True, press_board=True)
    alone = SamplePortal(articles_per_site=RELEASES, form_boards=True)
    assert alone.form_boards is not None
    viewed = alone.form_boards.boards["aspnet"].articles[0].path
    for path in ("/press/List.aspx?page=1", viewed, "/press/other.php"):
        assert both.render(path) == alone.render(path)
    assert alone.render(viewed)[0] == 200
    assert not with_board.hits and not plain.hits


def test_same_seed_same_board_and_a_board_needs_its_special_releases() -> None:
    one, two, other = (PressBoard.generate(seed, PRESS_SPECIALS, 3) for seed in (4, 4, 5))
    assert one.releases == two.releases and one.requisites(999) == two.requisites(999)
    assert one.requisites(999)[0].sha256 != other.requisites(999)[0].sha256
    with pytest.raises(ValueError, match="releases at least"):
        PressBoard.generate(1, PRESS_SPECIALS - 1, 3)
