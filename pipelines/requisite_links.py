"""The requisites of an article page: the photos of its article (with caption
and ``alt``), its ``og:image``, and the files it links (documents, archives,
images, and the CMS download links that name no file).

A photo counts when it stands in the article's container (the element that
holds its paragraphs, ``pipelines.paragraphs.article_container``) or, when
the container cannot be told or holds none, in a ``figure``: a sidebar's
thumbnails and banners are not the article's. A file counts wherever the
page links it: boards put the attachment row outside the text.

Pure: a function of the page's tree, URL and article paragraphs; the crawl
decides what to fetch, and tells an attachment from an image by the response.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from urllib.parse import urldefrag, urljoin

from lxml.html import HtmlElement

from pipelines.paragraphs import article_container

# a linked file is taken for an attachment by its name's ending
ATTACHMENT_SUFFIXES = (".hwp", ".hwpx", ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".zip")
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp")
# a CMS download link, told by its path; what it serves is told by the response
DOWNLOAD_PATH = re.compile(r"download\.php|downloadBbsFile\.do|fileDown", re.IGNORECASE)
IMAGE, ATTACHMENT = "image", "attachment"


@dataclass(frozen=True)
class RequisiteLink:
    """One requisite of a page: its absolute URL, ``image`` or ``attachment``
    (as the page suggests), the name the page gives it, and an image's
    caption or ``alt``."""

    url: str
    kind: str
    name: str | None = None
    caption: str | None = None


def requisite_links(
    page: HtmlElement, page_url: str, paragraphs: Sequence[str]
) -> tuple[RequisiteLink, ...]:
    """The requisites of the article whose ``paragraphs`` ``page`` (at
    ``page_url``) shows, in page order, each URL once (at its first mention)."""
    found: dict[str, RequisiteLink] = {}
    for meta in page.xpath('//meta[@property="og:image"][@content]'):
        _add(found, urljoin(page_url, meta.get("content").strip()), IMAGE)
    for image in _photos(page, paragraphs):
        _add(found, urljoin(page_url, image.get("src").strip()), IMAGE, caption=_caption(image))
    for anchor in page.xpath("//a[@href]"):
        url = urljoin(page_url, anchor.get("href").strip())
        kind = _linked_kind(url)
        if kind:
            _add(found, url, kind, name=" ".join(anchor.text_content().split()) or None)
    return tuple(found.values())


def _photos(page: HtmlElement, paragraphs: Sequence[str]) -> list[HtmlElement]:
    """The article's images: in its container, else in the page's figures."""
    container = article_container(page, paragraphs)
    if container is not None:
        held = container.xpath(".//img[@src]")
        if held:
            return held
    return page.xpath("//body//figure//img[@src]")


def _add(found: dict[str, RequisiteLink], url: str, kind: str, **about: str | None) -> None:
    """``url`` found, at its first mention's place, with the first name and
    caption any mention gives (``og:image`` gives none; its figure may)."""
    url = urldefrag(url)[0]
    if not url.startswith(("http://", "https://")):
        return
    first = found.get(url)
    if first is None:
        found[url] = RequisiteLink(url, kind, **about)
    else:
        found[url] = replace(
            first,
            name=first.name or about.get("name"),
            caption=first.caption or about.get("caption"),
        )


def _linked_kind(url: str) -> str | None:
    path = url.split("?", 1)[0].lower()
    if path.endswith(IMAGE_SUFFIXES):
        return IMAGE
    if path.endswith(ATTACHMENT_SUFFIXES) or DOWNLOAD_PATH.search(url):
        return ATTACHMENT
    return None


def _caption(image: HtmlElement) -> str | None:
    """The image's ``figcaption`` when it sits in a ``figure``, else its ``alt``."""
    for figure in image.iterancestors("figure"):
        for caption in figure.iter("figcaption"):
            return " ".join(caption.text_content().split()) or None
    alt = (image.get("alt") or "").strip()
    return alt or None
