"""Text from attachments: each candidate library on each kind of file, the
measurement behind the readers of ``pipelines/attachment_text.py``.

For each file given (files, or folders walked for .pdf, .hwp, .hwpx, .docx,
.xlsx, .zip) and for the sample portal's own files (``--made N``: N of each
kind, Korean text, ``sample_portal/attachments.py``), per kind and library:
files, text read (characters, of them Hangul syllables), U+FFFD or private-use
characters in it (a font's text read wrong), milliseconds per file, failures
(no text from a whole file), and on cut copies of each file (10 cuts: a
download cut short) how many raised, which the project's reader must never
do. PDF: pypdfium2 (the project's), pypdf and pdfminer.six when installed;
HWP 5 and HWPX: the project's readers (the Python HWP readers known are AGPL
or read through a JVM or a native converter).

    python benchmarks/attachment_text.py [--made N] [PATH ...]
"""

from __future__ import annotations

import argparse
import io
import logging
import re
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from pipelines.attachment_text import attachment_kind, read_attachment
from sample_portal.attachments import make_hwp, make_hwpx, make_pdf

SUFFIXES = {".pdf", ".hwp", ".hwpx", ".docx", ".xlsx", ".zip"}
CUTS = 10
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_WRONG = re.compile(r"[\ufffd\ue000-\uf8ff]")


def project(data: bytes) -> str | None:
    return read_attachment(data).text


def pypdf_text(data: bytes) -> str:
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(data))
    return "\n\n".join(page.extract_text() or "" for page in reader.pages)


def pdfminer_text(data: bytes) -> str:
    from pdfminer.high_level import extract_text

    return extract_text(io.BytesIO(data))


def installed(module: str) -> bool:
    try:
        __import__(module)
    except ImportError:
        return False
    return True


def libraries(kind: str) -> list[tuple[str, Callable[[bytes], str | None]]]:
    found: list[tuple[str, Callable[[bytes], str | None]]] = [
        ("pypdfium2 (project)" if kind == "pdf" else "project", project)
    ]
    if kind == "pdf":
        if installed("pypdf"):
            found.append(("pypdf", pypdf_text))
        if installed("pdfminer"):
            found.append(("pdfminer.six", pdfminer_text))
    return found


def made(count: int) -> list[tuple[str, bytes, list[str]]]:
    lines = [
        "제{n}호 ○○군 보도자료: 2025년 농어촌 버스 노선 개편 주민설명회 개최",
        "군은 읍·면 행정복지센터에서 주민 의견을 듣고 노선안을 확정할 계획이라고 밝혔다.",
        "문의: 교통행정과 대중교통팀 (033-000-1234)",
    ]
    files = []
    for n in range(count):
        text = [line.replace("{n}", str(n)) for line in lines] * (1 + n % 5)
        table = [["구분", "노선 수"], ["읍내", str(n)], ["면 지역", str(2 * n)]]
        cells = [cell for row in table for cell in row]
        files.append((f"made-{n}.pdf", make_pdf([text, text[:2]]), text))
        files.append((f"made-{n}.hwp", make_hwp(text, table=table), text + cells))
        files.append((f"made-{n}.hwpx", make_hwpx([text], table=table), text + cells))
    return files


def given(paths: list[str]) -> list[tuple[str, bytes, list[str]]]:
    files = []
    for name in paths:
        path = Path(name)
        found = sorted(path.rglob("*")) if path.is_dir() else [path]
        files.extend(
            (str(f), f.read_bytes(), [])
            for f in found
            if f.is_file() and f.suffix.lower() in SUFFIXES
        )
    return files


def measure(files: list[tuple[str, bytes, list[str]]]) -> None:
    """One line per kind and library; ``lines right`` counts the lines a made
    file shows that the text read holds, spaces aside."""
    rows: dict[tuple[str, str], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for name, data, lines in files:
        kind = attachment_kind(data, name)
        for library, read in libraries(kind):
            row = rows[kind, library]
            row["files"] += 1
            start = time.perf_counter()
            try:
                text = read(data)
            except Exception:
                text = None
            row["seconds"] += time.perf_counter() - start
            if not text or not text.strip():
                row["failures"] += 1
                continue
            row["chars"] += len(text)
            row["hangul"] += len(_HANGUL.findall(text))
            row["wrong"] += len(_WRONG.findall(text))
            squeezed = "".join(text.split())
            row["lines"] += len(lines)
            row["right"] += sum("".join(line.split()) in squeezed for line in lines)
            for cut in range(1, CUTS + 1):
                row["cuts"] += 1
                try:
                    read(data[: len(data) * cut // (CUTS + 1)])
                except Exception:
                    row["raised"] += 1
    print(
        f"{'kind':<6} {'library':<20} {'files':>5} {'chars':>9} {'hangul':>8} {'wrong':>6}"
        f" {'lines right':>11} {'ms/file':>8} {'failures':>8} {'cuts raised':>12}"
    )
    for (kind, library), row in sorted(rows.items()):
        right = f"{row['right']:.0f}/{row['lines']:.0f}" if row["lines"] else "-"
        print(
            f"{kind:<6} {library:<20} {row['files']:>5.0f} {row['chars']:>9.0f}"
            f" {row['hangul']:>8.0f} {row['wrong']:>6.0f}"
            f" {right:>11}"
            f" {1000 * row['seconds'] / row['files']:>8.2f} {row['failures']:>8.0f}"
            f" {row['raised']:>5.0f}/{row['cuts']:<6.0f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", help="files or folders of attachments")
    parser.add_argument("--made", type=int, default=20, help="sample-portal files of each kind")
    arguments = parser.parse_args()
    logging.disable(logging.WARNING)  # pypdf and pdfminer log each broken file they read
    if arguments.made:
        print(f"sample portal's files: {arguments.made} of each kind")
        measure(made(arguments.made))
    if arguments.paths:
        print(f"\nfiles given: {' '.join(arguments.paths)}")
        measure(given(arguments.paths))


if __name__ == "__main__":
    main()
