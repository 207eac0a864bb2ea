"""The exit codes of newsarchive's commands and crawls: what a shell script or
the scheduler reads of how a run ended (0: it finished healthy)."""

EXIT_FAILED = 1  # the crawl did not finish normally, or met an error in the spider
EXIT_USAGE = 2  # bad arguments, configuration or archive
EXIT_BUSY = 3  # the site is being crawled by another run
EXIT_NO_ARTICLES = 4  # the list pages read linked to no article
EXIT_LIST_UNREADABLE = 5  # the site answered, but no list page could be read
EXIT_UNREACHABLE = 6  # no request got an answer (DNS, connection refused, timeouts)
EXIT_BLOCKED = 7  # bot checks answered in place of its pages: nothing new archived
EXIT_UNDATED = 8  # a backfill read articles, none with a date it could read
EXIT_PARTIAL = 9  # the run archived less than it should: list paging ended early, or routes short
