"""The requisites an article page links: the images in its body (with
caption and ``alt``), its ``og:image``, and the files it links (documents,
archives, images, and the CMS download links that name no file).

Pure: a function of the page's HTML and URL; the crawl decides what to fetch.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urldefrag, urljoin

import lxml.html

# a linked file is taken for an attachment by its name's ending
ATTACHMENT_SUFFIXES = (".hwp", ".hwpx", ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".zip")
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp")
# a CMS download link, told by its path; what it serves is told by the response
DOWNLOAD_PATH = re.compile(r"download\.php|downloadBbsFile\.do|fileDown", re.IGNORECASE)


@dataclass(frozen=True)
class RequisiteLink:
    """One requisite of a page: its absolute URL, ``image`` or ``attachment``,
    the name the page gives it, and an image's caption or ``alt``."""

    url: str
    kind: str
    name: str | None = None
    caption: str | None = None


def requisite_links(html: str, page_url: str) -> list[RequisiteLink]:
    """The page's requisites in page order, each URL once (its first mention wins)."""
    if not html.strip():
        return []
    root = lxml.html.document_fromstring(html)
    found: dict[str, RequisiteLink] = {}
    for meta in root.xpath('//meta[@property="og:image"][@content]'):
        _add(found, urljoin(page_url, meta.get("content").strip()), "image")
    for image in root.xpath("//body//img[@src]"):
        caption = _caption(image)
        _add(found, urljoin(page_url, image.get("src").strip()), "image", caption=caption)
    for anchor in root.xpath("//a[@href]"):
        url = urljoin(page_url, anchor.get("href").strip())
        kind = _linked_kind(url)
        if kind:
            name = " ".join(anchor.text_content().split()) or None
            _add(found, url, kind, name=name)
    return list(found.values())


def _add(found: dict[str, RequisiteLink], url: str, kind: str, **about: str | None) -> None:
    url = urldefrag(url)[0]
    if url.startswith(("http://", "https://")) and url not in found:
        found[url] = RequisiteLink(url, kind, **about)


def _linked_kind(url: str) -> str | None:
    path = url.split("?", 1)[0].lower()
    if path.endswith(IMAGE_SUFFIXES):
        return "image"
    if path.endswith(ATTACHMENT_SUFFIXES) or DOWNLOAD_PATH.search(url):
        return "attachment"
    return None


def _caption(image: lxml.html.HtmlElement) -> str | None:
    """The image's ``figcaption`` when it sits in a ``figure``, else its ``alt``."""
    for figure in image.iterancestors("figure"):
        for caption in figure.iter("figcaption"):
            return " ".join(caption.text_content().split()) or None
    alt = (image.get("alt") or "").strip()
    return alt or None
