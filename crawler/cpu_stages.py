"""A run's CPU by stage, for ``benchmarks/throughput.py``: the components
that do the work count their CPU seconds in the crawl's stats
(``cpu_seconds/...``: extraction and fingerprints in the extraction service's
thread or workers, near-duplicate matching and the rest of the writes in the
run's writer thread), the crawl lifecycle the run-end work (learning the
site's frame and boilerplate again); when the ``CPU_STAGES_FILE`` setting
names a file, each run appends one JSON line of them to it."""

from __future__ import annotations

import json
from pathlib import Path

from scrapy.crawler import Crawler

RUN_END_CPU = "cpu_seconds/run_end"
PREFIX = "cpu_seconds/"


def append_cpu_stages(crawler: Crawler, site: str, new: int) -> None:
    """Append the run's CPU seconds by stage, and its ``new`` articles, to
    the ``CPU_STAGES_FILE`` (nothing when it is not set)."""
    path = crawler.settings.get("CPU_STAGES_FILE")
    stats = crawler.stats
    if not path or stats is None:
        return
    stages = {
        key.removeprefix(PREFIX): value
        for key, value in stats.get_stats().items()
        if key.startswith(PREFIX)
    }
    line = json.dumps({"site": site, "new": new, "cpu_seconds": stages})
    with Path(path).open("a", encoding="utf-8") as out:
        out.write(line + "\n")
