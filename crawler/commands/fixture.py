"""``scrapy fixture (--capture ID | --url URL) [--case NAME] [--into DIR]``:
turn a stored capture into an extraction test case,
``tests/fixtures/<family>/<case>/`` as ``tests/test_fixtures.py`` reads it:
``page.html`` (the bytes as fetched), ``response.json`` (URL, content type,
status and headers) and ``expected.json`` (layout, title, author, published,
paragraphs) from the current extraction, for the developer to correct. A page
that extracted badly in a real archive becomes a failing test in one command.

The family is the site's ``cms``, else the one detected on the page; the case
is named ``capture-ID`` unless ``--case`` says otherwise. An existing case is
never overwritten.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from scrapy.commands import ScrapyCommand
from sqlalchemy import or_, select

from crawler.commands import ArchiveCommand, fail, open_archive
from pipelines import families
from pipelines.decoding import Undecodable, decode_html
from pipelines.extraction import NotAnArticle, extract_article
from pipelines.pages import Unparseable, html_tree
from storage.archive import Archive
from storage.database import project_root
from storage.models import Capture, Site


class FixtureError(ValueError):
    """No fixture can be made; the message says why, on one line."""


class Command(ArchiveCommand, ScrapyCommand):
    site_option = False

    def syntax(self) -> str:
        return "(--capture ID | --url URL) [--case NAME] [--into DIR]"

    def short_desc(self) -> str:
        return "Write an extraction test case (tests/fixtures/FAMILY/CASE/) from a stored capture"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--capture", type=int, metavar="ID", help="the capture with this id")
        which.add_argument("--url", help="the latest capture of this URL")
        parser.add_argument("--case", help="the case's folder name (capture-ID)")
        parser.add_argument(
            "--into", metavar="DIR", help="the fixtures folder (tests/fixtures of the project)"
        )

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        archive = open_archive(self)
        if archive is None:
            return
        try:
            capture, cms = _stored(archive, opts.capture, opts.url)
        except FixtureError as exc:
            self.exitcode = fail(str(exc))
            return
        finally:
            archive.close()
        into = Path(opts.into) if opts.into else project_root() / "tests" / "fixtures"
        try:
            folder = write_fixture(capture, cms, into, opts.case or f"capture-{capture.id}")
        except FixtureError as exc:
            self.exitcode = fail(str(exc))
            return
        print(f"wrote {folder}: correct expected.json to what the page says")


def _stored(
    archive: Archive, capture_id: int | None, url: str | None
) -> tuple[Capture, str | None]:
    """The capture asked for, and its site's ``cms``."""
    query = select(Capture, Site.cms).join(Site, Site.id == Capture.site_id)
    if capture_id is not None:
        query, wanted = query.where(Capture.id == capture_id), f"capture {capture_id}"
    else:
        query = query.where(or_(Capture.url == url, Capture.final_url == url))
        wanted = f"capture of {url}"
    with archive.sessions() as session:
        found = session.execute(query.order_by(Capture.id.desc()).limit(1)).first()
    if found is None:
        raise FixtureError(f"the archive holds no {wanted}")
    return found[0], found[1]


def write_fixture(capture: Capture, cms: str | None, into: Path, case: str) -> Path:
    """Write ``capture`` as case ``case`` under ``into``; the case's folder."""
    body = capture.body
    content_type = _header(capture.headers, "Content-Type")
    try:
        article = extract_article(body, content_type, capture.url, cms)
        tree = html_tree(decode_html(body, content_type).text)
    except (NotAnArticle, Undecodable, Unparseable) as exc:
        raise FixtureError(f"capture {capture.id} ({capture.url}) holds no article: {exc}") from exc
    family = families.get(cms) if cms else families.detect(tree)
    folder = into / family.name / case
    if folder.exists():
        raise FixtureError(f"{folder} exists: name another case with --case")
    folder.mkdir(parents=True)
    (folder / "page.html").write_bytes(body)
    response = {
        "url": capture.url,
        "content_type": content_type,
        "status": capture.status,
        "headers": capture.headers,
    }
    expected = {
        "layout": family.read_article(tree).layout,
        "title": article.title,
        "author": article.author,
        "published": article.published.isoformat() if article.published else None,
        "paragraphs": list(article.paragraphs),
    }
    for name, content in (("response.json", response), ("expected.json", expected)):
        (folder / name).write_text(_json(content), encoding="utf-8")
    return folder


def _header(headers: dict[str, str], name: str) -> str | None:
    return next((value for key, value in headers.items() if key.lower() == name.lower()), None)


def _json(content: dict[str, Any]) -> str:
    return json.dumps(content, ensure_ascii=False, indent=2) + "\n"
