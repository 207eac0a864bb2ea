"""Deduplication: quality on the labelled pairs, cost as the archive grows.

    .venv/bin/python benchmarks/dedup.py                      # quality, then 10k
    .venv/bin/python benchmarks/dedup.py --articles 1000000   # 10k, 100k, 1M

Quality: for each shingle size, the Jaccard similarity of the copies and of
the different-article pairs in ``tests/fixtures/dedup/pairs.jsonl``, and the
precision and recall of each threshold; then, at the chosen shingle size, each
threshold's precision and recall with and without the substitution rule (a
body that puts another name or number in the other's place is not a copy,
``pipelines.fingerprint.substitutions``), how many such places the copies and
the different pairs show, and the archive's own decision (``Archive.save_page``
with the pipeline's fingerprints) on every pair.

Cost: an archive (SQLite by default, or ``--database-url``) is bulk-filled
with synthetic Korean-like articles, one a minute (a Zipf vocabulary of
generated words, so unrelated bodies overlap like real ones; each site's
pages share its own lines, bodies carry stock sentences; one in 20 a lightly
edited copy of a recent one) to each size, then ``--sample`` articles dated
after the newest are placed among the clusters one by one
(``storage.near_duplicates.place``: candidates, their MinHash estimate, the
bodies compared) and saved through ``Archive.save_page``. Printed per size:
candidates and bodies compared per article, the placement's ms per article
(mean and p95), ``save_page``'s, the planted copies (edits of an article of the
last two days) linked, the ``minhash_bands`` index on disk and the process's
memory; and what rebuilding the index from the bodies would cost instead.
The LSH shapes (bands x rows, keys shared) are compared after the quality.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import random
import sys
import tempfile
import time
import zlib
from collections import Counter, deque
from collections.abc import Iterator
from datetime import datetime, timedelta
from itertools import accumulate
from multiprocessing.pool import AsyncResult
from pathlib import Path

import numpy as np
from sqlalchemy import func, insert, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipelines.fingerprint import (
    BANDS,
    NUM_PERM,
    ROWS,
    SHINGLE,
    THRESHOLD,
    Fingerprint,
    band_keys,
    fingerprint,
    minhash,
    normalized_text,
    shingles,
    substitutions,
    words,
)
from sample_portal.releases import HOUSE_STYLES, house_style_releases
from storage.archive import Archive
from storage.band_index import count_stories, story_day
from storage.models import Article, Capture, MinhashBand, Sighting
from storage.near_duplicates import place
from storage.types import SEOUL
from tests.dedup_sets import copy_pairs, linked_pairs, load_groups, save_in_order

PAIRS = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "dedup" / "pairs.jsonl"
START = datetime(2020, 1, 1, 9, 0, tzinfo=SEOUL)
FILL_CHUNK = 2000
ORDERS = 24  # arrival orders tried per labelled set: as given, reversed, and random
STOCK_SEEDS = range(1, 7)  # generated press offices (house style and facts)
STOCK_RELEASES = 12  # releases per press office
SITES = 40  # synthetic sites, each with its own lines at the end of its pages
SITE_LINES = 3
STOCK_SENTENCES = 300  # press offices' stock sentences of the synthetic bodies
BAND_SHAPES = ((32, 3), (42, 3), (64, 2), (32, 4), (25, 5))  # LSH shapes compared
CHOICE_ARTICLES = 3000
HISTORY_SHIFT = 100 * 24 * 60  # minutes between the copies of the filled articles (--history)


# --- quality -----------------------------------------------------------------


def load_pairs() -> list[dict[str, str]]:
    return [json.loads(line) for line in PAIRS.read_text(encoding="utf-8").splitlines()]


def jaccard(a: str, b: str, size: int) -> float:
    x, y = shingles(normalized_text(a), size), shingles(normalized_text(b), size)
    return len(x & y) / len(x | y) if x | y else 0.0


def scores(pairs: list[dict[str, str]], predicted: list[bool]) -> tuple[float, float]:
    truth = [pair["label"] == "copy" for pair in pairs]
    hits = sum(p and t for p, t in zip(predicted, truth, strict=True))
    precision = hits / sum(predicted) if any(predicted) else 1.0
    return precision, hits / sum(truth)


def quality(database_url: str | None) -> None:
    pairs = load_pairs()
    copies = sum(pair["label"] == "copy" for pair in pairs)
    print(f"labelled pairs: {len(pairs)} ({copies} copies, {len(pairs) - copies} different)")
    print("shingle  copy J min/median  different J median/max  P/R at threshold 0.3 0.4 0.5")
    for size in range(2, 8):
        sims = [jaccard(pair["a"], pair["b"], size) for pair in pairs]
        same = sorted(s for s, p in zip(sims, pairs, strict=True) if p["label"] == "copy")
        other = sorted(s for s, p in zip(sims, pairs, strict=True) if p["label"] != "copy")
        cells = []
        for threshold in (0.3, 0.4, 0.5):
            precision, recall = scores(pairs, [s >= threshold for s in sims])
            cells.append(f"{precision:.2f}/{recall:.2f}")
        print(
            f"{size:>7}  {same[0]:.2f} / {same[len(same) // 2]:.2f}"
            f"{'':11}{other[len(other) // 2]:.2f} / {other[-1]:.2f}{'':14}{'  '.join(cells)}"
        )
    substitution_table(pairs)
    predicted = archive_decisions(pairs, database_url)
    precision, recall = scores(pairs, predicted)
    print(
        f"archive decision (shingle {SHINGLE}, threshold {THRESHOLD}, substitution rule, "
        f"LSH {BANDS}x{ROWS} of {NUM_PERM}): precision {precision:.3f}  recall {recall:.3f}"
    )
    truth = [pair["label"] == "copy" for pair in pairs]
    counts = [sum(p and t for p, t in zip(predicted, truth, strict=True)), sum(predicted)]
    counts.append(sum(truth))
    group_counts = arrival_orders()
    hits, found, copies = (a + b for a, b in zip(counts, group_counts, strict=True))
    print(
        f"enlarged set (pairs + labelled sets in every order tried): "
        f"precision {hits / max(1, found):.3f}  recall {hits / copies:.3f}"
    )
    stock_sentence_set()
    band_choices(pairs)


def band_choices(pairs: list[dict[str, str]]) -> None:
    """For a few LSH shapes (bands x rows) and how many keys a candidate must
    share: the labelled copies that become candidates (recall), the different
    pairs that do, and the candidates per article among ``CHOICE_ARTICLES``
    synthetic articles (the order of a window's articles)."""
    signed = [
        (signature(pair["a"]), signature(pair["b"]), pair["label"] == "copy") for pair in pairs
    ]
    corpus = Corpus()
    synthetic = [signature(corpus.article(n)) for n in range(CHOICE_ARTICLES)]
    print(
        f"LSH shape  shared keys  copies that are candidates  different pairs that are"
        f"  candidates/article among {CHOICE_ARTICLES:,} synthetic"
    )
    for bands, rows in BAND_SHAPES:
        keyed = [set(band_keys(one, bands, rows)) for one in synthetic]
        postings: dict[int, list[int]] = {}
        for n, keys in enumerate(keyed):
            for key in keys:
                postings.setdefault(key, []).append(n)
        for shared in (1, 2, 3):
            found = [
                len(set(band_keys(a, bands, rows)) & set(band_keys(b, bands, rows))) >= shared
                for a, b, _ in signed
            ]
            copies = [hit for hit, (_, _, copy) in zip(found, signed, strict=True) if copy]
            different = sum(
                hit for hit, (_, _, copy) in zip(found, signed, strict=True) if not copy
            )
            counted = 0
            for n, keys in enumerate(keyed):
                sharing = Counter(other for key in keys for other in postings[key] if other != n)
                counted += sum(count >= shared for count in sharing.values())
            print(
                f"{bands:>5}x{rows}  {shared:>11}  {sum(copies) / len(copies):26.3f}"
                f"  {different:24}  {counted / CHOICE_ARTICLES:23.1f}"
            )


def signature(body: str) -> np.ndarray:
    return minhash(shingles(normalized_text(body)))


def fresh_archive(folder: str, name: str) -> Archive:
    """A new SQLite archive: a copy of one migrated once (migrating takes longer
    than the saves measured)."""
    template = Path(folder) / "template.db"
    if not template.exists():
        Archive.open(f"sqlite:///{template}").close()
    target = Path(folder) / f"{name}.db"
    target.write_bytes(template.read_bytes())
    return Archive.open(f"sqlite:///{target}")


def arrival_orders() -> tuple[int, int, int]:
    """Each labelled set of ``groups.jsonl`` saved in ``ORDERS`` arrival orders:
    the pairs linked right, linked, and to link, over all orders."""
    hits = found = copies = wrong_orders = tried = 0
    sets = load_groups()
    with tempfile.TemporaryDirectory() as folder:
        for name, rows in sets.items():
            rng = random.Random(name)
            given = list(range(len(rows)))
            orders = [given, given[::-1]]
            orders += [rng.sample(given, len(given)) for _ in range(ORDERS - 2)]
            truth = copy_pairs(rows)
            for n, order in enumerate(orders):
                archive = fresh_archive(folder, f"{name}{n}")
                linked = linked_pairs(save_in_order(archive, rows, order))
                archive.close()
                hits, found, copies = (
                    hits + len(linked & truth),
                    found + len(linked),
                    copies + len(truth),
                )
                wrong_orders += linked != truth
                tried += 1
    articles = sum(len(rows) for rows in sets.values())
    print(
        f"labelled sets: {len(sets)} ({articles} articles), {tried} arrival orders tried"
        f" ({ORDERS} per set): precision {hits / max(1, found):.3f}  recall {hits / copies:.3f};"
        f" orders giving other clusters than the labels: {wrong_orders}"
    )
    return hits, found, copies


def stock_sentence_set() -> None:
    """Releases generated from press offices' stock sentences and varying facts
    (``house_style_releases``), none a copy of another: how many pairs are linked."""
    linked = pairs = 0
    with tempfile.TemporaryDirectory() as folder:
        for seed in STOCK_SEEDS:
            bodies = house_style_releases(seed, STOCK_RELEASES)
            rows = [
                {"set": f"stock{seed}", "body": body, "hours": n} for n, body in enumerate(bodies)
            ]
            archive = fresh_archive(folder, f"stock{seed}")
            linked += len(linked_pairs(save_in_order(archive, rows, range(len(rows)))))
            archive.close()
            pairs += len(rows) * (len(rows) - 1) // 2
    print(
        f"stock-sentence set: {len(STOCK_SEEDS)} press offices ({len(HOUSE_STYLES)} house styles,"
        f" seeds {STOCK_SEEDS.start}-{STOCK_SEEDS.stop - 1}) x {STOCK_RELEASES} releases,"
        f" no copies: {linked} of {pairs} pairs linked, precision {1.0 if not linked else 0.0:.3f}"
    )


def substitution_table(pairs: list[dict[str, str]]) -> None:
    """Precision and recall of each threshold at the chosen shingle size, by
    Jaccard alone and with the substitution rule."""
    sims = [jaccard(pair["a"], pair["b"], SHINGLE) for pair in pairs]
    places = [len(substitutions(words(pair["a"]), words(pair["b"]))) for pair in pairs]
    for label in ("copy", "different"):
        counts = [n for n, pair in zip(places, pairs, strict=True) if pair["label"] == label]
        spread = {n: counts.count(n) for n in sorted(set(counts))}
        print(f"substituted names/numbers per {label} pair (count: pairs): {spread}")
    unruled = [s for s, n, pair in zip(sims, places, pairs, strict=True)
               if not n and pair["label"] != "copy"]  # fmt: skip
    copies = [s for s, pair in zip(sims, pairs, strict=True) if pair["label"] == "copy"]
    print(
        f"Jaccard of the different pairs the rule leaves: max {max(unruled):.2f};"
        f" of the copies: min {min(copies):.2f}"
    )
    print(f"shingle {SHINGLE}: threshold  Jaccard alone P/R  with substitution rule P/R")
    for threshold in (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5):
        alone = scores(pairs, [s >= threshold for s in sims])
        ruled = scores(pairs, [s >= threshold and not n for s, n in zip(sims, places, strict=True)])
        print(
            f"{'':9}{threshold:>9.2f}  {alone[0]:14.3f}/{alone[1]:.3f}"
            f"  {ruled[0]:21.3f}/{ruled[1]:.3f}"
        )


def archive_decisions(pairs: list[dict[str, str]], database_url: str | None) -> list[bool]:
    """Save each pair's first article, then its second: is the second a copy of it?"""
    with tempfile.TemporaryDirectory() as folder:
        archive = Archive.open(database_url or f"sqlite:///{Path(folder) / 'pairs.db'}")
        site_id = archive.site_id("pairs", None, "http://pairs.example/?page={page}")
        run_id = archive.start_run(site_id, "daily", None, None)
        firsts: dict[str, int] = {}
        predicted = []
        for n, pair in enumerate(pairs):
            topic = pair["id"].split("-")[0]
            if topic not in firsts:
                url = f"http://a.example/{topic}"
                save(archive, site_id, run_id, url, pair["a"], START)
                firsts[topic] = article_id(archive, url)
            url = f"http://b.example/{n}"
            save(archive, site_id, run_id, url, pair["b"], START + timedelta(hours=1))
            with archive.sessions() as session:
                sighting = session.scalar(select(Sighting.article_id).where(Sighting.url == url))
                linked = session.scalar(select(Article.duplicate_of_id).where(Article.url == url))
            predicted.append(firsts[topic] in (sighting, linked))
        archive.close()
    return predicted


def article_id(archive: Archive, url: str) -> int:
    with archive.sessions() as session:
        return session.scalar(select(Article.id).where(Article.url == url))  # type: ignore[return-value]


def save(
    archive: Archive,
    site_id: int,
    run_id: int,
    url: str,
    body: str,
    published: datetime,
    print_: Fingerprint | None = None,
) -> str:
    found = print_ or fingerprint("", body)
    capture = Capture(
        site_id=site_id,
        run_id=run_id,
        url=url,
        final_url=url,
        status=200,
        headers={},
        body_zlib=zlib.compress(b""),
        fetched_at=published,
        outcome="article",
    )
    article = Article(
        site_id=site_id,
        url=url,
        title=url,
        author=None,
        published=published,
        body=body,
        content_hash=found.content_hash,
        minhash=found.signature,
        extractor_version="bench",
    )
    return archive.save_page(capture, article, found)


# --- synthetic archive -------------------------------------------------------


class Corpus:
    """Deterministic Korean-like articles: article ``n`` is the same on every call.

    As on real portals, bodies overlap without being copies: each site's pages
    end with the site's own lines (``SITE_LINES`` of them), and a body may carry
    a press office's stock sentences (``STOCK_SENTENCES``, Zipf-weighted)."""

    def __init__(self, seed: int = 7, words: int = 20000) -> None:
        rng = random.Random(seed)
        syllables = [chr(0xAC00 + rng.randrange(11172)) for _ in range(1200)]
        self.words = ["".join(rng.choices(syllables, k=rng.randint(2, 4))) for _ in range(words)]
        self.weights = list(accumulate(1 / (rank + 1) ** 1.05 for rank in range(words)))
        self.seed = seed
        self.site_lines = [[self.sentence(rng) for _ in range(SITE_LINES)] for _ in range(SITES)]
        self.stock = [self.sentence(rng) for _ in range(STOCK_SENTENCES)]
        self.stock_weights = list(accumulate(1 / (rank + 1) for rank in range(STOCK_SENTENCES)))

    def sentence(self, rng: random.Random) -> str:
        return (
            " ".join(rng.choices(self.words, cum_weights=self.weights, k=rng.randint(8, 16)))
            + "다."
        )

    def article(self, n: int) -> str:
        """Body of article ``n``: one in 20 is an edited copy of an earlier article."""
        rng = random.Random(self.seed * 1_000_003 + n)
        if n > 100 and rng.random() < 0.05:
            body = self.article(rng.randrange(max(0, n - 2880), n)).split("\n\n")
            body[0] = self.sentence(rng)  # a new lead sentence
            body.insert(rng.randrange(1, len(body)), self.sentence(rng))  # one added
            return "\n\n".join(body)
        own = [self.sentence(rng) for _ in range(rng.randint(5, 10))]
        own += rng.choices(self.stock, cum_weights=self.stock_weights, k=rng.randint(0, 2))
        return "\n\n".join(own + self.site_lines[n % SITES])


def fingerprinted(corpus: Corpus, start: int, stop: int) -> tuple[list, float]:
    """In a worker: bodies ``start``..``stop`` with their fingerprints, and the
    seconds spent fingerprinting."""
    rows, spent = [], 0.0
    for n in range(start, stop):
        body = corpus.article(n)
        began = time.perf_counter()
        found = fingerprint("", body)
        spent += time.perf_counter() - began
        rows.append(
            (
                n,
                body,
                found.content_hash,
                found.signature,
                set(found.band_keys),
                found.compared_text,
            )
        )
    return rows, spent


def fill(
    archive: Archive, site_id: int, corpus: Corpus, start: int, stop: int, history: int = 0
) -> float:
    """Bulk-load articles ``start``..``stop`` as stored articles (generated and
    fingerprinted by two worker processes), each also ``history`` times at
    earlier dates (``HISTORY_SHIFT`` minutes apart); returns the seconds spent
    fingerprinting."""
    spent = 0.0
    pending: deque[AsyncResult] = deque()
    with multiprocessing.get_context("fork").Pool(2) as pool:
        for first in range(start, stop, FILL_CHUNK):
            chunk = (corpus, first, min(first + FILL_CHUNK, stop))
            pending.append(pool.apply_async(fingerprinted, chunk))
            while len(pending) > 3 or (pending and first + FILL_CHUNK >= stop):
                rows, seconds = pending.popleft().get()  # a few chunks ahead, not all
                spent += seconds
                load(archive, site_id, rows)
                for back in range(1, history + 1):
                    shift = back * HISTORY_SHIFT
                    load(archive, site_id, [(row[0] - shift, *row[1:]) for row in rows])
    return spent


def load(archive: Archive, site_id: int, rows: list) -> None:
    """Store fingerprinted bodies as articles (first copies) with their sightings,
    band keys at their days and the stories counted by key (one capture stands
    for the chunk: captures play no part in matching)."""
    when = START + timedelta(minutes=rows[0][0])
    with archive.sessions.begin() as session:
        connection = session.connection()
        capture_id = connection.execute(
            insert(Capture.__table__).returning(Capture.__table__.c.id),
            dict(
                site_id=site_id,
                url="http://fill.example/",
                final_url="http://fill.example/",
                status=200,
                headers={},
                body_zlib=b"",
                fetched_at=when,
                outcome="article",
            ),
        ).scalar_one()
        articles = [
            dict(
                site_id=site_id,
                url=f"http://fill.example/{n}",
                title=f"http://fill.example/{n}",
                published=START + timedelta(minutes=n),
                body=body,
                content_hash=content_hash,
                minhash=signature,
                compared_text=compared_text,
                extractor_version="bench",
                capture_id=capture_id,
                archived_at=when,
            )
            for n, body, content_hash, signature, _keys, compared_text in rows
        ]
        table = Article.__table__
        ids = connection.execute(
            insert(table).returning(table.c.id, sort_by_parameter_order=True), articles
        ).scalars()
        sightings, bands = [], []
        for values, article_id, row in zip(articles, ids, rows, strict=True):
            sightings.append(
                dict(
                    article_id=article_id,
                    site_id=site_id,
                    url=values["url"],
                    published=values["published"],
                    first_seen=when,
                    last_seen=when,
                )
            )
            day = story_day(values["published"], when)
            bands.extend(dict(key=key, article_id=article_id, day=day) for key in row[4])
        connection.execute(insert(Sighting.__table__), sightings)
        bands.sort(key=lambda band: band["key"])  # B-tree pages touched in order
        connection.execute(insert(MinhashBand.__table__), bands)
        count_stories(connection, Counter(band["key"] for band in bands), 1)


def index_bytes(archive: Archive) -> int:
    with archive.engine.connect() as connection:
        if archive.engine.dialect.name == "sqlite":
            return connection.scalar(
                text("SELECT SUM(pgsize) FROM dbstat WHERE name = 'minhash_bands'")
            )
        return connection.scalar(text("SELECT pg_total_relation_size('minhash_bands')"))


def rss_mib() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096 / 2**20


def sizes(total: int) -> Iterator[int]:
    size = 10_000
    while size < total:
        yield size
        size *= 10
    yield total


class Counted:
    """A fingerprint that counts what matching does with it: the candidates it
    is shown (their MinHash estimate checked) and the bodies it is compared with."""

    def __init__(self, found: Fingerprint) -> None:
        self.found = found
        self.candidates = 0
        self.compared = 0

    def __getattr__(self, name: str) -> object:
        return getattr(self.found, name)

    def may_copy(self, stored: bytes) -> bool:
        self.candidates += 1
        return self.found.may_copy(stored)

    def resemblance(self, *args: object, **kwargs: object) -> float:
        self.compared += 1
        return self.found.resemblance(*args, **kwargs)  # type: ignore[arg-type]


def scale(total: int, sample: int, database_url: str | None, history: int = 0) -> None:
    corpus = Corpus()
    print(
        f"\nsynthetic archive up to {total:,} articles, one a minute; {sample} saved one by one"
        " at each size, dated after the newest (times are wall clock on a shared machine)"
    )
    print(
        "articles   candidates/article  bodies compared/article  near-duplicate ms mean   p95"
        "  CPU ms   save_page ms  planted copies linked  index on disk  process RSS"
    )
    with tempfile.TemporaryDirectory() as folder:
        archive = Archive.open(database_url or f"sqlite:///{Path(folder) / 'scale.db'}")
        site_id = archive.site_id("bench", None, "http://fill.example/?page={page}")
        run_id = archive.start_run(site_id, "daily", None, None)
        stored, filled, fingerprint_seconds = 0, 0, 0.0  # articles in the archive, bulk-loaded
        offset = 10 * total  # article numbers of the timed samples, after every filled one
        for size in sizes(total):
            more = size - sample - stored
            fingerprint_seconds += fill(archive, site_id, corpus, filled, filled + more, history)
            filled += more
            bodies = [corpus.article(offset + size + k) for k in range(sample)]
            # one timed save in 20 is a light edit of an article of the last two days
            planted = range(0, sample, 20)
            for k in planted:
                rng = random.Random(k)
                body = corpus.article(rng.randrange(max(0, filled - 2880), filled)).split("\n\n")
                body.append(corpus.sentence(rng))
                bodies[k] = "\n\n".join(body)
            prints = [fingerprint("", body) for body in bodies]
            dates = [START + timedelta(minutes=filled + k) for k in range(sample)]
            counted = [Counted(found) for found in prints]
            times, cpu = [], 0.0
            with archive.engine.connect() as connection:
                for found, when in zip(counted, dates, strict=True):
                    began, began_cpu = time.perf_counter(), time.process_time()
                    place(connection, found, when, when)  # type: ignore[arg-type]
                    times.append((time.perf_counter() - began) * 1000)
                    cpu += time.process_time() - began_cpu
                    connection.rollback()
            began = time.perf_counter()
            for k, (body, found, when) in enumerate(zip(bodies, prints, dates, strict=True)):
                url = f"http://sample.example/{size}/{k}"
                save(archive, site_id, run_id, url, body, when, found)
            per_article = (time.perf_counter() - began) / sample * 1000
            stored = size
            with archive.sessions() as session:
                linked = session.scalar(
                    select(func.count())
                    .select_from(Article)
                    .where(Article.url.in_([f"http://sample.example/{size}/{k}" for k in planted]))
                    .where(Article.duplicate_of_id.is_not(None))
                )
            on_disk = index_bytes(archive)
            times.sort()
            candidates = sum(found.candidates for found in counted) / sample
            compared = sum(found.compared for found in counted) / sample
            print(
                f"{size * (history + 1):>9,}  {candidates:12.1f}{compared:20.1f}"
                f"{sum(times) / sample:25.2f}"
                f"{times[int(0.95 * (sample - 1))]:8.2f}{cpu / sample * 1000:8.2f}"
                f"{per_article:13.2f}"
                f"{f'{linked}/{len(planted)}':>17}{on_disk / 2**20:18.0f} MiB{rss_mib():9.0f} MiB"
            )
        rebuild = fingerprint_seconds / max(1, filled) * total
        print(
            f"restart: the index is stored (minhash_bands, articles.minhash): nothing to load;"
            f" rebuilding it from {total:,} bodies would take ~{rebuild:.0f} s of fingerprinting"
        )
        archive.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000, help="largest archive size")
    parser.add_argument("--sample", type=int, default=1000, help="articles timed at each size")
    parser.add_argument("--database-url", help="archive to fill (default: a temporary SQLite)")
    parser.add_argument("--skip-quality", action="store_true")
    parser.add_argument(
        "--history",
        type=int,
        default=0,
        help="also store each filled article this many times at earlier dates, 100 days"
        " apart (years of archive behind the newest articles, fingerprinted once;"
        " --articles up to 100,000)",
    )
    args = parser.parse_args(argv)
    if not args.skip_quality:
        quality(args.database_url)
    scale(args.articles, args.sample, args.database_url, args.history)
    return 0


if __name__ == "__main__":
    sys.exit(main())
