"""Feeds and sitemaps against list pages alone: requests per daily run, and
requests and time for a one-month backfill in the middle of a site's history.

Serves the sample portal's site (``--site``, ``--articles`` of history, 15 a
list page) with its feeds and sitemaps on 127.0.0.1, in this process, counting
every request it answers. Then:

1. daily runs: one archive of the whole site (a first daily run without
   feeds), copied twice; for ``--days`` days, ``--new`` articles dated now are
   published and the day's daily run is made on both copies, one with the
   site's ``feeds`` and one without. As on a real site, the articles of the
   last days are all inside ``RECHECK_DAYS``;
2. backfills: the month ``--month`` (by default the middle month of the
   site's history) into fresh archives, with the site's ``sitemaps`` and
   without (``feeds: off``, ``sitemaps: off``: list pages alone), each
   ``--repeat`` times, alternating;
3. the routes runs find themselves: the sample outlets (``next``: a JSON
   "more" endpoint and a sitemap, ``shell``: an empty shell list, an
   announced feed and a sitemap index) named by ``list_url`` alone, a first
   daily run, a second one, and a backfill of everything, each into a fresh
   archive but the second daily: requests by route, articles archived of
   those published, exit code.

Politeness delays are off (loopback): with the default delay of about 1 s a
request, the request counts are the times that matter on a real site.

    python benchmarks/feeds.py --site newscms --articles 1000 --new 30 --days 2
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sample_portal import Outlet, SamplePortal, serve  # noqa: E402
from sample_portal.outlets import API_PATH, OUTLETS  # noqa: E402

SETTINGS = {
    "AUTOTHROTTLE_ENABLED": "0",
    "DOWNLOAD_DELAY": "0",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "8",
    "LOG_LEVEL": "INFO",
}
SOURCE_FIELDS = ("feeds:", "sitemaps:")
SOURCES_OFF = ("    feeds: off", "    sitemaps: off")


def sites_yaml(portal: SamplePortal, base_url: str, sources: bool) -> str:
    """The portal's sites.yaml, with its feeds and sitemaps or without any
    (not even those a run would find)."""
    lines = portal.sites_yaml(base_url).splitlines()
    kept = []
    for line in lines:
        if sources or line.strip().split(" ")[0] not in SOURCE_FIELDS:
            kept.append(line)
        if not sources and line.strip().startswith("list_url:"):
            kept += SOURCES_OFF
    return "\n".join(kept) + "\n"


def run_crawl(site: str, env: dict[str, str], *window: str) -> tuple[int, float]:
    """One ``scrapy crawl``; its exit code and seconds."""
    args = [arg for value in window for arg in ("-a", value)]
    flags = [arg for key, value in SETTINGS.items() for arg in ("-s", f"{key}={value}")]
    command = [sys.executable, "-m", "scrapy", "crawl", "portal", "-a", f"site={site}"]
    started = time.perf_counter()
    result = subprocess.run(
        [*command, *args, *flags], cwd=ROOT, env=env, capture_output=True, text=True
    )
    return result.returncode, time.perf_counter() - started


def crawl(site: str, env: dict[str, str], *window: str) -> float:
    """One ``scrapy crawl`` that must end healthy; its seconds."""
    code, seconds = run_crawl(site, env, *window)
    if code != 0:
        sys.exit(f"crawl of {site} failed ({code})")
    return seconds


def route_of(path: str) -> str:
    """Which route a request of the outlets was for."""
    if path == "/robots.txt":
        return "robots"
    if path == "/":
        return "home"
    if path.startswith(API_PATH):
        return "list_api"
    if "sitemap" in path:
        return "sitemaps"
    if path.endswith((".xml", ".rss")) or "rss" in path or "feed" in path or "atom" in path:
        return "feeds"
    if "page=" in path:
        return "list_pages"
    return "articles"


def outlet_routes(folder: Path) -> None:
    """Requests by route of runs that find the outlets' routes themselves."""
    kinds = ("list_pages", "list_api", "home", "feeds", "sitemaps", "robots", "articles")
    print("\nroutes found by the runs, sites named by list_url alone (requests by route)")
    print(
        f"{'site':<7}{'run':<10}"
        + "".join(f"{k:>11}" for k in kinds)
        + f"{'archived':>11}{'exit':>6}"
    )
    for kind in OUTLETS:
        outlet = Outlet(kind)
        with serve(outlet) as base_url:
            sites = folder / f"sites-{kind}.yaml"
            sites.write_text(outlet.sites_yaml(base_url), encoding="utf-8")
            env = {**os.environ, "NEWSARCHIVE_SITES": str(sites)}
            runs = (
                ("daily", "daily", ()),
                ("daily 2", "daily", ()),
                ("backfill", "backfill", ("since=2024-01-01", "until=2024-03-31")),
            )
            for label, archive, window in runs:
                database = f"sqlite:///{folder / f'{kind}-{archive}.db'}"
                outlet.hits.clear()
                code, _ = run_crawl(kind, {**env, "DATABASE_URL": database}, *window)
                counts = dict.fromkeys(kinds, 0)
                for path, hits in outlet.hits.items():
                    counts[route_of(path)] += hits
                archived = one_value(database, "SELECT count(*) FROM articles")
                print(
                    f"{kind:<7}{label:<10}"
                    + "".join(f"{counts[k]:>11}" for k in kinds)
                    + f"{f'{archived}/{len(outlet.articles())}':>11}{code:>6}"
                )


def counted(
    portal: SamplePortal, site: str, env: dict[str, str], *window: str
) -> tuple[int, float]:
    """Requests the portal answered during one crawl, and its seconds."""
    before = sum(portal.hits.values())
    seconds = crawl(site, env, *window)
    return sum(portal.hits.values()) - before, seconds


def one_value(url: str, query: str) -> int:
    engine = create_engine(url)
    with engine.connect() as connection:
        found = connection.execute(text(query)).scalar_one()
    engine.dispose()
    return int(found)


def middle_month(portal: SamplePortal, site: str) -> date:
    dates = sorted(a.published.date() for a in portal.articles(site) if not a.notice)
    middle = dates[len(dates) // 2]
    return middle.replace(day=1)


def month_end(first: date) -> date:
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", choices=("gnuboard", "newscms"), default="newscms")
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--new", type=int, default=30, help="articles published a day")
    parser.add_argument("--days", type=int, default=2)
    parser.add_argument("--month", type=date.fromisoformat, help="its first day; default: middle")
    parser.add_argument("--repeat", type=int, default=2)
    options = parser.parse_args()
    site = options.site

    portal = SamplePortal(
        articles_per_site=options.articles, sites=[site], feeds=True, sitemaps=True
    )
    since = options.month or middle_month(portal, site)
    until = month_end(since)
    inside = sum(since <= a.published.date() <= until for a in portal.articles(site))
    with serve(portal) as base_url, tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env: dict[str, dict[str, str]] = {}
        for label, sources in (("with", True), ("without", False)):
            sites = folder / f"sites-{label}.yaml"
            sites.write_text(sites_yaml(portal, base_url, sources), encoding="utf-8")
            env[label] = {**os.environ, "NEWSARCHIVE_SITES": str(sites)}

        history = portal.articles(site)
        print(
            f"{site}: {options.articles} sample articles ({history[-1].published:%Y-%m-%d} to "
            f"{history[0].published:%Y-%m-%d}), 15 a list page, on {base_url}; "
            f"{os.cpu_count()} cores, SQLite, delays off"
        )
        # daily runs
        whole = folder / "whole.db"
        crawl(site, {**env["without"], "DATABASE_URL": f"sqlite:///{whole}"})
        for label in env:
            shutil.copy(whole, folder / f"daily-{label}.db")
        print(f"\ndaily runs, {options.new} new articles a day (requests the portal answered)")
        print(f"{'day':<5}{'with feeds':>12}{'without':>10}{'s with':>9}{'s without':>11}")
        for day in range(1, options.days + 1):
            portal.publish(site, options.new)
            row = {}
            for label in env:
                database = f"sqlite:///{folder / f'daily-{label}.db'}"
                row[label] = counted(portal, site, {**env[label], "DATABASE_URL": database})
            print(
                f"{day:<5}{row['with'][0]:>12}{row['without'][0]:>10}"
                f"{row['with'][1]:>9.1f}{row['without'][1]:>11.1f}"
            )
        news = {
            label: one_value(
                f"sqlite:///{folder / f'daily-{label}.db'}", "SELECT count(*) FROM articles"
            )
            for label in env
        }
        print(f"articles archived: with feeds {news['with']}, without {news['without']}")

        # backfills
        print(
            f"\none-month backfill {since}..{until} ({inside} articles published in it), "
            f"with sitemaps and without (list paging)"
        )
        print(f"{'run':<5}{'requests with':>15}{'without':>10}{'s with':>9}{'s without':>11}")
        for attempt in range(1, options.repeat + 1):
            row = {}
            order = ("with", "without") if attempt % 2 else ("without", "with")
            for label in order:
                database = f"sqlite:///{folder / f'backfill-{label}-{attempt}.db'}"
                window = (f"since={since}", f"until={until}")
                row[label] = counted(
                    portal, site, {**env[label], "DATABASE_URL": database}, *window
                )
                archived = one_value(database, "SELECT count(*) FROM articles")
                if archived != inside:
                    sys.exit(f"backfill {label} sitemaps archived {archived}, not {inside}")
            print(
                f"{attempt:<5}{row['with'][0]:>15}{row['without'][0]:>10}"
                f"{row['with'][1]:>9.1f}{row['without'][1]:>11.1f}"
            )
        print(f"each backfill archived the {inside} articles of the window")
        outlet_routes(folder)


if __name__ == "__main__":
    main()
