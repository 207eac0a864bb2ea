"""Article URL templates: a URL with its ids generalized (``/view.php?idx={n}``),
so that the links of one kind on a page fall into one group, whatever the site.

A path segment of digits becomes ``{n}``, a segment holding digits among
other characters (a date, a slug with a number) ``{x}``, a slug of three or
more words without a digit (``mayor-opens-library``) ``{w}``; a query value
of digits ``{n}``, any other value ``{s}``. The page parameter of the list URL is
left out (Gnuboard repeats ``page=3`` in its article links). A template
inferred from a group of links keeps as literals the parts all of them share
(``/bbs/board.php?bo_table=news&wr_id={n}``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from pipelines import urls

NUMBER = "{n}"
WITH_DIGITS = "{x}"
SLUG = "{w}"
TEXT = "{s}"
ID = "{id}"
_DIGITS = re.compile(r"^\d+$")
_HAS_DIGIT = re.compile(r"\d")
# words joined by hyphens or underscores, three at least: a headline's slug
_SLUG = re.compile(r"^[A-Za-z]+(?:[-_][A-Za-z]+){2,}$")
_VARIABLES = (NUMBER, WITH_DIGITS, SLUG)

Parts = tuple[tuple[str, ...], tuple[tuple[str, str], ...]]


@dataclass(frozen=True)
class LinkTemplate:
    """The shape of a family of URLs: path segments and query parameters,
    each literal or a variable (``{n}``, ``{x}``, ``{s}``)."""

    segments: tuple[str, ...]
    params: tuple[tuple[str, str], ...]  # (name, literal value or variable), sorted by name

    def __str__(self) -> str:
        path = "/".join(self.segments)
        if not self.params:
            return path
        return path + "?" + "&".join(f"{name}={value}" for name, value in self.params)

    @classmethod
    def parse(cls, text: str) -> LinkTemplate:
        """The template written as :meth:`__str__` writes it."""
        path, _, query = text.partition("?")
        pairs = (pair.partition("=") for pair in query.split("&") if pair)
        return cls(tuple(path.split("/")), tuple(sorted((n, v) for n, _, v in pairs)))

    @property
    def shapes(self) -> tuple[str, ...]:
        """The path segments, then the parameter values."""
        return (*self.segments, *(value for _, value in self.params))

    @property
    def ids(self) -> int:
        """How many id variables (numbers, slugs) the template has."""
        return sum(shape in _VARIABLES for shape in self.shapes)

    @property
    def param_names(self) -> tuple[str, ...]:
        """The query parameters that name an article of this template."""
        return tuple(name for name, _ in self.params)

    def matches(self, url: str, page_param: str | None = None) -> bool:
        """Whether ``url`` is of this template."""
        segments, params = _parts(url, page_param)
        if len(segments) != len(self.segments) or [n for n, _ in params] != list(self.param_names):
            return False
        values = (*segments, *(value for _, value in params))
        return all(_fits(value, shape) for value, shape in zip(values, self.shapes, strict=True))

    def specialized(self, links: list[str], page_param: str | None = None) -> LinkTemplate:
        """This template with each variable that holds one value across ``links``
        (all of this template; a board name, a site's section) made that value;
        numbers stay variables (the year of a dated path changes)."""
        if len(set(links)) < 2:
            return self
        columns = zip(*(_values(url, page_param) for url in links), strict=True)
        fixed = [
            values[0] if len(set(values)) == 1 and shape != NUMBER else shape
            for values, shape in zip(columns, self.shapes, strict=True)
        ]
        count = len(self.segments)
        return LinkTemplate(
            tuple(fixed[:count]), tuple(zip(self.param_names, fixed[count:], strict=True))
        )

    def canonical_url(self, url: str, home: str | None = None) -> str:
        """``url`` (of this template) with only the template's parameters kept."""
        return urls.canonical_url(url, article_params=self.param_names, home=home)

    def url_for(self, article_id: str, page_url: str) -> str | None:
        """The article URL of ``article_id`` on the site of ``page_url``, when the
        template has exactly one variable, a whole number; else None."""
        if self.ids != 1 or NUMBER not in self.shapes or TEXT in self.shapes:
            return None
        segments = [article_id if s == NUMBER else s for s in self.segments]
        query = [(n, article_id if v == NUMBER else v) for n, v in self.params]
        parts = urlsplit(page_url)
        return urlunsplit((parts.scheme, parts.netloc, "/".join(segments), urlencode(query), ""))


def template_of(url: str, page_param: str | None = None) -> LinkTemplate:
    """The template ``url`` belongs to; ``page_param`` (the list's page
    parameter) is left out of it."""
    segments, params = _parts(url, page_param)
    return LinkTemplate(
        tuple(_generalized_segment(segment) for segment in segments),
        tuple((name, _generalized_value(value)) for name, value in params),
    )


def page_param(list_url: str) -> str | None:
    """The query parameter of ``list_url`` (a URL with ``{page}``) that numbers the pages."""
    query = urlsplit(list_url.replace("{page}", "PAGE")).query
    return next((n for n, v in parse_qsl(query) if v == "PAGE"), None)


def fill(article_url: str, article_id: str, page_url: str) -> str:
    """A site's ``article_url`` (``/news/read.php?no={id}``) for ``article_id``,
    absolute against ``page_url``."""
    return urljoin(page_url, article_url.replace(ID, article_id))


def _parts(url: str, page_param: str | None) -> Parts:
    """The path segments of ``url`` and its query parameters (but the page's), sorted."""
    parts = urlsplit(url)
    params = sorted(
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if name != page_param
    )
    return tuple(parts.path.split("/")), tuple(params)


def _values(url: str, page_param: str | None) -> tuple[str, ...]:
    segments, params = _parts(url, page_param)
    return (*segments, *(value for _, value in params))


def _fits(value: str, shape: str) -> bool:
    if shape == NUMBER:
        return bool(_DIGITS.match(value))
    if shape in (WITH_DIGITS, SLUG):
        return _generalized_segment(value) == shape
    if shape == TEXT:
        return bool(value) and not _DIGITS.match(value)
    return value == shape


def _generalized_segment(segment: str) -> str:
    if _DIGITS.match(segment):
        return NUMBER
    if _HAS_DIGIT.search(segment):
        return WITH_DIGITS
    if _SLUG.match(segment):
        return SLUG
    return segment


def _generalized_value(value: str) -> str:
    if _DIGITS.match(value):
        return NUMBER
    return TEXT if value else ""
