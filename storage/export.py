"""Export archived articles as JSON Lines or CSV (with a UTF-8 byte order
mark, so that Excel reads its Korean), one record per article.

The fields are the archive's public contract: ``url``, ``site``, ``title``,
``author``, ``published`` (ISO 8601, +09:00), ``body`` (paragraphs separated
by one blank line), ``fetched_at``, ``duplicate_of`` (URL or null), and
the requisites the crawl kept with it: ``attachments`` (``name``, ``url``,
``type``, ``sha256``, ``bytes``, ``text``, and ``status`` and ``reason``: a
file refused by robots.txt, over a cap or failed is listed, with no bytes)
and ``images`` (``url``, ``caption``, ``sha256``, ``status``). A CSV cell
holds those two lists as JSON. With ``versions``, one record per version of each article instead (an
article never changed is its own version 1), oldest version first, with
``version``, ``seen_at`` (when first seen saying this), ``modified`` (the
modification stamp its page showed) and ``gone_at`` (when a revisit first
found the article taken down; null while it is up).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import ColumnElement, Engine, Select, select
from sqlalchemy.orm import InstrumentedAttribute, Session, aliased

from storage.models import Article, ArticleVersion, Capture, Requisite, Site
from storage.types import SEOUL

FIELDS = (
    "url",
    "site",
    "title",
    "author",
    "published",
    "body",
    "fetched_at",
    "duplicate_of",
    "attachments",
    "images",
)
VERSION_FIELDS = (*FIELDS, "version", "seen_at", "modified", "gone_at")
_LISTED = ("attachments", "images")  # the fields that hold lists (a CSV cell holds their JSON)
FORMATS = ("jsonl", "csv")
# JSON Lines spell < and > as \u escapes: the same text for a JSON reader, and
# no live markup if a line lands in a web page (an article may quote markup);
# & is left as it is, so that grep finds "R&D" (with no < it opens no tag)
_NO_MARKUP = str.maketrans({"<": "\\u003c", ">": "\\u003e"})


@dataclass(frozen=True)
class ExportFilter:
    """Which articles to export: one site, and a publication date window (inclusive)."""

    site: str | None = None
    since: date | None = None
    until: date | None = None


def format_of(path: Path) -> str:
    """The export format named by ``path``'s extension (``.jsonl`` or ``.csv``)."""
    suffix = path.suffix.lower().lstrip(".")
    fmt = {"jsonl": "jsonl", "ndjson": "jsonl", "csv": "csv"}.get(suffix)
    if fmt is None:
        raise ValueError(f"cannot export to {path.name!r}: use a .jsonl or .csv file name")
    return fmt


def published_within(
    published: InstrumentedAttribute[datetime | None], wanted: ExportFilter
) -> list[ColumnElement[bool]]:
    """The conditions that keep a ``published`` time within ``wanted``'s days (Seoul)."""
    conditions = []
    if wanted.since:
        conditions.append(published >= datetime.combine(wanted.since, time(), SEOUL))
    if wanted.until:
        end = datetime.combine(wanted.until + timedelta(days=1), time(), SEOUL)
        conditions.append(published < end)
    return conditions


def _query(wanted: ExportFilter) -> Select[Any]:
    original = aliased(Article)
    query = (
        select(Article, Site.name, Capture.fetched_at, original.url)
        .join(Site, Article.site_id == Site.id)
        .join(Capture, Article.capture_id == Capture.id)
        .outerjoin(original, Article.duplicate_of_id == original.id)
        .order_by(Article.published, Article.id)
    )
    if wanted.site:
        query = query.where(Site.name == wanted.site)
    return query.where(*published_within(Article.published, wanted))


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(SEOUL).isoformat() if value else None


def _rows(engine: Engine, wanted: ExportFilter) -> Iterator[tuple[Article, dict[str, Any]]]:
    """Each exported article, oldest publication first, with its latest record."""
    with Session(engine) as session:
        result = session.execute(_query(wanted).execution_options(yield_per=500))
        for chunk in result.partitions():
            requisites = _requisites(engine, [row[0].id for row in chunk])
            for article, site, fetched_at, duplicate_of in chunk:
                yield (
                    article,
                    {
                        "url": article.url,
                        "site": site,
                        "title": article.title,
                        "author": article.author,
                        "published": _iso(article.published),
                        "body": article.body,
                        "fetched_at": _iso(fetched_at),
                        "duplicate_of": duplicate_of,
                        **requisites.get(article.id, {"attachments": [], "images": []}),
                    },
                )


def _requisites(engine: Engine, article_ids: list[int]) -> dict[int, dict[str, list[Any]]]:
    """The attachments and images of each of ``article_ids``, in the page's order."""
    found: dict[int, dict[str, list[Any]]] = {}
    with Session(engine) as session:
        kept = session.scalars(
            select(Requisite)
            .where(Requisite.article_id.in_(article_ids))
            .order_by(Requisite.article_id, Requisite.id)
        )
        for requisite in kept:
            lists = found.setdefault(requisite.article_id, {"attachments": [], "images": []})
            if requisite.kind == "image":
                lists["images"].append(
                    {
                        "url": requisite.url,
                        "caption": requisite.caption,
                        "sha256": requisite.sha256,
                        "status": requisite.status,
                    }
                )
            else:
                lists["attachments"].append(
                    {
                        "name": requisite.name,
                        "url": requisite.url,
                        "type": requisite.file_type,
                        "sha256": requisite.sha256,
                        "bytes": requisite.size,
                        "text": requisite.text,
                        "status": requisite.status,
                        "reason": requisite.reason,
                    }
                )
    return found


def records(engine: Engine, wanted: ExportFilter) -> Iterator[dict[str, Any]]:
    """The export records of the archive, oldest publication first."""
    for _, record in _rows(engine, wanted):
        yield record


def version_records(engine: Engine, wanted: ExportFilter) -> Iterator[dict[str, Any]]:
    """One record per version of each exported article, oldest publication
    first, then oldest version first."""
    for article, record in _rows(engine, wanted):
        latest = {
            **record,
            "version": article.version,
            "seen_at": _iso(article.archived_at),
            "modified": _iso(article.modified),
            "gone_at": _iso(article.gone_at),
        }
        if article.version == 1:
            yield latest
            continue
        with Session(engine) as versions:
            kept = versions.scalars(
                select(ArticleVersion)
                .where(ArticleVersion.article_id == article.id)
                .order_by(ArticleVersion.version)
            )
            for version in kept:
                yield {
                    **latest,
                    "title": version.title,
                    "author": version.author,
                    "body": version.body,
                    "version": version.version,
                    "seen_at": _iso(version.seen_at),
                    "modified": _iso(version.modified),
                }


def _write_jsonl(rows: Iterator[dict[str, Any]], out: TextIO) -> int:
    count = 0
    for row in rows:
        out.write(json.dumps(row, ensure_ascii=False).translate(_NO_MARKUP) + "\n")
        count += 1
    return count


def _write_csv(rows: Iterator[dict[str, Any]], out: TextIO, fields: tuple[str, ...]) -> int:
    writer = csv.DictWriter(out, fieldnames=fields)
    writer.writeheader()
    count = 0
    for row in rows:
        listed = {name: json.dumps(row[name], ensure_ascii=False) for name in _LISTED}
        writer.writerow({**row, **listed})
        count += 1
    return count


def export(engine: Engine, path: Path, wanted: ExportFilter, versions: bool = False) -> int:
    """Write the matching articles to ``path`` (format by extension), or with
    ``versions`` every version of them; return how many records.

    The file is written beside ``path`` and renamed into place when complete,
    so a crash never leaves a truncated export under the final name.
    """
    fmt = format_of(path)
    partial = path.with_name(path.name + ".partial")
    # a CSV starts with a UTF-8 byte order mark: without it Excel reads the
    # file in the system's code page and the Korean is garbled
    encoding = "utf-8-sig" if fmt == "csv" else "utf-8"
    with partial.open("w", encoding=encoding, newline="") as out:
        rows = version_records(engine, wanted) if versions else records(engine, wanted)
        if fmt == "csv":
            count = _write_csv(rows, out, VERSION_FIELDS if versions else FIELDS)
        else:
            count = _write_jsonl(rows, out)
    partial.replace(path)
    return count
