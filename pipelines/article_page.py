"""A fetched article page read whole: its article and fingerprint, or why the
page is none (:class:`PageError`). The page room's entry point: what the
crawl's extraction thread and its spawned workers run on a page's bytes. The
room imports neither Scrapy nor the archive, so a worker stays lean."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import Enum

from pipelines.decoding import Undecodable
from pipelines.extraction import ExtractedArticle, NotAnArticle, extract_article
from pipelines.families import ArticleLayout
from pipelines.fingerprint import Fingerprint, fingerprint


class PageProblem(Enum):
    """Why a fetched page gave no article; the value begins the stored reason."""

    FETCH = ""  # the request failed: no response, or an HTTP error status
    NOT_ARTICLE = "not an article"  # a 404, an alert page, an attachment: not fetched again
    UNDECODABLE = "undecodable"  # its text cannot be decoded
    EXTRACTION = "extraction failed"  # extraction raised, or its worker died


@dataclass(frozen=True)
class PageError:
    """A page's problem and its one-line details (``str()``: as the capture keeps it)."""

    problem: PageProblem
    detail: str

    def __str__(self) -> str:
        return f"{self.problem.value}: {self.detail}" if self.problem.value else self.detail


def extract_and_fingerprint(
    body: bytes,
    content_type: str | None,
    url: str,
    family: str | None,
    site_boilerplate: frozenset[str] = frozenset(),
    site_layout: ArticleLayout | None = None,
    continued: Sequence[tuple[bytes, str | None, str]] = (),
) -> tuple[ExtractedArticle, Fingerprint] | PageError:
    """The article (read with the site's own selectors where given, without
    the site's boilerplate lines) and its fingerprint (the normalized-body hash
    and MinHash the archive deduplicates by), or why the page is not one or
    cannot be read. Fingerprinting is CPU work too: it runs beside extraction,
    in the workers, not in the crawl's own process. An article paged over
    several pages has the further pages' bodies, content types and URLs
    ``continued``, in order: their paragraphs follow page 1's (a page that
    holds no article adds none)."""
    try:
        article = extract_article(
            body,
            content_type,
            url,
            family,
            site_boilerplate=site_boilerplate,
            site_layout=site_layout,
        )
    except NotAnArticle as exc:
        return PageError(PageProblem.NOT_ARTICLE, str(exc))
    except Undecodable as exc:
        return PageError(PageProblem.UNDECODABLE, str(exc))
    for page_body, page_type, page_url in continued:
        try:
            page = extract_article(
                page_body,
                page_type,
                page_url,
                family,
                site_boilerplate=site_boilerplate,
                site_layout=site_layout,
            )
        except (NotAnArticle, Undecodable):
            continue
        article = replace(article, paragraphs=article.paragraphs + page.paragraphs)
    return article, fingerprint(article.title, article.body)
