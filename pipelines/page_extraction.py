"""What an extraction worker runs on a fetched page: the article and its
fingerprint, or why the page is none. Its own module, importing extraction and
fingerprinting alone, so a spawned worker (``pipelines.processes``) imports
neither Scrapy nor the archive's writer: about 35 MB less per worker."""

from __future__ import annotations

from crawler.families import ArticleLayout
from crawler.items import PageError, PageProblem
from pipelines.decoding import Undecodable
from pipelines.extraction import ExtractedArticle, NotAnArticle, extract_article
from pipelines.fingerprint import Fingerprint, fingerprint


def extract_and_fingerprint(
    body: bytes,
    content_type: str | None,
    url: str,
    family: str | None,
    site_boilerplate: frozenset[str] = frozenset(),
    site_layout: ArticleLayout | None = None,
) -> tuple[ExtractedArticle, Fingerprint] | PageError:
    """The article (read with the site's own selectors where given, without
    the site's boilerplate lines) and its fingerprint (the normalized-body hash
    and MinHash the archive deduplicates by), or why the page is not one or
    cannot be read. Fingerprinting is CPU work too: it runs beside extraction,
    in the workers, not in the crawl's own process."""
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
    return article, fingerprint(article.title, article.body)
