"""newsarchive's Datasette plugin: the landing page is the search
(:mod:`browsing.landing`, in place of Datasette's list of databases), ``?_q=``
searches the article list (its facets counted as its rows are read), titles link to the article's
page (``/-/article/ID``: body paragraphs, photos and files, copies, sightings, its versions with
what changed from one to the next, when it was taken down and back), which links the
raw capture (``/-/capture/ID``, served as fetched, scripts sandboxed). The
templates show times in Korea time to the minute (filter ``korea_time``)."""

from __future__ import annotations

import asyncio
import json
import zlib
from typing import Any

from datasette import hookimpl
from datasette.app import Datasette
from datasette.filters import FilterArguments
from datasette.utils.asgi import NotFound, Request, Response
from jinja2 import Environment
from markupsafe import Markup, escape

from browsing.facets import start_searched_counts
from browsing.landing import landing_page
from browsing.showing import changes, korea_time
from storage.mirror import source_capture
from storage.search import END_MARK, MARK, MATCHING_IDS

ARTICLE = """
SELECT article_index.*, articles.body, articles.capture_id, articles.version,
       articles.modified, articles.gone_at,
       original.id AS original_id, original.title AS original_title
FROM article_index JOIN articles ON articles.id = article_index.id
LEFT JOIN articles AS original ON original.id = articles.duplicate_of_id
WHERE article_index.id = :id
"""
COPIES = """
SELECT id, title, site, published, url FROM article_index
WHERE duplicate_of = :id ORDER BY published, id
"""
SIGHTINGS = """
SELECT sightings.url, sites.name AS site, sightings.published, sightings.first_seen,
       sightings.last_seen
FROM sightings JOIN sites ON sites.id = sightings.site_id
WHERE sightings.article_id = :id ORDER BY sightings.first_seen, sightings.id
"""

VERSIONS = """
SELECT version, seen_at, modified, title, author, body, capture_id FROM article_versions
WHERE article_id = :id ORDER BY version
"""
# its photos and files as the crawl recorded them, in the page's order
REQUISITES = """
SELECT url, kind, file_type, name, caption, status, reason, size, text, capture_id
FROM requisites WHERE article_id = :id ORDER BY id
"""
# a raw capture: its compressed body (its own, or the payload it shares by digest)
CAPTURE = """
SELECT CASE WHEN length(captures.body_zlib) = 0 AND payloads.body_zlib IS NOT NULL
            THEN payloads.body_zlib ELSE captures.body_zlib END AS body_zlib,
       captures.headers
FROM captures LEFT JOIN payloads ON payloads.sha256 = captures.sha256
WHERE captures.id = :id
"""
# when a revisit found it gone, or back (each time, not every revisit since)
TAKEDOWNS = """
SELECT at, result, detail FROM article_revisits
WHERE article_id = :id AND result IN ('gone', 'back') ORDER BY at, id
"""


@hookimpl
def prepare_jinja2_environment(env: Environment) -> None:
    env.filters["korea_time"] = korea_time


@hookimpl
def filters_from_request(
    request: Request, database: str, table: str | None, datasette: Datasette
) -> FilterArguments | None:
    query = request.args.get("_q", "").strip()
    if table != "article_index" or not query:
        return None
    start_searched_counts(datasette, database, request)
    return FilterArguments(
        [MATCHING_IDS], params={"q": query}, human_descriptions=[f"title or body has “{query}”"]
    )


@hookimpl
def render_cell(row: Any, value: Any, column: str, datasette: Any) -> Markup | None:
    if column == "snippet" and isinstance(value, str):
        marked = str(escape(value))
        return Markup(
            marked.replace(str(escape(MARK)), MARK).replace(str(escape(END_MARK)), END_MARK)
        )
    if column == "title" and isinstance(value, str) and "id" in row.keys():  # noqa: SIM118 (a sqlite3.Row: `in` reads values)
        href = datasette.urls.path(f"/-/article/{row['id']}")
        return Markup(f'<a href="{escape(href)}">{escape(value)}</a>')
    return None


@hookimpl
def register_routes() -> list[tuple[str, Any]]:
    return [
        (r"^/$", landing_page),
        (r"^/-/article/(?P<id>\d+)$", article_page),
        (r"^/-/capture/(?P<id>\d+)$", raw_capture),
    ]


async def article_page(datasette: Any, request: Request) -> Response:
    """An article: title, site, published, author, body paragraphs; its photos
    and files (each linked to its capture, an attachment with its text); its
    copies and sightings, each linked; a link to its raw capture; its versions,
    each with what changed from the one before; when it was taken down and back."""
    database = datasette.get_database()
    params = {"id": int(request.url_vars["id"])}
    found = (await database.execute(ARTICLE, params)).first()
    if found is None:
        raise NotFound("no such article")
    article = dict(found)
    context = {
        "database": database.name,
        "article": article,
        "paragraphs": [part for part in article["body"].split("\n\n") if part.strip()],
        "copies": [dict(row) for row in await database.execute(COPIES, params)],
        "sightings": [dict(row) for row in await database.execute(SIGHTINGS, params)],
        "versions": _versions([dict(row) for row in await database.execute(VERSIONS, params)]),
        "takedowns": _takedowns([dict(row) for row in await database.execute(TAKEDOWNS, params)]),
        "requisites": [dict(row) for row in await database.execute(REQUISITES, params)],
    }
    return Response.html(await datasette.render_template("article.html", context, request))


def _versions(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The versions, each with what changed in its title, author and body
    from the one before (None for the first, and for a field unchanged)."""
    for before, row in zip([None, *rows], rows, strict=False):
        for field in ("title", "author", "body"):
            old, new = (before or {}).get(field) or "", row[field] or ""
            row[f"{field}_changes"] = changes(old, new) if before and old != new else None
    return rows


def _takedowns(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """When it was first found gone, and back, each time: a gone revisit
    after another gone one says nothing new."""
    events: list[dict[str, Any]] = []
    previous = "back"  # up, as when archived
    for row in rows:
        if row["result"] != previous:
            events.append(row)
            previous = row["result"]
    return events


async def raw_capture(datasette: Any, request: Request) -> Response:
    """The raw page as the server sent it, with its content type (read from
    the PostgreSQL archive a mirror is of); a sandbox keeps its scripts from
    running in the archive's origin."""
    database = datasette.get_database()
    found = (
        await database.execute(
            CAPTURE,
            {"id": int(request.url_vars["id"])},
        )
    ).first()
    archive = (datasette.plugin_config("newsarchive") or {}).get("archive")
    if found is None and archive:  # a PostgreSQL archive's mirror keeps no raw capture
        found = await asyncio.to_thread(source_capture, archive, int(request.url_vars["id"]))
    if found is None:
        raise NotFound("no such capture")
    headers = {key.lower(): value for key, value in json.loads(found["headers"] or "{}").items()}
    return Response(
        zlib.decompress(found["body_zlib"]),
        content_type=headers.get("content-type", "application/octet-stream"),
        headers={"Content-Security-Policy": "sandbox", "X-Content-Type-Options": "nosniff"},
    )
