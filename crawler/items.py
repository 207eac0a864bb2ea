"""The items a crawl produces: one fetched article page, raw, as the item
pipelines receive it, with why it gave no article when it gave none
(``pipelines.article_page.PageError``), and its article's photos and files
as fetched; and the archived articles a list page linked to (not fetched again).

The article and fingerprint types are the page room's (imported for type
checking only): the item pipelines fill those fields in."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from pipelines.article_page import PageError, PageProblem
from storage.models import Outcome, RequisiteStatus

if TYPE_CHECKING:
    from pipelines.extraction import ExtractedArticle
    from pipelines.families import ArticleLayout
    from pipelines.fingerprint import Fingerprint
    from storage.exchange import Exchange


def outcome_of(error: PageError) -> Outcome:
    """What a page's capture is when it gave no article: not an article (for
    good), or failed (tried again by later runs): a members-only page too,
    whose article a later run may find open."""
    return Outcome.NOT_ARTICLE if error.problem is PageProblem.NOT_ARTICLE else Outcome.FAILED


# the list page number of the articles a feed or a sitemap found (list pages count from 1)
NO_LIST_PAGE = 0


@dataclass
class CaptureItem:
    """An article page as fetched (or as it failed), plus what the pipelines made of it."""

    site: str
    family: str | None  # the portal family that reads it; None: detected on the page
    url: str  # canonical URL the crawler asked for
    final_url: str  # where redirects ended
    status: int | None  # HTTP status; None when no response came
    headers: dict[str, str]
    body: bytes = field(repr=False)  # logged items would carry whole pages
    fetched_at: datetime
    list_page: int  # the list page that linked to it (NO_LIST_PAGE: a feed or a sitemap)
    error: PageError | None = None  # why the fetch failed or the page is not an article
    places: tuple[str, ...] = ()  # the URLs list pages linked it by (pipelines.urls.location)
    # the request as sent and the response as received (body before decoding); None: no response
    exchange: Exchange | None = field(default=None, repr=False)
    site_layout: ArticleLayout | None = None  # the site's own article selectors (sites.yaml)
    # the requisites its site keeps ("image", "attachment": sites.yaml ``requisites:``)
    requisite_kinds: frozenset[str] = frozenset()
    # where the crawl found its link first (storage.models.FoundBy); None: tried again
    found_by: str | None = None
    # the further pages of an article paged over several, in order: each kept
    # as a capture of its own, their text joined to this page's article
    continued: tuple[CaptureItem, ...] = ()
    # the archived article this page is a revisit of (its id); None: no revisit
    revisit: int | None = None
    # its article's photos and files, as fetched (crawler.archiving.requisites_pipeline)
    requisites: tuple[FetchedRequisite, ...] = ()
    # filled in by the pipelines
    article: ExtractedArticle | None = None
    fingerprint: Fingerprint | None = field(default=None, repr=False)
    # the site's boilerplate lines its article was extracted without
    extracted_without: frozenset[str] = field(default=frozenset(), repr=False)
    outcome: Outcome | None = None


@dataclass
class FetchedRequisite:
    """A photo or a file of an article, as the crawl fetched it (or why not)."""

    url: str
    kind: str  # "image" or "attachment", as the response told
    status: RequisiteStatus
    fetched_at: datetime
    file_type: str | None = None  # pipelines.attachment_text.KINDS
    name: str | None = None
    caption: str | None = None
    reason: str | None = None  # why not stored, or why an attachment gave no text
    media_type: str | None = None
    sha256: str | None = None
    size: int | None = None
    text: str | None = None
    # the fetch as received (shared by the run's articles that carry the URL); None: no response
    fetch: CaptureItem | None = field(default=None, repr=False)
    # its bytes, content-decoded, to keep under their digest; None: none, or known stored
    body: bytes | None = field(default=None, repr=False)


@dataclass
class SeenLinks:
    """Articles a list page linked to that the archive already holds: recorded
    as sightings (seen again now), not fetched."""

    site: str
    links: dict[str, list[str]]  # canonical URL -> the URLs the page linked it by
    seen_at: datetime
