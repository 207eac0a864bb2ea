"""A site's ``article_pattern``: matched against a link as the page writes it
(absolute) and against its canonical URL, so that a pattern written from the
page's own query order (``sub_read.html?uid=5059&section=sc6``) still holds
where the canonical URL sorts the query; and which links of list page 1 it
matched and which it did not, for ``scrapy probe`` to show."""

from __future__ import annotations

import re
from dataclasses import dataclass


def pattern_matches(pattern: re.Pattern[str], written: str, canonical: str) -> bool:
    """Whether ``pattern`` finds the link as written (absolute) or its canonical URL."""
    return pattern.search(written) is not None or pattern.search(canonical) is not None


@dataclass(frozen=True)
class PatternCheck:
    """The same-site links of list page 1, as written (absolute, once each), that
    the site's pattern matched and those it did not; the links that look like
    articles (of the template the page showed) first among the missed."""

    matched: tuple[str, ...]
    missed: tuple[str, ...]
