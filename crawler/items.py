"""The items a crawl produces: one fetched article page, raw, as the pipelines
receive it; and the archived articles a list page linked to (not fetched again)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from crawler.families import ArticleLayout
    from pipelines.extraction import ExtractedArticle
    from pipelines.fingerprint import Fingerprint


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
    list_page: int  # the list page that linked to it
    error: str | None = None  # why the fetch failed or the page is not an article
    places: tuple[str, ...] = ()  # the URLs list pages linked it by (crawler.urls.location)
    site_layout: ArticleLayout | None = None  # the site's own article selectors (sites.yaml)
    # filled in by the pipelines
    article: ExtractedArticle | None = None
    fingerprint: Fingerprint | None = field(default=None, repr=False)
    outcome: str | None = None


@dataclass
class SeenLinks:
    """Articles a list page linked to that the archive already holds: recorded
    as sightings (seen again now), not fetched."""

    site: str
    links: dict[str, list[str]]  # canonical URL -> the URLs the page linked it by
    seen_at: datetime
