"""Portals no family knows: article links found by shape (or by the site's
``article_pattern``), the body left to trafilatura over the whole page."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from pipelines.families.base import PortalFamily

_HAS_DIGIT = re.compile(r"\d")


class Generic(PortalFamily):
    name = "generic"
    list_links = (
        "article a[href], h1 a[href], h2 a[href], h3 a[href], h4 a[href], "
        "li.title a[href], .title a[href], .subject a[href]"
    )

    def is_article_url(self, url: str, page_url: str) -> bool:
        """Same host, another path than the list's, and a number in it (an id or a date)."""
        target, listing = urlsplit(url), urlsplit(page_url)
        if target.hostname != listing.hostname or target.path == listing.path:
            return False
        return bool(_HAS_DIGIT.search(target.path + "?" + target.query))
