"""The landing page (``/``): the archive's search. A form of words, site,
Korea-day range, author and what became of the article (changed, taken
down); its results newest first, a page at a time, each
with its title linking the article's page, its site, time and snippet. With
no words it lists the latest articles. A search that outlasts Datasette's
time limit says so. Datasette's tables and SQL editor are a link away."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from datasette.database import QueryInterrupted
from datasette.utils.asgi import Request, Response

from browsing.finding import PAGE_SIZE, STATES, Finding
from browsing.showing import snippet

SITES = "SELECT name FROM sites ORDER BY name"
# the form's choices of what became of an article
STATE_CHOICES = (("", "any article"), *((key, label) for key, (label, _) in STATES.items()))


async def landing_page(datasette: Any, request: Request) -> Response:
    """The search form and one page of what it finds."""
    database = datasette.get_database()
    finding = Finding.from_args(request.args)
    statement, params = finding.sql()
    problems, interrupted = list(finding.problems), False
    try:
        rows = [dict(row) for row in await database.execute(statement, params)]
    except QueryInterrupted:
        limit = datasette.setting("sql_time_limit_ms") / 1000
        problems.append(
            f"The search took longer than {limit:g} s: narrow it by site, days or more words."
        )
        rows, interrupted = [], True
    for row in rows:
        row["snippet"] = snippet(row.pop("body"), finding.words)
    total = rows[0]["total"] if rows else 0
    first = (finding.page - 1) * PAGE_SIZE + 1

    def page_link(page: int) -> str:
        args = finding.args(page=page)
        return datasette.urls.path("/") + (f"?{urlencode(args)}" if args else "")

    context = {
        "database": database.name,
        "finding": finding,
        "problems": problems,
        "interrupted": interrupted,
        "sites": [row["name"] for row in await database.execute(SITES)],
        "states": STATE_CHOICES,
        "rows": rows,
        "total": total,
        "first": first,
        "last": first + len(rows) - 1,
        "newer": page_link(finding.page - 1) if finding.page > 1 else None,
        "older": page_link(finding.page + 1) if first + len(rows) <= total else None,
    }
    return Response.html(await datasette.render_template("landing.html", context, request))
