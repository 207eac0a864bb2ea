"""Site profiles: read and validate ``sites.yaml`` (or ``NEWSARCHIVE_SITES``).

A malformed entry is refused with one line naming the file, the site and the
field, before anything is crawled, and the other sites stay usable
(:func:`read_sites`): a run of the refused site fails, the others run. A file
that cannot be read as a whole (missing, a YAML syntax error: the line where
the unclosed quote or bracket opened) is refused whole.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import yaml
from cssselect import SelectorError
from lxml.cssselect import CSSSelector

from crawler.cron import cron_trigger
from pipelines.families import FAMILY_NAMES, ArticleLayout
from storage.database import project_root

DEFAULT_SCHEDULE = "30 6 * * *"  # 06:30 Asia/Seoul, before the archivists' day starts
_FIELDS = {
    "name",
    "list_url",
    "cms",
    "article_pattern",
    "schedule",
    "list_links",
    "article_url",
    "article",
    "feeds",
    "sitemaps",
    "render",
    "list_api",
    "revisit",
    "requisites",
}
_ARTICLE_FIELDS = ("title", "published", "author", "body", "drop")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")

# `sitemaps: auto`: the Sitemap: lines of the site's robots.txt, else /sitemap.xml
SITEMAPS_AUTO = "auto"
# `render: browser`: the site's pages are fetched through headless Chromium (crawler.rendering)
RENDER_BROWSER = "browser"
# `feeds: off`, `sitemaps: off`: the site's feeds or sitemaps are neither looked for nor read
ROUTE_OFF = "off"

# `requisites:`: which of an article's photos ("image") and files ("attachment") a run fetches
REQUISITE_CHOICES = {
    "all": frozenset({"image", "attachment"}),
    "images": frozenset({"image"}),
    "attachments": frozenset({"attachment"}),
    "none": frozenset(),
}

# an archived article is fetched again at these ages after publication (`revisit:`)
DEFAULT_REVISITS = (timedelta(days=1), timedelta(days=7), timedelta(days=30))
_AGE = re.compile(r"^([1-9][0-9]{0,3})([hd])$")

# builds the error for one field of the site being read
FieldError = Callable[[str, str], "SitesConfigError"]


class SitesConfigError(ValueError):
    """``sites.yaml`` is unusable; the message is one line naming file, site and field."""


@dataclass(frozen=True)
class SiteProfile:
    """One portal as configured: where its list is and what we know of it."""

    name: str
    list_url: str  # with "{page}" where the page number goes
    cms: str | None = None  # a family name; None: detect it from the pages
    article_pattern: re.Pattern[str] | None = None  # regex for article links
    schedule: str = DEFAULT_SCHEDULE  # cron, Asia/Seoul (see crawler.cron)
    list_links: str | None = None  # CSS: where list pages keep their article links
    article_url: str | None = None  # an article's URL by its id: "/news/read.php?no={id}"
    article: ArticleLayout | None = None  # the site's own article selectors, over its family's
    feeds: tuple[str, ...] = ()  # RSS or Atom feed URLs, read first by daily runs
    # sitemap URLs backfills take their window from; ("auto",): robots.txt's, else /sitemap.xml
    sitemaps: tuple[str, ...] = ()
    render: str | None = None  # "browser": fetch its pages through headless Chromium
    # whether runs look for feeds and sitemaps themselves (`feeds: off`, `sitemaps: off`: not)
    find_feeds: bool = True
    find_sitemaps: bool = True
    list_api: str | None = None  # a JSON list endpoint, with "{page}" where the page number goes
    # the ages after publication at which daily runs fetch an archived article again; (): never
    revisit: tuple[timedelta, ...] = DEFAULT_REVISITS
    # which requisites of an article its runs fetch and keep: "image", "attachment"
    requisites: frozenset[str] = REQUISITE_CHOICES["all"]

    def list_page_url(self, page: int) -> str:
        return self.list_url.replace("{page}", str(page))

    @property
    def hosts(self) -> frozenset[str]:
        """The host names the site lives on (its list host, with and without www.)."""
        return site_hosts(self.list_url)


def site_hosts(list_url: str) -> frozenset[str]:
    """The host names of the site at ``list_url``: its host, with and without www."""
    host = urlsplit(list_url).hostname or ""
    bare = host.removeprefix("www.")
    return frozenset({bare, "www." + bare} if "." in bare else {host})


def sites_path() -> Path:
    """``NEWSARCHIVE_SITES``, or ``sites.yaml`` in the project root."""
    named = os.environ.get("NEWSARCHIVE_SITES")
    return Path(named) if named else project_root() / "sites.yaml"


@dataclass(frozen=True)
class SitesFile:
    """A sites file as read: its usable profiles, and the entries refused."""

    path: Path
    profiles: dict[str, SiteProfile]
    # each refused entry's one line, by its name ("site #N" for one without a usable name)
    refused: dict[str, SitesConfigError]

    def site(self, name: str) -> SiteProfile:
        """The profile of site ``name``; its one line when it is refused or unknown."""
        if name in self.refused:
            raise self.refused[name]
        if name not in self.profiles:
            known = ", ".join(sorted(self.profiles)) or "none"
            raise SitesConfigError(f"{self.path}: no site named {name!r} (sites: {known})")
        return self.profiles[name]


def read_sites(path: Path | None = None) -> SitesFile:
    """The sites of ``path`` (default :func:`sites_path`): each entry read on its
    own, a malformed one refused with its line; :class:`SitesConfigError` only
    when the file as a whole cannot be read."""
    path = path or sites_path()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SitesConfigError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise _syntax_error(path, text, exc) from exc
    entries = document.get("sites") if isinstance(document, dict) else document
    if entries is None:  # an empty file, or `sites:` with every entry commented out
        entries = []
    if not isinstance(entries, list):
        raise SitesConfigError(f"{path}: expected a list of sites (or 'sites:' with a list)")
    profiles: dict[str, SiteProfile] = {}
    refused: dict[str, SitesConfigError] = {}
    numbers: dict[str, list[int]] = {}
    for number, entry in enumerate(entries, start=1):
        name = entry.get("name") if isinstance(entry, dict) else None
        key = name if isinstance(name, str) and name else f"site #{number}"
        numbers.setdefault(key, []).append(number)
        try:
            profiles[key] = _profile(path, number, entry)
        except SitesConfigError as exc:
            refused[key] = exc
    for key, found in numbers.items():
        if len(found) > 1:  # which of them is meant cannot be told: none runs
            profiles.pop(key, None)
            where = " and ".join(f"#{number}" for number in found)
            refused[key] = SitesConfigError(
                f"{path}: site {key!r}: field 'name': used twice (entries {where})"
            )
    return SitesFile(path, profiles, refused)


def load_sites(path: Path | None = None) -> dict[str, SiteProfile]:
    """All site profiles of ``path``, by name; the first refused entry's line
    when any is refused (for what needs every site: re-extraction)."""
    sites = read_sites(path)
    for error in sites.refused.values():
        raise error
    return sites.profiles


def load_site(name: str, path: Path | None = None) -> SiteProfile:
    """The profile of site ``name``; a clear error when it is refused or unknown
    (another site's bad entry is no error of this one)."""
    return read_sites(path).site(name)


# what a YAML error's context says it was reading: an opening that was never closed
_OPENINGS = {
    "while scanning a quoted scalar": "a quote",
    "while parsing a flow sequence": "a '['",
    "while parsing a flow mapping": "a '{'",
}


def _syntax_error(path: Path, text: str, exc: yaml.YAMLError) -> SitesConfigError:
    """The one line of a YAML syntax error: the line where an unclosed quote or
    bracket opened (the parser notices only later, where the file ends or where
    the next quote closes it)."""
    problem = getattr(exc, "problem", None) or "invalid YAML"
    found = getattr(exc, "problem_mark", None)
    later = f" (line {found.line + 1})" if found is not None else ""
    opened = getattr(exc, "context_mark", None)
    opening = _OPENINGS.get(getattr(exc, "context", None) or "")
    if opening and opened is not None:
        return SitesConfigError(
            f"{path}: line {opened.line + 1}: {opening} opened here (column "
            f"{opened.column + 1}) is not closed: {problem}{later}"
        )
    quote = _runaway_quote(text, found)
    if quote is not None:
        return SitesConfigError(
            f"{path}: line {quote.line + 1}: a quote opened here (column {quote.column + 1}) "
            f"is not closed on its line: {problem}{later}"
        )
    where = f" line {found.line + 1}:" if found is not None else ""
    return SitesConfigError(f"{path}:{where} {problem}")


def _runaway_quote(text: str, before: yaml.Mark | None) -> yaml.Mark | None:
    """Where the first quoted value that runs over a line end opened, before
    the error (a quote left open, closed by a later line's quote)."""
    end = before.index if before is not None else len(text)
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if token.start_mark.index >= end:
                break
            quoted = isinstance(token, yaml.ScalarToken) and token.style in ('"', "'")
            if quoted and token.start_mark.line != token.end_mark.line:
                return token.start_mark
    except yaml.YAMLError:
        pass
    return None


def _profile(path: Path, number: int, entry: Any) -> SiteProfile:
    if not isinstance(entry, dict):
        raise SitesConfigError(f"{path}: site #{number}: expected a mapping of fields")
    name = entry.get("name")
    label = f"site {name!r}" if isinstance(name, str) and name else f"site #{number}"

    def fail(field: str, problem: str) -> SitesConfigError:
        return SitesConfigError(f"{path}: {label}: field '{field}': {problem}")

    unknown = sorted(set(entry) - _FIELDS)
    if unknown:
        raise fail(str(unknown[0]), f"unknown field (known: {', '.join(sorted(_FIELDS))})")
    if not isinstance(name, str) or not name:
        raise fail("name", "missing")
    if not _NAME.match(name):
        raise fail("name", "use letters, digits, '.', '_' or '-' only")
    list_url = _list_url(entry.get("list_url"), fail)
    feeds, sitemaps = entry.get("feeds"), entry.get("sitemaps", SITEMAPS_AUTO)
    return SiteProfile(
        name=name,
        list_url=list_url,
        cms=_cms(entry.get("cms"), fail),
        article_pattern=_pattern(entry.get("article_pattern"), fail),
        schedule=_schedule(entry.get("schedule"), fail),
        list_links=_css(entry.get("list_links"), "list_links", fail),
        article_url=_article_url(entry.get("article_url"), fail),
        article=_article(entry.get("article"), name, fail),
        feeds=() if _off(feeds) else _site_urls(feeds, "feeds", list_url, fail),
        sitemaps=() if _off(sitemaps) else _sitemaps(sitemaps, list_url, fail),
        find_feeds=not _off(feeds),
        find_sitemaps=not _off(sitemaps),
        list_api=_list_api(entry.get("list_api"), list_url, fail),
        render=_render(entry.get("render"), fail),
        revisit=_revisit(entry.get("revisit", DEFAULT_REVISITS), fail),
        requisites=_requisites(entry.get("requisites", "all"), fail),
    )


def check_list_url(value: str, where: str) -> str:
    """``value`` as a list URL (given on the command line as ``where``), or a
    :class:`SitesConfigError` saying what is wrong with it."""

    def fail(field: str, problem: str) -> SitesConfigError:
        return SitesConfigError(f"{where}: {problem}")

    return _list_url(value, fail)


def _list_url(value: Any, fail: FieldError) -> str:
    if value is None or value == "":
        raise fail("list_url", "missing")
    if not isinstance(value, str):
        raise fail("list_url", "must be a URL string")
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises on a port out of range
    except ValueError as exc:
        raise fail("list_url", f"{value!r} is not a usable URL: {exc}") from exc
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise fail("list_url", f"{value!r} is not an http(s) URL")
    if "{page}" not in value:
        raise fail("list_url", "must contain {page} where the page number goes")
    return value


def _cms(value: Any, fail: FieldError) -> str | None:
    if value is None:
        return None
    if value not in FAMILY_NAMES:
        raise fail("cms", f"unknown cms {value!r} (known: {', '.join(FAMILY_NAMES)})")
    return str(value)


def _pattern(value: Any, fail: FieldError) -> re.Pattern[str] | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise fail("article_pattern", "must be a regular expression string")
    try:
        return re.compile(value)
    except re.error as exc:
        raise fail("article_pattern", f"bad regular expression: {exc}") from exc


def _schedule(value: Any, fail: FieldError) -> str:
    if value is None:
        return DEFAULT_SCHEDULE
    if not isinstance(value, str):
        raise fail("schedule", "must be a cron expression string like '30 6 * * *'")
    try:
        cron_trigger(value)
    except ValueError as exc:
        raise fail("schedule", f"bad cron expression {value!r}: {exc}") from exc
    return value


def _css(value: Any, field: str, fail: FieldError) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise fail(field, "must be a CSS selector string")
    try:
        CSSSelector(value)
    except SelectorError as exc:
        raise fail(field, f"bad CSS selector {value!r}: {exc}") from exc
    return value


def _article_url(value: Any, fail: FieldError) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or "{id}" not in value:
        raise fail("article_url", "must be a URL with {id} where the article id goes")
    return value


def _article(value: Any, site: str, fail: FieldError) -> ArticleLayout | None:
    if value is None:
        return None
    if not isinstance(value, dict) or not value:
        raise fail("article", f"must map some of {', '.join(_ARTICLE_FIELDS)} to CSS selectors")
    unknown = sorted(set(value) - set(_ARTICLE_FIELDS))
    if unknown:
        raise fail(f"article.{unknown[0]}", f"unknown field (known: {', '.join(_ARTICLE_FIELDS)})")
    selectors = {key: _css(css, f"article.{key}", fail) for key, css in value.items()}
    return ArticleLayout(name=f"site:{site}", **selectors)


def _site_urls(value: Any, field: str, list_url: str, fail: FieldError) -> tuple[str, ...]:
    """A list of URLs on the site's own host (paths are taken from its list URL)."""
    if value is None:
        return ()
    if not isinstance(value, list) or not value:
        raise fail(field, f"must be a list of URLs or {ROUTE_OFF!r}, not {_written(value)}")
    hosts = site_hosts(list_url)
    found: list[str] = []
    for item in value:
        if not isinstance(item, str) or not item.strip():
            raise fail(field, f"{item!r} is not a URL string")
        try:
            url = urljoin(list_url, item.strip())
            parts = urlsplit(url)
            parts.port  # noqa: B018 - raises on a port out of range
        except ValueError as exc:
            raise fail(field, f"{item!r} is not a usable URL: {exc}") from exc
        if parts.scheme not in ("http", "https") or parts.hostname not in hosts:
            named = " or ".join(sorted(hosts))
            raise fail(field, f"{item!r} is not an http(s) URL on the site's host ({named})")
        found.append(url)
    return tuple(dict.fromkeys(found))


def _requisites(value: Any, fail: FieldError) -> frozenset[str]:
    if isinstance(value, str) and value in REQUISITE_CHOICES:
        return REQUISITE_CHOICES[value]
    raise fail("requisites", f"must be one of {', '.join(REQUISITE_CHOICES)}, not {value!r}")


def _render(value: Any, fail: FieldError) -> str | None:
    if value is None or value == RENDER_BROWSER:
        return value
    raise fail("render", f"must be {RENDER_BROWSER!r} (or left out), not {value!r}")


def _sitemaps(value: Any, list_url: str, fail: FieldError) -> tuple[str, ...]:
    if value == SITEMAPS_AUTO:
        return (SITEMAPS_AUTO,)
    if not isinstance(value, list):
        raise fail(
            "sitemaps",
            f"must be {SITEMAPS_AUTO!r} (the default), {ROUTE_OFF!r} or a list of URLs, "
            f"not {_written(value)}",
        )
    return _site_urls(value, "sitemaps", list_url, fail)


def _written(value: Any) -> str:
    """``value`` as the user wrote it: YAML reads a bare yes or on as true."""
    return "yes" if value is True else repr(value)


def _off(value: Any) -> bool:
    """Whether a route field says ``off`` (YAML reads a bare ``off`` as false)."""
    return value is False or value == ROUTE_OFF


def _list_api(value: Any, list_url: str, fail: FieldError) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or "{page}" not in value:
        raise fail("list_api", "must be a URL with {page} where the page number goes")
    return _site_urls([value], "list_api", list_url, fail)[0]


def _revisit(value: Any, fail: FieldError) -> tuple[timedelta, ...]:
    """The revisit ages: a list like ``[1d, 7d, 30d]`` (days or hours), or ``off``."""
    if value is DEFAULT_REVISITS or value is None:
        return DEFAULT_REVISITS
    if _off(value):
        return ()
    if not isinstance(value, list) or not value:
        raise fail(
            "revisit", f"must be a list of ages like [1d, 7d, 30d] or 'off', not {_written(value)}"
        )
    ages = []
    for item in value:
        found = _AGE.match(item) if isinstance(item, str) else None
        if found is None:
            raise fail("revisit", f"{_written(item)} is not an age like 1d or 12h")
        number, unit = int(found.group(1)), found.group(2)
        ages.append(timedelta(days=number) if unit == "d" else timedelta(hours=number))
    if ages != sorted(set(ages)):
        raise fail("revisit", "ages must grow from one to the next, each once")
    return tuple(ages)
