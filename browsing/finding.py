"""The landing page's query: words, site, a range of Korea days, an author
and what became of the article (changed since first seen, taken down), read
from the page's address, turned into one SQL statement over the
archive (newest first, one page of results, with the count of all matches).

Words are matched as ``storage.search`` matches them (:data:`MATCHING_IDS`:
the trigram index from three characters, the short-query index below, the
page read newest first through the index of publication times, the count
of words alone from the search indexes); with no words the latest articles
are listed, filters still applied. Days are Korea
days: the range and the order (newest first) are read from the index of the
publication time in Korea time that migration 0017 keeps
(``articles.published_kst``), never from times computed for every row."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from storage.search import MATCH_COUNT, MATCHING_IDS

PAGE_SIZE = 20
LAST_PAGE = 1_000_000  # beyond any archive's results, within SQLite's integers
# what became of an article, as the address names it: as the form says it, and
# its condition on ``articles``
STATES = {
    "changed": ("changed since first seen", "articles.version > 1"),
    "gone": ("taken down", "articles.gone_at IS NOT NULL"),
    "changed-or-gone": (
        "changed or taken down",
        "(articles.version > 1 OR articles.gone_at IS NOT NULL)",
    ),
}


@dataclass(frozen=True)
class Finding:
    """What the landing page was asked for; empty fields filter nothing."""

    words: str = ""
    site: str = ""
    since: date | None = None
    until: date | None = None
    author: str = ""
    state: str = ""  # a key of STATES: changed, taken down, either
    page: int = 1
    problems: tuple[str, ...] = field(default=())

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> Finding:
        """The request's ``q``, ``site``, ``since``, ``until`` (YYYY-MM-DD),
        ``author``, ``state`` (:data:`STATES`) and ``page``; a field not
        understood is left out and named in :attr:`problems`."""
        problems: list[str] = []

        def day(name: str, label: str) -> date | None:
            value = args.get(name, "").strip()
            if not value:
                return None
            try:
                return date.fromisoformat(value)
            except ValueError:
                problems.append(f"{label} “{value}” is not a date (YYYY-MM-DD): left out")
                return None

        since, until = day("since", "from"), day("until", "to")
        page = args.get("page", "1").strip() or "1"
        if not (page.isascii() and page.isdigit() and 1 <= int(page) <= LAST_PAGE):
            problems.append(f"page “{page}” is not a page number: page 1 shown")
            page = "1"
        state = args.get("state", "").strip()
        if state and state not in STATES:
            problems.append(f"“{state}” is not what became of an article: left out")
            state = ""
        return cls(
            words=args.get("q", "").strip(),
            site=args.get("site", "").strip(),
            since=since,
            until=until,
            author=args.get("author", "").strip(),
            state=state,
            page=int(page),
            problems=tuple(problems),
        )

    def sql(self) -> tuple[str, dict[str, Any]]:
        """The statement and its parameters: this page's articles, newest
        first (undated last), each with its body and the count of all matches."""
        conditions, params = self._filters()
        where = " AND ".join(conditions)
        params |= {"limit": PAGE_SIZE, "offset": (self.page - 1) * PAGE_SIZE}
        # the page's ids are found first, walking the index of publication
        # times newest first (the matches of words looked up on the way), the
        # bodies read for them alone; the count reads indexes too: of words
        # alone, the search indexes' matches
        words_alone = conditions == ["1", MATCHING_IDS]
        total = MATCH_COUNT if words_alone else f"SELECT count(*) FROM articles WHERE {where}"
        statement = f"""
WITH page AS (
  SELECT articles.id, articles.published_kst FROM articles WHERE {where}
  ORDER BY articles.published_kst DESC, articles.id DESC
  LIMIT :limit OFFSET :offset
)
SELECT articles.id, articles.title, sites.name AS site, articles.author,
       articles.published_kst AS published, articles.url, articles.body,
       articles.version, articles.gone_at, ({total}) AS total
FROM page JOIN articles ON articles.id = page.id JOIN sites ON sites.id = articles.site_id
ORDER BY page.published_kst DESC, page.id DESC
"""
        return statement, params

    def _filters(self) -> tuple[list[str], dict[str, Any]]:
        """The articles found, as conditions on ``articles``, and their parameters."""
        conditions, params = ["1"], {}
        if self.words:
            conditions.append(MATCHING_IDS)
            params["q"] = self.words
        if self.site:
            # the site's entries of the index by site and publication time
            # (migration 0022), its days a range of them
            conditions.append("articles.site_id = (SELECT id FROM sites WHERE name = :site)")
            params["site"] = self.site
        # Korea days: a range of the indexed Korea time (``2024-03-01T00:00:00+09:00``
        # sorts after ``2024-03-01``), read in order from the index
        if self.since:
            conditions.append("articles.published_kst >= :since")
            params["since"] = self.since.isoformat()
        if self.until:
            conditions.append("articles.published_kst < :after")
            params["after"] = (self.until + timedelta(days=1)).isoformat()
        if self.author:
            conditions.append("instr(articles.author, :author) > 0")
            params["author"] = self.author
        if self.state:
            conditions.append(STATES[self.state][1])
        return conditions, params

    def args(self, **changes: Any) -> dict[str, str]:
        """The address's fields of this finding with ``changes``, empty ones
        left out: the links to other pages of the results."""
        values = {
            "q": self.words,
            "site": self.site,
            "since": self.since.isoformat() if self.since else "",
            "until": self.until.isoformat() if self.until else "",
            "author": self.author,
            "state": self.state,
            "page": str(self.page),
        }
        values |= {key: str(value) for key, value in changes.items()}
        return {
            key: value
            for key, value in values.items()
            if value and not (key == "page" and value == "1")
        }
