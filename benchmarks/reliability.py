"""Reliability run: crawl the sample portal with every fault and hostile page on.

Serves the three sample sites on 127.0.0.1 with all of
``sample_portal/faults.ALL_FAULTS`` (errors, resets, a drip, a gzip
bomb, 60 MB pages, redirect loops, alert pages, attachments, broken markup,
disagreeing encodings, off-site and trap links), crawls each site with
``scrapy crawl portal`` into a fresh SQLite archive (project settings, delays
off, a shorter timeout), and prints per site the time, peak memory of the
crawl's process tree and what was archived, then the checks:

- every published article archived, with its title;
- no hostile page archived;
- no request to another host (the decoy port, localhost, an .invalid name);
- peak memory under 500 MB;
- the run ends long before the drip would (one byte a second);
- requests per URL of a redirect loop: 1 (each URL of the chain once);
- requests of a page still sending at the timeout (the drip): at most 2;
- members-only walls (login forms, paywalls, alerts) archived: 0.

Exits 1 when a check fails.

    python benchmarks/reliability.py --articles 200
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import create_engine, text
from throughput import ROOT, run_measured

sys.path.insert(0, str(ROOT))

from sample_portal import SamplePortal, serve
from sample_portal.faults import ALL_FAULTS

MEMORY_LIMIT_MB = 500
LOOPS = {"redirect-loop": ("/loop/a?to=", "/loop/b?to="), "redirect-loop-back": ("/loop/back?to=",)}


def settings(timeout: float) -> list[str]:
    values = {
        "AUTOTHROTTLE_ENABLED": "0",
        "DOWNLOAD_DELAY": "0",
        "CONCURRENT_REQUESTS_PER_DOMAIN": "8",
        "DOWNLOAD_TIMEOUT": str(timeout),
        "RETRY_BACKOFF_BASE": "0.5",
        "LOG_LEVEL": "INFO",
    }
    return [arg for key, value in values.items() for arg in ("-s", f"{key}={value}")]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=200, help="articles per site")
    parser.add_argument("--per-page", type=int, default=20)
    parser.add_argument("--timeout", type=float, default=5.0, help="DOWNLOAD_TIMEOUT, seconds")
    options = parser.parse_args()

    portal = SamplePortal(options.articles, options.per_page, faults=ALL_FAULTS)
    started = time.perf_counter()
    rows, logs = [], ""
    with tempfile.TemporaryDirectory() as tmp, serve(portal) as base_url:
        sites_file = Path(tmp) / "sites.yaml"
        sites_file.write_text(portal.sites_yaml(base_url), encoding="utf-8")
        database_url = f"sqlite:///{tmp}/archive.db"
        engine = create_engine(database_url)
        for site in portal.sites:
            log = Path(tmp) / f"{site}.log"
            env = {**os.environ, "DATABASE_URL": database_url, "NEWSARCHIVE_SITES": str(sites_file)}
            command = [sys.executable, "-m", "scrapy", "crawl", "portal", "-a", f"site={site}"]
            command += [*settings(options.timeout), "-s", f"LOG_FILE={log}"]
            measure = run_measured(site, command, env, lambda: 0)
            rows.append((site, measure))
            logs += log.read_text(encoding="utf-8")
        with engine.connect() as connection:
            archived = dict(connection.execute(text("SELECT url, title FROM articles")).all())
            outcomes = dict(
                connection.execute(text("SELECT outcome, count(*) FROM captures GROUP BY 1")).all()
            )
            captured = [url for (url,) in connection.execute(text("SELECT url FROM captures"))]
        engine.dispose()
        hostile = portal.faults.hostile_urls(base_url)
        loop_requests = [
            portal.hits[path] for site in portal.sites for path in loop_paths(portal, site)
        ]
        drip_requests = [
            portal.hits[portal.faults.planted(site)["drip"].path] for site in portal.sites
        ]
        walls = {
            base_url + planted.path
            for site in portal.sites
            for planted in portal.faults.planted(site).values()
            if planted.case.group == "members only"
        }
        published = {
            base_url + a.path: a.title for site in portal.sites for a in portal.articles(site)
        }
    total = time.perf_counter() - started

    print(
        f"{options.articles} articles a site, {len(ALL_FAULTS)} faults on each of "
        f"{len(portal.sites)} sites, {os.cpu_count()} cores (shared: timings are noisy)"
    )
    print(f"{'site':<10} {'seconds':>8} {'CPU s':>7} {'peak MB':>12}")
    for site, measure in rows:
        print(
            f"{site:<10} {measure.seconds:>8.1f} {measure.cpu_seconds:>7.1f} "
            f"{measure.peak_mb:>12.0f}"
        )
    print("captures by outcome:", ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())))
    missing = [url for url in published if url not in archived]
    garbled = [url for url, title in published.items() if archived.get(url, title) != title]
    peak = max(measure.peak_mb for _, measure in rows)
    loops = sorted(set(loop_requests))
    print(f"requests per URL of a redirect loop: {loops} ({len(loop_requests)} URLs)")
    print(f"requests of a dripping page: {sorted(set(drip_requests))} ({len(drip_requests)} pages)")
    print(f"members-only walls archived: {len(walls & set(archived))} of {len(walls)}")
    drip_seconds = min(portal.faults.drip_seconds(site) for site in portal.sites)
    checks = [
        ("every published article archived", not missing, f"{len(missing)} missing"),
        ("with its own title (no mojibake)", not garbled, f"{len(garbled)} garbled"),
        (
            "no hostile page archived",
            not hostile & set(archived),
            f"{len(hostile & set(archived))} of {len(hostile)} archived",
        ),
        (
            "no request to another host",
            not portal.faults.offsite_hits
            and "CannotResolveHostError" not in logs
            and all(url.startswith(base_url) for url in captured),
            f"off-site hits {dict(portal.faults.offsite_hits) or 0}",
        ),
        (f"peak memory under {MEMORY_LIMIT_MB} MB", peak < MEMORY_LIMIT_MB, f"{peak:.0f} MB"),
        (
            "each URL of a redirect loop once",
            set(loop_requests) == {1},
            f"{max(loop_requests)} at most",
        ),
        ("a dripping page twice at most", max(drip_requests) <= 2, f"{max(drip_requests)} at most"),
        (
            "no members-only wall archived",
            not walls & set(archived),
            f"{len(walls & set(archived))}",
        ),
        (
            "no drip waited out",
            total < drip_seconds,
            f"whole run {total:.0f} s; a drip page takes {drip_seconds:.0f} s",
        ),
    ]
    for name, passed, detail in checks:
        print(f"{'PASS' if passed else 'FAIL'}  {name:<36} {detail}")
    for url in garbled[:10]:
        print(f"      garbled: {url} -> {archived[url][:40]!r}")
    return 0 if all(passed for _, passed, _ in checks) else 1


def loop_paths(portal: SamplePortal, site: str) -> list[str]:
    """The URL paths of the redirect loops planted on ``site``: each case's own, and its hops."""
    paths = []
    for name, hops in LOOPS.items():
        path = portal.faults.planted(site)[name].path
        paths += [path, *(hop + quote(path) for hop in hops)]
    return paths


if __name__ == "__main__":
    sys.exit(main())
