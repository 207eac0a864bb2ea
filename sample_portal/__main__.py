"""CLI: `python -m sample_portal --articles 2000 --per-page 20 --port 0 [--seed 1]
[--syndicated] [--faults all|NAME,...] [--skin-seeds 1,3,5] [--feeds] [--sitemaps] [--heavy]`."""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from .faults import ALL_FAULTS, CASES
from .server import SITES, SamplePortal, serve


def main(argv: list[str] | None = None) -> int:
    """Serve the sample portal until SIGINT/SIGTERM; print `READY <base url>` once listening."""
    parser = argparse.ArgumentParser(
        prog="python -m sample_portal",
        description="Serve fake Korean news portals on 127.0.0.1.",
    )
    parser.add_argument("--articles", type=int, default=65, help="articles per site")
    parser.add_argument("--per-page", type=int, default=15, help="list rows per page")
    parser.add_argument("--port", type=int, default=0, help="TCP port (0: any free port)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--sites", default=",".join(SITES), help=f"comma-separated subset of {','.join(SITES)}"
    )
    parser.add_argument(
        "--syndicated",
        action="store_true",
        help="reprint Gnuboard stories on the news CMS and link URL variants (dedup testing)",
    )
    parser.add_argument(
        "--faults", default="", help="'all', or comma-separated cases of sample_portal/faults"
    )
    parser.add_argument(
        "--skin-seeds",
        default="",
        help="comma-separated seeds of generated-skin sites to serve too (sample_portal/skins)",
    )
    parser.add_argument("--feeds", action="store_true", help="serve the sites' RSS and Atom feeds")
    parser.add_argument(
        "--sitemaps", action="store_true", help="serve sitemaps, named in robots.txt"
    )
    parser.add_argument(
        "--heavy",
        action="store_true",
        help="dress the sites as big portals: menus, boxes, comments, shared releases",
    )
    parser.add_argument(
        "--sites-yaml",
        action="store_true",
        help="print a sites.yaml of the served sites' list URLs alone (no cms) after READY",
    )
    args = parser.parse_args(argv)
    sites = [name.strip() for name in args.sites.split(",") if name.strip()]
    if not sites or set(sites) - set(SITES):
        parser.error(f"--sites must name some of {', '.join(SITES)}")
    faults = [name.strip() for name in args.faults.split(",") if name.strip()]
    if faults == ["all"]:
        faults = list(ALL_FAULTS)
    if set(faults) - set(CASES):
        parser.error(f"--faults must be 'all' or name some of {', '.join(CASES)}")
    seeds = [name.strip() for name in args.skin_seeds.split(",") if name.strip()]
    if not all(seed.isdigit() for seed in seeds):
        parser.error("--skin-seeds must be comma-separated whole numbers")
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    portal = SamplePortal(
        args.articles,
        args.per_page,
        args.seed,
        sites=sites,
        syndicated=args.syndicated,
        faults=faults,
        skins=[int(seed) for seed in seeds],
        feeds=args.feeds,
        sitemaps=args.sitemaps,
        heavy=args.heavy,
    )
    with serve(portal, port=args.port) as base_url:
        print(f"READY {base_url}", flush=True)
        if args.sites_yaml:
            print(portal.sites_yaml(base_url, list_url_only=True), flush=True)
        stop.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
