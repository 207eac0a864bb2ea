"""The archive's tables as SQLAlchemy 2.0 typed models.

A *site* is a configured portal; a *crawl run* is one daily or backfill run of
a site (at most one running per site: the row is the site's lock); a *run list
page* is a list page as a run read it (so an interrupted run can be resumed);
a *capture* is one fetched article page, raw bytes kept (compressed) whatever
came of it; an *article* is the clean record extracted from a capture, stored
once per canonical URL. A *sighting* is one place (URL, on a site) where an
article was seen, first and last; the same story at another URL, or reprinted
by another portal, is a sighting of the first article or, lightly edited, an
article linked to it (``duplicate_of``). *MinHash band keys* are the
near-duplicate index (LSH) of the articles' bodies, each with the day its
article is dated; *band key stories* count the stories (first copies) that
carry a key, so that keys too common to tell stories apart are left out. A *link template* is the
article URL template a site's crawls inferred (no family reads its lists). An
*article version* is what a changed article said at one time (an article never
changed has none: its row is its version 1); an *article revisit* is one fetch
of an archived article again and what came of it. A *requisite* is a photo or
an attached file of an article, fetched with it (or refused, with why); its
bytes are a *payload*, stored once by digest however many pages carry them.
A site's *boilerplate mark* says how far its boilerplate is learned; an
article's *end lines* are the hashes of its last lines, where boilerplate is
taken off.
"""

from __future__ import annotations

import zlib
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from storage.payload import decode
from storage.types import AwareDateTime, now_seoul


class Base(DeclarativeBase):
    type_annotation_map = {datetime: AwareDateTime, date: Date, str: Text}


class Site(Base):
    __tablename__ = "sites"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    cms: Mapped[str | None]
    list_url: Mapped[str]
    created_at: Mapped[datetime] = mapped_column(default=now_seoul)


class CrawlRun(Base):
    __tablename__ = "crawl_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    mode: Mapped[str] = mapped_column(String(16))  # "daily" or "backfill"
    since: Mapped[date | None]
    until: Mapped[date | None]
    started_at: Mapped[datetime] = mapped_column(default=now_seoul)
    finished_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(32), default="running")
    pages: Mapped[int] = mapped_column(Integer, default=0)
    new: Mapped[int] = mapped_column(Integer, default=0)
    duplicate: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    # list pages that could not be read (errors, non-HTML): their articles may be missing
    list_failed: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # new articles first found by the site's feeds, its sitemaps, its list pages
    found_feed: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    found_sitemap: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    found_list: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # the process running it: a running run whose process is gone is interrupted
    pid: Mapped[int | None]
    host: Mapped[str | None] = mapped_column(String(255))
    heartbeat_at: Mapped[datetime | None]  # last sign of life of a running run
    log_file: Mapped[str | None]
    exit_code: Mapped[int | None]  # of the crawl process; negative: killed by that signal
    reason: Mapped[str | None]  # why an unhealthy run ended so, on one line
    # its revisits of archived articles: due, fetched, answered 304, changed, found gone
    revisits_due: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    revisits_fetched: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    revisits_not_modified: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    revisits_changed: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    revisits_gone: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    site: Mapped[Site] = relationship()

    __table_args__ = (
        # one running run per site: the database refuses a second one
        Index(
            "uq_crawl_runs_running_site",
            "site_id",
            unique=True,
            sqlite_where=text("status = 'running'"),
            postgresql_where=text("status = 'running'"),
        ),
    )


class RunListPage(Base):
    __tablename__ = "run_list_pages"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("crawl_runs.id"), index=True)
    number: Mapped[int]
    url: Mapped[str]
    family: Mapped[str] = mapped_column(String(32))  # the portal family that read its links
    links: Mapped[list[str]] = mapped_column(JSON)  # article links first seen on it, in order
    # the form post (url, body) that shows the next list page, when the list is form-paged
    form: Mapped[dict[str, str] | None] = mapped_column(JSON, nullable=True)
    read_at: Mapped[datetime] = mapped_column(default=now_seoul)


class Outcome(StrEnum):
    """What came of a capture: a new article, a copy of an archived one, an
    article outside a backfill's window, a page that holds no article (a 404,
    an alert page, an attachment: not fetched again), or a failure (tried again)."""

    ARTICLE = "article"
    DUPLICATE = "duplicate"
    OUTSIDE_WINDOW = "outside_window"
    NOT_ARTICLE = "not_article"
    FAILED = "failed"
    CONTINUATION = "continuation"  # a further page of a paged article, joined to page 1's
    REQUISITE = "requisite"  # a photo or an attached file of an article (``Requisite``)
    # no article: a list page, a feed, a sitemap, robots.txt, a stylesheet or a
    # script, kept for provenance and replay (``crawler.page_keeper``)
    PAGE = "page"


class LinkTemplate(Base):
    """The article URL template a site's crawls found its links by, once inferred
    from its list pages and confirmed on its articles (``crawler.discovery``)."""

    __tablename__ = "link_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), unique=True)
    template: Mapped[str]  # as crawler.discovery.templates.LinkTemplate writes it
    found_at: Mapped[datetime] = mapped_column(default=now_seoul)


class FoundBy(StrEnum):
    """Where a crawl first found an article's link."""

    FEED = "feed"
    SITEMAP = "sitemap"
    LIST = "list"


class Capture(Base):
    __tablename__ = "captures"
    __table_args__ = (
        # a site's failed URLs, oldest failure first (``Archive.failed_urls``), from the index alone
        Index("ix_captures_site_outcome_url", "site_id", "outcome", "url", "fetched_at"),
        # a site's export, oldest fetch first, without sorting
        Index("ix_captures_site_fetched_at", "site_id", "fetched_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"), index=True)
    url: Mapped[str] = mapped_column(index=True)
    final_url: Mapped[str]
    status: Mapped[int | None]  # HTTP status; None when no response came
    headers: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    body_zlib: Mapped[bytes] = mapped_column(LargeBinary)
    fetched_at: Mapped[datetime]
    # what came of it: an Outcome's value
    outcome: Mapped[str] = mapped_column(String(32))
    error: Mapped[str | None]
    # of the article extracted from it, whatever the outcome (exports' --since/--until)
    published: Mapped[datetime | None] = mapped_column(index=True)
    # the exchange as received (``storage.exchange``); None on decoded-only captures
    http_version: Mapped[str | None] = mapped_column(String(16))
    reason: Mapped[str | None]
    response_headers: Mapped[list[list[str]] | None] = mapped_column(JSON)  # name, value pairs
    request: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # method, url, headers (pairs)
    ip_address: Mapped[str | None] = mapped_column(String(45))
    # the body before content decoding, when the server content-encoded it; body_zlib
    # is then empty if storage.payload can decode it (decoded on demand)
    payload: Mapped[bytes | None] = mapped_column(LargeBinary)
    # made before the exchange was kept: body decoded, headers as Scrapy left them
    decoded_only: Mapped[bool] = mapped_column(server_default=false())
    # what led the crawl to it first: a FoundBy value; None: tried again, or made before
    found_by: Mapped[str | None] = mapped_column(String(16))
    # the body's SHA-256, when it is kept once by digest (``payloads``) rather than here
    # (no foreign key: SQLite adds none to a table without copying it, see migration 0020)
    sha256: Mapped[str | None] = mapped_column(String(64))

    shared: Mapped[Payload | None] = relationship(
        primaryjoin="foreign(Capture.sha256) == Payload.sha256", viewonly=True
    )

    @property
    def body(self) -> bytes:
        """The response body as fetched, content-decoded."""
        if self.sha256 is not None and not self.body_zlib and self.shared is not None:
            return zlib.decompress(self.shared.body_zlib)
        if self.payload is not None and not self.body_zlib:
            return decode(self.payload, self.response_header("Content-Encoding"))
        return zlib.decompress(self.body_zlib)

    def response_header(self, name: str) -> str | None:
        """The first value of response header ``name`` as received (None: not sent,
        or not kept)."""
        wanted = name.lower()
        return next((v for k, v in self.response_headers or () if k.lower() == wanted), None)


class Payload(Base):
    """Bytes fetched once or many times (a logo on every page, one release on
    several boards), stored once: zlib-compressed, under their SHA-256."""

    __tablename__ = "payloads"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)  # bytes, uncompressed
    body_zlib: Mapped[bytes] = mapped_column(LargeBinary)


class Article(Base):
    __tablename__ = "articles"
    __table_args__ = (
        # a site's articles in the order they were stored: its newest, read back
        Index("ix_articles_site_id_id", "site_id", "id"),
        # a first copy's copies (first copies left out: 0023)
        Index(
            "ix_articles_duplicate_of_id",
            "duplicate_of_id",
            sqlite_where=text("duplicate_of_id IS NOT NULL"),
            postgresql_where=text("duplicate_of_id IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    url: Mapped[str] = mapped_column(unique=True)  # canonical URL
    title: Mapped[str]
    author: Mapped[str | None]
    published: Mapped[datetime | None] = mapped_column(index=True)
    body: Mapped[str]  # paragraphs separated by one blank line
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    # MinHash signature of the normalized body (uint32 little-endian); None: too short
    minhash: Mapped[bytes | None] = mapped_column(LargeBinary)
    # its own text as near-duplicate matching compares it (written at insert); None:
    # too short to be compared, or stored before it was kept
    compared_text: Mapped[str | None]
    extractor_version: Mapped[str] = mapped_column(String(32))
    capture_id: Mapped[int] = mapped_column(ForeignKey("captures.id"), index=True)
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id"))
    archived_at: Mapped[datetime] = mapped_column(default=now_seoul)
    # the modification stamp the latest version's page shows
    modified: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")  # the latest's
    gone_at: Mapped[datetime | None]  # when a revisit first found it gone; None while it is up
    revisit_due: Mapped[datetime | None] = mapped_column(index=True)  # None: none planned

    site: Mapped[Site] = relationship()
    capture: Mapped[Capture] = relationship()
    duplicate_of: Mapped[Article | None] = relationship(remote_side=[id])


class Sighting(Base):
    """A place an article was seen at: a URL on a site, first and last seen."""

    __tablename__ = "sightings"
    __table_args__ = (UniqueConstraint("article_id", "url", "site_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    url: Mapped[str] = mapped_column(index=True)
    published: Mapped[datetime | None]  # the publication time this place showed
    first_seen: Mapped[datetime]
    last_seen: Mapped[datetime]

    article: Mapped[Article] = relationship()


class MinhashBand(Base):
    """One LSH band key of an article's MinHash signature: articles sharing a
    key are near-duplicate candidates."""

    __tablename__ = "minhash_bands"

    key: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    # indexed on its own too: re-extraction replaces one article's keys
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), primary_key=True, index=True)
    # the article's day (published, else archived; days since 1970-01-01 in Asia/Seoul):
    # candidates are looked for around a new article's day, in the index alone
    day: Mapped[int] = mapped_column(Integer, server_default="0")

    __table_args__ = (
        Index("ix_minhash_bands_key_day", "key", "day", "article_id"),
        {"sqlite_with_rowid": False},
    )


class BandKeyStories(Base):
    """How many stories (first copies) carry an LSH band key: a key of too many
    is a site's shared lines or a stock sentence, no sign of a copy."""

    __tablename__ = "band_key_stories"

    key: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    stories: Mapped[int] = mapped_column(Integer)


class SiteBoilerplate(Base):
    """One version of a site's boilerplate lines, learned from its archived
    articles (``pipelines.boilerplate``); the highest version is in force."""

    __tablename__ = "site_boilerplate"
    __table_args__ = (UniqueConstraint("site_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    version: Mapped[int]
    lines: Mapped[list[str]] = mapped_column(JSON)  # line keys (pipelines.boilerplate.line_key)
    stories: Mapped[int]  # how many of the site's stories it was learned from
    learned_at: Mapped[datetime] = mapped_column(default=now_seoul)


class BoilerplateMark(Base):
    """How far a site's boilerplate is learned: the highest of the site's
    article ids it was learned from, and how many articles, all runs together;
    and the version whose lines every article of the site was cleaned of."""

    __tablename__ = "boilerplate_marks"

    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), primary_key=True)
    learned_through: Mapped[int]  # an article id
    articles: Mapped[int]
    cleaned_of: Mapped[int] = mapped_column(server_default="0")  # a version (0: none)


class ArticleEndLine(Base):
    """A line among an article's last paragraphs, where its site's boilerplate
    is taken off (``pipelines.boilerplate.end_lines``), by its 64-bit hash:
    the articles holding a newly learned line are found by it."""

    __tablename__ = "article_end_lines"

    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), primary_key=True)
    line: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id"), primary_key=True, autoincrement=False
    )

    __table_args__ = ({"sqlite_with_rowid": False},)


class SiteFrame(Base):
    """One version of a site's frame, the blocks that stand on its article
    pages whatever the article, learned from its captures
    (``pipelines.site_frame``); the highest version is in force."""

    __tablename__ = "site_frames"
    __table_args__ = (UniqueConstraint("site_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    version: Mapped[int]
    blocks: Mapped[list[str]] = mapped_column(JSON)  # block keys (pipelines.site_frame.block_key)
    pages: Mapped[int]  # how many of the site's pages it was learned from
    learned_at: Mapped[datetime] = mapped_column(default=now_seoul)


class ArticleVersion(Base):
    """What a changed article said at one time, and when it was first seen so.
    At an article's first change both version 1 (what its row said) and version 2
    are written; an article never changed has no rows here."""

    __tablename__ = "article_versions"
    __table_args__ = (UniqueConstraint("article_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), index=True)
    version: Mapped[int]
    capture_id: Mapped[int | None] = mapped_column(ForeignKey("captures.id"))
    title: Mapped[str]
    author: Mapped[str | None]
    body: Mapped[str]
    modified: Mapped[datetime | None]  # the modification stamp its page showed
    seen_at: Mapped[datetime]  # first seen saying this


class RevisitResult(StrEnum):
    """What came of a revisit: the page unchanged, answered 304 Not Modified,
    changed (a new version), gone (404/410, the CMS's deleted-post alert, a
    redirect to the list or home page), back after being gone, or failed."""

    UNCHANGED = "unchanged"
    NOT_MODIFIED = "not_modified"
    CHANGED = "changed"
    GONE = "gone"
    BACK = "back"
    FAILED = "failed"


class ArticleRevisit(Base):
    """One fetch of an archived article again, in a run, and what came of it."""

    __tablename__ = "article_revisits"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), index=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("crawl_runs.id"), index=True)
    capture_id: Mapped[int | None] = mapped_column(ForeignKey("captures.id"))
    at: Mapped[datetime]
    result: Mapped[str] = mapped_column(String(16))  # a RevisitResult's value
    detail: Mapped[str | None]  # why gone: "404", "410", "deleted-post alert", ...


class RequisiteStatus(StrEnum):
    """What came of an article's requisite: its bytes stored (or known already,
    unchanged), refused by robots.txt, over a size cap, or failed."""

    STORED = "stored"
    UNCHANGED = "unchanged"  # answered 304 to a conditional request: the bytes stored before
    ROBOTS = "robots"
    TOO_LARGE = "too_large"
    FAILED = "failed"


class Requisite(Base):
    """A photo (``image``: in the body, or the page's ``og:image``) or an
    attached file (``attachment``) of an article, as its run fetched it: its
    bytes' digest and size (the bytes are a :class:`Payload`), the capture of
    the fetch, an attachment's text, or why any of these is missing."""

    __tablename__ = "requisites"
    __table_args__ = (UniqueConstraint("article_id", "url"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), index=True)
    url: Mapped[str] = mapped_column(index=True)
    kind: Mapped[str] = mapped_column(String(16))  # "image" or "attachment", by the response
    # an attachment's file kind (pipelines.attachment_text.KINDS); an image's "image"
    file_type: Mapped[str | None] = mapped_column(String(16))
    name: Mapped[str | None]  # the file's name (Content-Disposition, the link, the URL)
    caption: Mapped[str | None]  # an image's caption or alt text
    status: Mapped[str] = mapped_column(String(16))  # a RequisiteStatus's value
    reason: Mapped[str | None]  # why not stored; or why an attachment gave no text
    media_type: Mapped[str | None] = mapped_column(String(255))
    sha256: Mapped[str | None] = mapped_column(ForeignKey("payloads.sha256"))
    size: Mapped[int | None] = mapped_column(BigInteger)
    text: Mapped[str | None]  # an attachment's text (pipelines.attachment_text)
    # the capture its bytes were received in (an earlier article's, when fetched for it)
    capture_id: Mapped[int | None] = mapped_column(ForeignKey("captures.id"))
    fetched_at: Mapped[datetime]
