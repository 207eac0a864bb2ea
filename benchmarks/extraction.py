"""Extraction quality: newsarchive against plain trafilatura, side by side.

On the fixtures (``tests/fixtures``, every portal family): body token
precision/recall/F1, title and published exact-match rates (published to the
minute, and to the day since plain trafilatura gives days), author match
rate, leak rate (pages whose body holds a string that the page shows outside
the article: navigation, sidebar headlines and leads, comments, footer,
bylines, captions) and repeated-paragraph rate, then F1 and leaks by layout.

With ``--zyte PATH`` (the Zyte article-extraction benchmark: ``html/*.html.gz``
and ``ground-truth.json``): its published metric (4-token shingles, per-page
precision and recall averaged, F1 of the means, bootstrap deviation) for the
generic path with and without the Korean cleanup, and for plain trafilatura.

With ``--real PATH`` (the korean-news-real set: ``pages/``, ``index.jsonl``,
``gold.jsonl`` and its ``score.py``, loaded from PATH at run time): that set's
table — title, published to the minute, author, author left empty where the
gold names none, first and last sentence found, pages leaking, clean bodies,
errors — for newsarchive (family detected) and plain trafilatura side by side.

With ``--sweep``: the same F1 figures for each candidate trafilatura setting,
the measurement behind ``pipelines/paragraphs.py``'s ``CONTAINER`` and ``PAGE``.

    python benchmarks/extraction.py [--zyte PATH] [--real PATH] [--sweep]
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import random
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import trafilatura
from lxml.html import document_fromstring

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipelines.dates import parse_iso_datetime  # noqa: E402
from pipelines.decoding import Undecodable, decode_html  # noqa: E402
from pipelines.extraction import NotAnArticle, extract_article  # noqa: E402
from pipelines.paragraphs import CONTAINER, PAGE, BodySettings, body_paragraphs  # noqa: E402
from tests.fixtures import Fixture, all_fixtures  # noqa: E402

_WORD = re.compile(r"\w+")
_SPACE = re.compile(r"\s+")
# page text shorter than this (without spaces) is too common to count as a leak
_LEAK_MIN = 4
_SKIPPED_TAGS = {"script", "style", "noscript", "template"}


@dataclass(frozen=True)
class Output:
    """What one extractor made of one page."""

    paragraphs: tuple[str, ...] = ()
    title: str | None = None
    author: str | None = None
    published: datetime | None = None
    seconds: float = 0.0


Extractor = Callable[[bytes, str | None, str, str | None], Output]


def newsarchive(settings: BodySettings | None = None) -> Extractor:
    def run(body: bytes, content_type: str | None, url: str, family: str | None) -> Output:
        try:
            article = extract_article(body, content_type, url, family, settings)
        except (NotAnArticle, Undecodable):
            return Output()
        return Output(article.paragraphs, article.title, article.author, article.published)

    return run


def without_cleanup(body: bytes, content_type: str | None, url: str, family: str | None) -> Output:
    """The generic path's trafilatura output, before the Korean cleanup."""
    tree = document_fromstring(decode_html(body, content_type).text)
    return Output(tuple(body_paragraphs(tree, url, PAGE)))


def plain_trafilatura(
    body: bytes, content_type: str | None, url: str, family: str | None
) -> Output:
    """trafilatura with its defaults, as ``trafilatura.extract`` runs it (with the
    metadata asked for: title, author, date)."""
    document = trafilatura.bare_extraction(body, url=url, with_metadata=True)
    if document is None:
        return Output()
    day = parse_iso_datetime(document.date) if document.date else None
    lines = tuple(line.strip() for line in (document.text or "").splitlines() if line.strip())
    return Output(lines, document.title, document.author, day)


def plain_extract(body: bytes, content_type: str | None, url: str, family: str | None) -> Output:
    """``trafilatura.extract(html)`` with its defaults, as the Zyte README measures it."""
    text = trafilatura.extract(body) or ""
    return Output(tuple(line for line in text.splitlines() if line.strip()))


def timed(extractor: Extractor, *args: object) -> Output:
    started = time.perf_counter()
    output = extractor(*args)  # type: ignore[arg-type]
    return Output(
        output.paragraphs,
        output.title,
        output.author,
        output.published,
        time.perf_counter() - started,
    )


# --- fixtures -------------------------------------------------------------------


@dataclass
class Scores:
    """Per-page scores of one extractor, averaged on demand."""

    precision: list[float] = field(default_factory=list)
    recall: list[float] = field(default_factory=list)
    title: list[bool] = field(default_factory=list)
    minute: list[bool] = field(default_factory=list)
    day: list[bool] = field(default_factory=list)
    author: list[bool] = field(default_factory=list)
    leak: list[bool] = field(default_factory=list)
    repeated: list[bool] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)

    def f1(self) -> float:
        return f1(mean(self.precision), mean(self.recall))

    def row(self, name: str) -> str:
        return (
            f"{name:<22} {mean(self.precision):>6.3f} {mean(self.recall):>6.3f} {self.f1():>6.3f}"
            f" {share(self.title):>6} {share(self.minute):>7} {share(self.day):>6}"
            f" {share(self.author):>6} {share(self.leak):>6} {share(self.repeated):>8}"
            f" {1000 * mean(self.seconds):>8.1f}"
        )


HEADER = (
    f"{'extractor':<22} {'body P':>6} {'R':>6} {'F1':>6} {'title':>6} {'pub min':>7}"
    f" {'pub day':>6} {'author':>6} {'leak':>6} {'repeated':>8} {'ms/page':>8}"
)


def mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def share(values: Sequence[bool]) -> str:
    return f"{100 * mean([float(v) for v in values]):.0f}%"


def f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def token_scores(predicted: str, truth: str) -> tuple[float, float]:
    """Precision and recall of ``predicted``'s word tokens (as multisets)."""
    got, want = Counter(_WORD.findall(predicted)), Counter(_WORD.findall(truth))
    shared = sum((got & want).values())
    precision = shared / sum(got.values()) if got else 0.0
    recall = shared / sum(want.values()) if want else 1.0
    return precision, recall


def page_strings(body: bytes, content_type: str | None) -> set[str]:
    """Every text node of the page, spaces removed."""
    tree = document_fromstring(decode_html(body, content_type).text)
    found: set[str] = set()
    for element in tree.iter():
        if not isinstance(element.tag, str) or element.tag in _SKIPPED_TAGS:
            texts = [element.tail]
        else:
            texts = [element.text, element.tail]
        for text in texts:
            squeezed = _SPACE.sub("", text or "")
            if len(squeezed) >= _LEAK_MIN:
                found.add(squeezed)
    return found


def leaks(output: Output, fixture: Fixture, strings: set[str]) -> bool:
    """Whether the body holds page text that is not the article's."""
    expected = fixture.expected
    article = _SPACE.sub("", "".join([expected["title"], *expected["paragraphs"]]))
    got = _SPACE.sub("", "".join(output.paragraphs))
    return any(s in got and s not in article for s in strings)


def score_fixture(scores: Scores, output: Output, fixture: Fixture, strings: set[str]) -> None:
    expected = fixture.expected
    truth = "\n".join(expected["paragraphs"])
    precision, recall = token_scores("\n".join(output.paragraphs), truth)
    scores.precision.append(precision)
    scores.recall.append(recall)
    scores.title.append(_SPACE.sub(" ", output.title or "").strip() == expected["title"])
    want = fixture.published
    got = output.published
    scores.minute.append(got is not None and got.replace(second=0) == want.replace(second=0))
    scores.day.append(got is not None and got.date() == want.date())
    scores.author.append(output.author == expected["author"])
    scores.leak.append(leaks(output, fixture, strings))
    counts = Counter(output.paragraphs)
    scores.repeated.append(any(n > 1 for n in counts.values()))
    scores.seconds.append(output.seconds)


def run_fixtures(
    fixtures: list[Fixture], extractors: dict[str, Extractor], detect: bool
) -> tuple[dict[str, Scores], dict[tuple[str, str], Scores]]:
    totals = {name: Scores() for name in extractors}
    by_layout: dict[tuple[str, str], Scores] = {}
    for fixture in fixtures:
        strings = page_strings(fixture.body, fixture.content_type)
        family = None if detect else fixture.family
        for name, extractor in extractors.items():
            output = timed(extractor, fixture.body, fixture.content_type, fixture.url, family)
            score_fixture(totals[name], output, fixture, strings)
            layout = by_layout.setdefault((name, fixture.layout), Scores())
            score_fixture(layout, output, fixture, strings)
    return totals, by_layout


def print_fixtures(fixtures: list[Fixture], detect: bool) -> None:
    extractors = {"newsarchive": newsarchive(), "plain trafilatura": plain_trafilatura}
    totals, by_layout = run_fixtures(fixtures, extractors, detect)
    layouts = sorted({f.layout for f in fixtures})
    how = "family detected from the page" if detect else "family as configured"
    print(f"fixtures: {len(fixtures)} pages, {len(layouts)} layouts ({how})")
    print(HEADER)
    for name, scores in totals.items():
        print(scores.row(name))
    print()
    print(f"{'layout':<22} {'pages':>5}  " + "  ".join(f"{n + ' F1/leak':>26}" for n in extractors))
    for layout in layouts:
        count = sum(1 for f in fixtures if f.layout == layout)
        cells = []
        for name in extractors:
            scores = by_layout[name, layout]
            cells.append(f"{scores.f1():>20.3f} {share(scores.leak):>5}")
        print(f"{layout:<22} {count:>5}  " + "  ".join(cells))


# --- Zyte article-extraction benchmark ---------------------------------------------


@dataclass(frozen=True)
class ZytePage:
    id: str
    url: str
    html: bytes
    truth: str


def load_zyte(path: Path) -> list[ZytePage]:
    truth = json.loads((path / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for page_id, record in sorted(truth.items()):
        html = gzip.decompress((path / "html" / f"{page_id}.html.gz").read_bytes())
        pages.append(ZytePage(page_id, record.get("url") or "", html, record["articleBody"]))
    return pages


def shingles(text: str, size: int = 4) -> Counter[tuple[str, ...]]:
    tokens = _WORD.findall(text)
    if len(tokens) < size:
        return Counter([tuple(tokens)]) if tokens else Counter()
    return Counter(tuple(tokens[i : i + size]) for i in range(len(tokens) - size + 1))


@dataclass(frozen=True)
class ZyteScore:
    precision: float | None  # None: empty output
    recall: float | None  # None: empty ground truth
    exact: bool


def zyte_score(predicted: str, truth: str) -> ZyteScore:
    got, want = shingles(predicted), shingles(truth)
    tp = sum((got & want).values())
    fp = sum((got - want).values())
    fn = sum((want - got).values())
    precision = tp / (tp + fp) if got else None
    recall = tp / (tp + fn) if want else None
    return ZyteScore(precision, recall, _WORD.findall(predicted) == _WORD.findall(truth))


def zyte_f1(scores: Sequence[ZyteScore]) -> tuple[float, float, float]:
    precision = mean([s.precision for s in scores if s.precision is not None])
    recall = mean([s.recall for s in scores if s.recall is not None])
    return precision, recall, f1(precision, recall)


def bootstrap_std(scores: Sequence[ZyteScore], rounds: int = 200) -> float:
    rng = random.Random(1)
    values = []
    for _ in range(rounds):
        sample = [rng.choice(scores) for _ in scores]
        values.append(zyte_f1(sample)[2])
    average = mean(values)
    return mean([(v - average) ** 2 for v in values]) ** 0.5


def zyte_outputs(pages: list[ZytePage], extractor: Extractor) -> tuple[list[ZyteScore], float]:
    scores, seconds = [], 0.0
    for page in pages:
        output = timed(extractor, page.html, "text/html; charset=utf-8", page.url, "generic")
        scores.append(zyte_score("\n".join(output.paragraphs), page.truth))
        seconds += output.seconds
    return scores, seconds / max(len(pages), 1)


def print_zyte(path: Path) -> None:
    pages = load_zyte(path)
    extractors: dict[str, Extractor] = {
        "newsarchive (generic)": newsarchive(),
        "  without the cleanup": without_cleanup,
        "plain trafilatura": plain_extract,
        "  with metadata asked": plain_trafilatura,
    }
    print(f"Zyte article benchmark: {len(pages)} pages")
    print(f"{'extractor':<24} {'P':>6} {'R':>6} {'F1':>6} {'± std':>6} {'exact':>6} {'ms/page':>8}")
    for name, extractor in extractors.items():
        scores, seconds = zyte_outputs(pages, extractor)
        precision, recall, score = zyte_f1(scores)
        exact = share([s.exact for s in scores])
        print(
            f"{name:<24} {precision:>6.3f} {recall:>6.3f} {score:>6.3f} "
            f"{bootstrap_std(scores):>6.3f} {exact:>6} {1000 * seconds:>8.1f}"
        )


# --- korean-news-real ----------------------------------------------------------


def load_module(path: Path) -> ModuleType:
    """The Python file at ``path`` as a module (the data set's own scorer)."""
    spec = importlib.util.spec_from_file_location(path.stem, path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"{path}: not a Python module")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def real_record(extractor: str, raw: bytes, url: str) -> dict[str, Any]:
    """What ``extractor`` makes of one page, as the data set's scorer reads it."""
    try:
        if extractor == "newsarchive":
            article = extract_article(raw, None, url, None)
            published = article.published.isoformat() if article.published else None
            return {
                "title": article.title,
                "author": article.author,
                "published": published,
                "body": article.body,
            }
        found = trafilatura.extract(raw, output_format="json", with_metadata=True)
        document = json.loads(found) if found else {}
        return {
            "title": document.get("title"),
            "author": document.get("author"),
            "published": document.get("date"),
            "body": document.get("text") or "",
        }
    except Exception as exc:  # a failure is scored as one, as the data set does
        return {"error": f"{type(exc).__name__}: {exc}"}


def print_real(path: Path) -> None:
    scorer = load_module(path / "score.py")
    gold = scorer.load_jsonl(path / "gold.jsonl")
    index = scorer.load_jsonl(path / "index.jsonl")
    extractors = ("newsarchive", "plain trafilatura")
    results: dict[str, list[dict[str, Any]]] = {name: [] for name in extractors}
    for name, page in sorted(index.items()):
        raw = (path / "pages" / name).read_bytes()
        url = page.get("url") or f"http://localhost/{name}"
        for extractor in extractors:
            record = {"file": name, **real_record(extractor, raw, url)}
            results[extractor].append(scorer.score_page(gold[name], record))

    def ratio(rows: list[dict[str, Any]], key: str) -> str:
        marks = [row[key] for row in rows if row[key] is not None]
        return f"{sum(map(bool, marks))}/{len(marks)}"

    def count(rows: list[dict[str, Any]], test: Callable[[dict[str, Any]], bool]) -> str:
        return f"{sum(map(test, rows))}/{len(rows)}"

    lines = {
        "title": lambda rows: ratio(rows, "title"),
        "published to the minute": lambda rows: ratio(rows, "pub"),
        "author": lambda rows: ratio(rows, "author"),
        "author null kept": lambda rows: ratio(rows, "author_null_ok"),
        "first and last found": lambda rows: count(rows, lambda r: r["first"] and r["last"]),
        "pages leaking": lambda rows: count(rows, lambda r: bool(r["leak"])),
        "clean body": lambda rows: count(
            rows, lambda r: r["first"] and r["last"] and not r["leak"]
        ),
        "errors": lambda rows: str(sum(1 for r in rows if r.get("error"))),
    }
    print(f"korean-news-real: {len(gold)} pages (gold and scoring from {path})")
    print(f"{'':<26} {'newsarchive':>12} {'plain trafilatura':>18}")
    for label, figure in lines.items():
        row = [figure(results[extractor]) for extractor in extractors]
        print(f"{label:<26} {row[0]:>12} {row[1]:>18}")
    for row in results["newsarchive"]:
        misses = [key for key in ("title", "pub", "author", "first", "last") if row[key] is False]
        if misses or row["leak"] or row.get("error"):
            print(f"  newsarchive {row['file']}: {' '.join(misses)} {row.get('error', '')}")


# --- settings sweep ---------------------------------------------------------------


SWEEP = [
    BodySettings(fast=fast, favor_precision=precision, favor_recall=recall, min_size=size)
    for fast in (True, False)
    for precision, recall in ((False, False), (True, False), (False, True))
    for size in (None, 1)
]


def print_sweep(fixtures: list[Fixture], zyte: Path | None) -> None:
    pages = load_zyte(zyte) if zyte else []
    family_cases = [f for f in fixtures if f.family != "generic"]
    generic_cases = [f for f in fixtures if f.family == "generic"]
    print("trafilatura settings (same for containers and whole pages in each row)")
    print(
        f"{'fast':>5} {'precision':>9} {'recall':>6} {'min size':>8}"
        f" {'containers F1':>13} {'pages F1':>8} {'leak':>5} {'Zyte F1':>8}"
    )
    for settings in SWEEP:
        extractor = newsarchive(settings)
        containers, _ = run_fixtures(family_cases, {"x": extractor}, detect=False)
        generic, _ = run_fixtures(generic_cases, {"x": extractor}, detect=False)
        leak = share(containers["x"].leak + generic["x"].leak)
        zyte = f"{zyte_f1(zyte_outputs(pages, extractor)[0])[2]:.3f}" if pages else "-"
        print(
            f"{settings.fast!s:>5} {settings.favor_precision!s:>9} {settings.favor_recall!s:>6}"
            f" {settings.min_size!s:>8} {containers['x'].f1():>13.3f} {generic['x'].f1():>8.3f}"
            f" {leak:>5} {zyte:>8}"
        )
    print(f"chosen: containers {CONTAINER}, pages {PAGE}")


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fixtures", type=Path, default=ROOT / "tests" / "fixtures")
    parser.add_argument("--zyte", type=Path, help="the Zyte article benchmark's folder")
    parser.add_argument("--real", type=Path, help="the korean-news-real set's folder")
    parser.add_argument("--sweep", action="store_true", help="measure trafilatura settings")
    parser.add_argument(
        "--detect", action="store_true", help="detect each page's family instead of naming it"
    )
    options = parser.parse_args(list(argv) if argv is not None else None)
    fixtures = all_fixtures(options.fixtures)
    if options.sweep:
        print_sweep(fixtures, options.zyte)
        return
    print_fixtures(fixtures, options.detect)
    if options.zyte:
        print()
        print_zyte(options.zyte)
    if options.real:
        print()
        print_real(options.real)


if __name__ == "__main__":
    main()
