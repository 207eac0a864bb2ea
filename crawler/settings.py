"""Scrapy settings of newsarchive: polite crawling defaults, bounded downloads,
and the pipelines an article flows through.

Tests and the demo turn the delays off with ``-s`` options; nothing else
should need changing for a real portal.
"""

from __future__ import annotations

from scrapy.settings import default_settings

BOT_NAME = "newsarchive"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"
COMMANDS_MODULE = "crawler.commands"

# Identify ourselves, obey robots.txt, and go slowly: these are small servers.
USER_AGENT = "newsarchive/0.1 (archiver of Korean regional news; set USER_AGENT to add a contact)"
ROBOTSTXT_OBEY = True
COOKIES_ENABLED = False
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

# News pages are small: bound what one response may cost. The time limit
# covers the whole response (a server dripping bytes is cut off); the size
# limit holds for decompressed bodies too (a gzip bomb is refused).
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
# Transient failures (5xx, 408, 429, resets, timeouts) are retried after
# 2, 4, 8 s (with jitter) or the server's Retry-After; a page still failing
# is recorded as a failed capture and tried again by the next daily runs.
# A page still sending when the timeout ran out (a drip) is retried once only.
RETRY_TIMES = 3
RETRY_BACKOFF_BASE = 2.0
RETRY_BACKOFF_MAX = 60.0  # a longer Retry-After is not waited for in this run
RETRY_FAILED_RUNS = 5  # daily runs that retry a page which never came through
DOWNLOADER_MIDDLEWARES = {
    "crawler.middlewares.SiteScopeMiddleware": 60,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.BackoffRetryMiddleware": 550,
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    # a redirect chain ends at the first URL it meets twice
    "crawler.middlewares.LoopRedirectMiddleware": 600,
    # between redirects (600) and decompression (590): the final response as received
    "crawler.middlewares.ExchangeMiddleware": 595,
    # a page rendered in the browser: the status and headers of the document it ended on
    "crawler.rendering.BrowserDocumentMiddleware": 610,
}
# the Chromium of a site's `render: browser` (crawler.rendering): Debian's package
CHROMIUM_PATH = "/usr/bin/chromium"
# Traps: longer links are not followed; a run reads at most this many list
# pages, and stops paging after this many list pages in a row failed.
URLLENGTH_LIMIT = 2083
MAX_LIST_PAGES = 10000
MAX_LIST_FAILURES = 3
# Scrapy starts this many tasks for every response's output; ours yield one
# capture or one list page of links (requests, scheduled at once): more tasks
# cost CPU for nothing (the README gives the figure)
CONCURRENT_ITEMS = 1
REDIRECT_MAX_TIMES = 10

ITEM_PIPELINES = {
    "crawler.archiving.extract_pipeline.ExtractPipeline": 300,
    "crawler.archiving.requisites_pipeline.RequisitesPipeline": 600,
    "crawler.archiving.archive_pipeline.ArchivePipeline": 900,
}
# an article's photos and files (sites.yaml `requisites:`): the most bytes kept of
# one file, of one article's, and of the latest held in memory for the run's other articles
REQUISITE_MAX_BYTES = 8 * 1024 * 1024
REQUISITE_MAX_ARTICLE_BYTES = 32 * 1024 * 1024
REQUISITE_RUN_CACHE_BYTES = 16 * 1024 * 1024
# the run keeper owns the crawl's run: heartbeat, list pages, counts, how it ended;
# the page keeper keeps the pages no article's capture keeps (list pages, feeds,
# robots.txt) and, with `requisites: all`, the site's stylesheets and scripts
EXTENSIONS = {
    "crawler.run_keeper.RunKeeper": 100,
    "crawler.page_keeper.PageKeeper": 200,
    "crawler.progress.ProgressLog": 500,
}
# Scrapy's remote control (an HTTP server on localhost that runs the code sent
# to it) is off, like its telnet console: an archiver that runs unattended
# opens no port. It is left out of Scrapy's own extensions rather than set to
# None, which would still import its module (and aiohttp: a tenth of a second
# of each crawl's start)
EXTENSIONS_BASE = {
    path: order
    for path, order in default_settings.EXTENSIONS_BASE.items()
    if path != "scrapy.extensions.remote_control.RemoteControl"
}
# seconds between progress lines in the log (pages, new articles, rate); 0: none
PROGRESS_INTERVAL = 60
# daily runs read on while a list page holds an article published in the last this many days
RECHECK_DAYS = 2
# a daily run fetches again at most this many archived articles due for a revisit
# (sites.yaml `revisit:`), the longest due first; the others wait for the next runs
REVISIT_BUDGET = 200
# the time revisits are planned and dated by (ISO 8601); None: the real time. For
# simulated days only (tests, benchmarks/revisits.py)
REVISIT_CLOCK = None
# a run that archives under this share of the articles its feeds, sitemaps and
# list endpoints asked it to fetch ends short_of_routes (exit 9)
ROUTES_MIN_SHARE = 0.9
# None: the DATABASE_URL environment variable, else the SQLite file in the project root
DATABASE_URL = None
# a file each run appends its CPU seconds by stage to (crawler.cpu_stages); None: none
CPU_STAGES_FILE = None
# a run learns its site's boilerplate once it has archived this many new articles,
# besides at its end (crawler/archiving/run_boilerplate.py); 0: only at its end
BOILERPLATE_LEARN_AFTER = 100
# EXTRACT_WORKERS: worker processes for extraction, started once pages queue up for
# the crawl's extraction thread (default: the machine's cores, 1 to 4);
# 0: the thread alone (see crawler/extraction_service.py)

# Scrapy re-reads a generator callback's source on every response to warn of a
# `return value` in it (its cache is keyed by bound methods, new each time):
# a tenth of the reactor's time. Ruff's B901 (return-in-generator) checks them instead
WARN_ON_GENERATOR_RETURN_VALUE = False
TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "INFO"
# log times are the machine's local time: the offset says which zone (+0900, +0000)
LOG_DATEFORMAT = "%Y-%m-%d %H:%M:%S%z"
FEED_EXPORT_ENCODING = "utf-8"
# WARC export: a file is closed and the next one begun past this size (the WARC convention)
WARC_MAX_SIZE = 1_000_000_000
