"""The daily runner (``python scheduler.py``): not built yet.

Until it is, run ``scrapy crawl portal -a site=NAME`` for each site from cron.
It will run each site's ``schedule`` from sites.yaml with APScheduler, each
crawl in a child process.
"""

from __future__ import annotations

import sys


def main() -> int:
    print(
        "scheduler.py is not implemented yet: run `scrapy crawl portal -a site=NAME` "
        "for each site from cron meanwhile",
        file=sys.stderr,
    )
    return 2


if __name__ == "__main__":
    sys.exit(main())
