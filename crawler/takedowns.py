"""Whether a revisit found its article taken down, and why: a 404 or 410, the
CMS's deleted-post alert (Gnuboard's "글이 존재하지 않습니다" and its kind:
an alert page served in its place, ``pipelines.pages``), or a redirect to the
site's list or home page."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit

from crawler.items import CaptureItem
from crawler.sites import SiteProfile
from pipelines.article_page import PageProblem

# the query fields a list page's URL may carry besides its board: its page
_PAGING = frozenset({"page", "p", "pg", "pageIndex", "cpage"})


def takedown(item: CaptureItem, profile: SiteProfile) -> str | None:
    """Why the revisited page in ``item`` says its article is gone, or None."""
    if item.status in (404, 410):
        return str(item.status)
    error = item.error
    if (
        error is not None
        and error.problem is PageProblem.NOT_ARTICLE
        and error.detail.startswith("alert page")
    ):
        return "deleted-post alert"
    if item.final_url != item.url:
        where = _place(item.final_url)
        if where == _place(profile.list_page_url(1)):
            return "redirected to the list"
        if urlsplit(item.final_url).path in ("", "/") and not urlsplit(item.final_url).query:
            return "redirected to the home page"
    return None


def _place(url: str) -> tuple[str, str, str]:
    """``url``'s host, path and query without its paging fields."""
    split = urlsplit(url)
    query = sorted((k, v) for k, v in parse_qsl(split.query) if k not in _PAGING)
    return split.netloc.lower(), split.path.rstrip("/") or "/", urlencode(query)
