"""Export captures as WACZ 1.1.1: the WARC export (``storage.warc``), its CDXJ
index (cdxj-indexer) and ``pages/pages.jsonl``, one line per article (its URL,
capture time and title), zipped with ``datapackage.json``.

The pages are the archive's own articles, not guessed from the WARC (a
page detector finds none on Korean portals and breaks on EUC-KR pages). The
zip is written as ``.partial`` and renamed when complete.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import zipfile
from datetime import UTC, datetime
from io import StringIO
from pathlib import Path

from cdxj_indexer.main import CDXJIndexer
from sqlalchemy import Engine

from storage.export import ExportFilter
from storage.warc import Page, WarcExport, WarcInfo, export_warc

WACZ_VERSION = "1.1.1"
_PAGES_HEADER = {"format": "json-pages-1.0", "id": "pages", "title": "All Pages"}


def _sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return "sha256:" + digest.hexdigest()


def _index(warcs: list[Path]) -> bytes:
    """The CDXJ index of ``warcs``, sorted, naming each file as the WACZ holds it."""
    out = StringIO()
    CDXJIndexer(out, [str(warc) for warc in warcs], sort=True, post_append=True).process_all()
    return out.getvalue().encode("utf-8")


def _pages(pages: list[Page]) -> bytes:
    lines = [_PAGES_HEADER] + [
        {"id": hashlib.sha1(f"{p.ts} {p.url}".encode()).hexdigest(), **vars(p)} for p in pages
    ]
    return "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines).encode("utf-8")


def export_wacz(
    engine: Engine, path: Path, wanted: ExportFilter, info: WarcInfo, max_size: int
) -> WarcExport:
    """Write the captures ``wanted`` selects as a WACZ file at ``path``."""
    with tempfile.TemporaryDirectory(prefix=".wacz-", dir=path.parent) as work:
        done = export_warc(engine, Path(work) / "data.warc.gz", wanted, info, max_size)
        contents: dict[str, bytes] = {
            "indexes/index.cdx": _index(done.files),
            "pages/pages.jsonl": _pages(done.pages),
        }
        resources = [
            {
                "name": warc.name,
                "path": f"archive/{warc.name}",
                "hash": _file_sha256(warc),
                "bytes": warc.stat().st_size,
            }
            for warc in done.files
        ] + [
            {"name": Path(name).name, "path": name, "hash": _sha256(data), "bytes": len(data)}
            for name, data in contents.items()
        ]
        package = json.dumps(
            {
                "profile": "data-package",
                "wacz_version": WACZ_VERSION,
                "title": path.stem,
                "software": info.software,
                "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "resources": resources,
            },
            indent=2,
            ensure_ascii=False,
        ).encode("utf-8")
        digest = json.dumps({"path": "datapackage.json", "hash": _sha256(package)}).encode()
        partial = path.with_name(path.name + ".partial")
        with zipfile.ZipFile(partial, "w", allowZip64=True) as wacz:
            # WARCs stored, not deflated: replay tools read records at their offsets
            for warc in done.files:
                wacz.write(warc, f"archive/{warc.name}", compress_type=zipfile.ZIP_STORED)
            for name, data in contents.items():
                wacz.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)
            wacz.writestr("datapackage.json", package, compress_type=zipfile.ZIP_DEFLATED)
            wacz.writestr("datapackage-digest.json", digest, compress_type=zipfile.ZIP_DEFLATED)
        partial.replace(path)
    done.files = [path]
    return done
