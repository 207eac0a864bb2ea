"""URL canonicalization: one URL per article, before anything is fetched twice.

The general part (any portal) uses courlan and w3lib: lower-case host, default
port and fragment dropped, tracking parameters (``utm_*``, ``fbclid``, ...)
and session parameters (``PHPSESSID``, ``jsessionid``, ...) removed, the rest
sorted and percent-encoded one way. :func:`location` stops there: it names a
place an article was seen at.

:func:`canonical_url` adds what a portal family knows: the query parameters
that name an article (everything else, such as Gnuboard's ``page=3``, is
dropped), the paths of print and mobile views of the article view, and
``m.``/``mobile.`` hosts, folded onto the site's own host.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from courlan import normalize_url
from w3lib.url import canonicalize_url

# query parameters that carry a session, not a document (compared lower-cased)
SESSION_PARAMS = frozenset(
    {
        "phpsessid",
        "jsessionid",
        "aspsessionid",
        "sessionid",
        "session_id",
        "sessid",
        "sid",
        "cfid",
        "cftoken",
    }
)
# query parameters that track a visitor or a campaign, never name a document
TRACKING_PARAMS = re.compile(
    r"utm_|(?:fbc|gc|dc|yc|msclk|igsh|ttc|wbra|gbra)l?id$|mc_(?:eid|cid)$|_ga$|_gl$|"
    r"(?:aff|affiliate|campaign|medium|kwd|keyword|xtor)$",
    re.IGNORECASE,
)
MOBILE_HOST_PREFIXES = ("m.", "mobile.")
_PATH_SESSION = re.compile(r";jsessionid=[^/?#]*", re.IGNORECASE)


@lru_cache(maxsize=4096)
def location(url: str) -> str:
    """``url`` as a place: normalized, without fragment, tracking or session parameters.

    Cached: a list page's links are each located twice (as a place, and on the
    way to their canonical URL), and pinned notices and menus recur on every
    list page."""
    url = _PATH_SESSION.sub("", url.strip())
    asked = urlsplit(url)
    # courlan's own query cleaning takes ids for trackers (uid=, ref=, source=): not used
    page = normalize_url(urlunsplit((*asked[:3], "", "")), strict=False)
    query = urlencode(
        [
            (key, value)
            for key, value in parse_qsl(asked.query, keep_blank_values=True)
            if key.lower() not in SESSION_PARAMS and not TRACKING_PARAMS.match(key)
        ]
    )
    parts = urlsplit(canonicalize_url(urlunsplit((*urlsplit(page)[:3], query, "")), False))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))


def canonical_url(
    url: str,
    *,
    article_params: Sequence[str] = (),
    view_paths: Mapping[str, str] | None = None,
    home: str | None = None,
) -> str:
    """The canonical URL of the article at ``url``.

    ``article_params``: the query parameters that name an article; when given,
    only they are kept, in that order. ``view_paths``: print or mobile view
    paths mapped to the article view's path. ``home``: a URL of the site (a
    list page), whose host a ``m.``/``mobile.`` host of the same domain is
    folded onto; without it the prefix is dropped.
    """
    parts = urlsplit(location(url))
    netloc = _desktop_host(parts.netloc, urlsplit(home).netloc.lower() if home else None)
    path = (view_paths or {}).get(parts.path, parts.path)
    query = parts.query
    if article_params:
        found = dict(parse_qsl(query, keep_blank_values=True))
        query = urlencode([(key, found[key]) for key in article_params if key in found])
    return urlunsplit((parts.scheme, netloc, path, query, ""))


def _desktop_host(netloc: str, home: str | None) -> str:
    """``m.example.kr`` -> the home host when it is ``example.kr`` or ``www.example.kr``;
    kept when the site itself is on ``m.example.kr``."""
    if netloc == home:
        return netloc
    for prefix in MOBILE_HOST_PREFIXES:
        if netloc.startswith(prefix):
            bare = netloc[len(prefix) :]
            if home is not None and home.removeprefix("www.") == bare:
                return home
            return bare
    return netloc
