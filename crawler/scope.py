"""Which URLs belong to the site being crawled: http(s) URLs of reasonable
length on the site's own host names and port.

Scrapy's ``allowed_domains`` ignores ports and lets any request with
``dont_filter`` through; the scope is checked for every link the spider
follows and, by ``SiteScopeMiddleware``, for every request (redirects too).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from crawler.sites import SiteProfile

_DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class SiteScope:
    """The site's host names and ports, and the longest URL worth requesting."""

    hosts: frozenset[str]
    ports: frozenset[int]
    max_length: int

    @classmethod
    def of(cls, profile: SiteProfile, max_length: int) -> SiteScope:
        """The scope of ``profile``: its list URL's hosts, on the list URL's port
        (or on both 80 and 443 when it uses its scheme's default, so that a site
        moving between http and https stays in scope)."""
        parts = urlsplit(profile.list_url)
        if parts.port is None or parts.port == _DEFAULT_PORTS[parts.scheme]:
            return cls(profile.hosts, frozenset(_DEFAULT_PORTS.values()), max_length)
        return cls(profile.hosts, frozenset({parts.port}), max_length)

    def refusal(self, url: str, any_host: bool = False) -> str | None:
        """Why ``url`` is out of scope, or None when the crawler may request it
        (on another host too, with ``any_host``)."""
        if len(url) > self.max_length:
            return f"URL of {len(url)} characters (longer than {self.max_length})"
        parts = urlsplit(url)
        if parts.scheme not in _DEFAULT_PORTS:
            return f"not an http(s) URL: {url[:80]}"
        try:
            port = parts.port or _DEFAULT_PORTS[parts.scheme]
        except ValueError:
            return f"bad port in {parts.netloc}"
        if not any_host and (parts.hostname not in self.hosts or port not in self.ports):
            return f"off the site: {parts.netloc}"
        return None
