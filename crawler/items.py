"""The item a crawl produces: one fetched article page, raw, as the pipelines receive it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pipelines.extraction import ExtractedArticle


@dataclass
class CaptureItem:
    """An article page as fetched (or as it failed), plus what the pipelines made of it."""

    site: str
    family: str
    url: str  # canonical URL the crawler asked for
    final_url: str  # where redirects ended
    status: int | None  # HTTP status; None when no response came
    headers: dict[str, str]
    body: bytes
    fetched_at: datetime
    list_page: int  # the list page that linked to it
    error: str | None = None  # why the fetch failed or the page is not an article
    # filled in by the pipelines
    article: ExtractedArticle | None = None
    outcome: str | None = None
