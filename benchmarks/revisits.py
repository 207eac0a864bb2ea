"""A month of simulated daily runs of a board of ``--per-day`` new articles
a day (``sample_portal.revisions``), of which ``--edited`` are changed once
(a figure, a title, a corrections line) and ``--taken-down`` deleted or made
to answer 404, each at a random age up to 28 days: once with revisits at the
default ages (1, 7 and 30 days) and once with ``revisit: off``, on two
boards of the same seed (the same articles, the same edits). Prints:

- the requests per daily run (the board's count of them) with and without revisits;
- the share of revisits answered 304 Not Modified;
- the versions found against the edits made that a revisit of the month came
  after (recall), and versions found where no edit was made (false versions);
  takedowns found and dated against those made;
- the archive's growth over the month (SQLite file size, captures, version rows).

The boards are served on 127.0.0.1 with the delays off.

    python benchmarks/revisits.py --days 30 --per-day 30
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from collections import Counter
from contextlib import ExitStack
from datetime import timedelta
from pathlib import Path
from statistics import mean

from sqlalchemy import func, select

from sample_portal.revisions import CHANGES, START, TAKEDOWNS, EditedBoard, serve_board
from storage.archive import Archive
from storage.models import Article, ArticleRevisit, ArticleVersion, Capture, CrawlRun

ROOT = Path(__file__).resolve().parent.parent
FAST = [
    "AUTOTHROTTLE_ENABLED=0", "DOWNLOAD_DELAY=0", "CONCURRENT_REQUESTS_PER_DOMAIN=8",
    "LOG_LEVEL=WARNING", "EXTRACT_WORKERS=0",
]  # fmt: skip


def daily(board: EditedBoard, database: Path, sites: Path) -> int:
    """One daily run at the board's simulated time; the requests the board answered."""
    before = sum(board.hits.values())
    settings = [*FAST, f"REVISIT_CLOCK={board.now().isoformat()}"]
    done = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "portal", "-a", "site=edited"]
        + [arg for setting in settings for arg in ("-s", setting)],
        cwd=ROOT,
        env={
            **os.environ,
            "DATABASE_URL": f"sqlite:///{database}",
            "NEWSARCHIVE_SITES": str(sites),
        },
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"a daily run failed ({done.returncode}): {done.stderr[-2000:]}")
    return sum(board.hits.values()) - before


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--per-day", type=int, default=30)
    parser.add_argument("--edited", type=float, default=0.10)
    parser.add_argument("--taken-down", type=float, default=0.01)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    shares = {"edit_share": args.edited, "takedown_share": args.taken_down}
    boards = {
        "with revisits": EditedBoard(args.per_day, args.seed, **shares),
        "without revisits": EditedBoard(args.per_day, args.seed, **shares),
    }
    requests: dict[str, list[int]] = {name: [] for name in boards}
    with tempfile.TemporaryDirectory() as folder, ExitStack() as stack:
        work = Path(folder)
        places = {}
        for name, board in boards.items():
            base = stack.enter_context(serve_board(board))
            sites = work / f"{name}.yaml"
            revisit = None if name == "with revisits" else "off"
            sites.write_text(board.sites_yaml(base, revisit=revisit), encoding="utf-8")
            places[name] = (work / f"{name}.db", sites)
        for day in range(args.days):
            for name, board in boards.items():
                board.next_day()
                requests[name].append(daily(board, *places[name]))
            print(f"day {day + 1:>2}: " + ", ".join(f"{n} {r[-1]}" for n, r in requests.items()))
        print()
        print(f"{args.days} simulated days, {args.per_day} new articles a day, "
              f"{args.edited:.0%} edited, {args.taken_down:.0%} taken down")  # fmt: skip
        for name in boards:
            runs = requests[name][1:]  # the first run reads every list page once
            print(
                f"requests per daily run {name + ':':<18} mean {mean(runs):6.1f} "
                f"(days 2-{args.days}), last {runs[-1]}"
            )
        report(boards["with revisits"], *places["with revisits"])
        sizes = {name: places[name][0].stat().st_size for name in boards}
        growth = sizes["with revisits"] - sizes["without revisits"]
        for name in boards:
            print(f"archive after {args.days} days {name + ':':<18} {sizes[name] / 1e6:7.2f} MB")
        print(
            f"archive growth over {args.days} days due to revisits: {growth / 1e6:+.2f} MB "
            f"({growth / sizes['without revisits']:+.1%})"
        )
        for name in boards:
            counts(name, places[name][0])


def report(board: EditedBoard, database: Path, sites: Path) -> None:
    """What the revisits found against what the board's editors did."""
    archive = Archive.open(f"sqlite:///{database}")
    try:
        with archive.sessions() as session:
            revisits = session.execute(
                select(Article.url, ArticleRevisit.at, ArticleRevisit.result).join(
                    Article, Article.id == ArticleRevisit.article_id
                )
            ).all()
            versions = Counter(
                url
                for (url,) in session.execute(
                    select(Article.url)
                    .join(ArticleVersion, ArticleVersion.article_id == Article.id)
                    .where(ArticleVersion.version > 1)
                )
            )
            gone = {url: at for url, at in session.execute(select(Article.url, Article.gone_at))}
    finally:
        archive.close()
    revisits = [(path_of(url), at, result) for url, at, result in revisits]
    versions = Counter({path_of(url): count for url, count in versions.items()})
    gone = {path_of(url): at for url, at in gone.items()}
    results = Counter(result for _, _, result in revisits)
    read = sum(results.values()) - results["failed"]
    print(
        f"revisits: {sum(results.values())}, answered 304: {results['not_modified']} "
        f"({results['not_modified'] / max(read, 1):.1%} of those answered)"
    )
    edits = [edit for edit in board.edits if edit.kind in CHANGES]
    after = {url: sorted(at for u, at, r in revisits if u == url and r != "failed") for url in gone}

    def revisited_after(path: str, day: int) -> bool:
        made = START + timedelta(days=day, hours=12)
        return any(at > made for at in after.get(path, ()))

    visible = [edit for edit in edits if revisited_after(edit.path, edit.day)]
    edited = {edit.path for edit in edits}
    found = sum(min(versions[edit.path], 1) for edit in visible)
    false = sum(count for url, count in versions.items() if url not in edited)
    print(
        f"edits made: {len(edits)}, of them revisited after the edit: {len(visible)}; "
        f"versions found for them: {found} (recall {found / max(len(visible), 1):.3f}); "
        f"false versions: {false}"
    )
    downs = [edit for edit in board.edits if edit.kind in TAKEDOWNS]
    seen = [edit for edit in downs if revisited_after(edit.path, edit.day)]
    dated = sum(1 for edit in seen if gone.get(edit.path) is not None)
    print(f"takedowns made: {len(downs)}, revisited after: {len(seen)}, found and dated: {dated}")


def path_of(url: str) -> str:
    """The board's path of an article URL (the boards' hosts differ)."""
    return url[url.index("/bbs/") :]


def counts(name: str, database: Path) -> None:
    archive = Archive.open(f"sqlite:///{database}")
    try:
        with archive.sessions() as session:
            captures = session.scalar(select(func.count(Capture.id)))
            articles = session.scalar(select(func.count(Article.id)))
            rows = session.scalar(select(func.count(ArticleVersion.id)))
            runs = session.scalar(select(func.count(CrawlRun.id)))
    finally:
        archive.close()
    print(
        f"{name + ':':<18} {runs} runs, {articles} articles, {captures} captures, "
        f"{rows} version rows"
    )


if __name__ == "__main__":
    main()
