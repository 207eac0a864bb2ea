"""From a fetched page to an archived article, at crawl time: the Scrapy item
pipelines (extract, then archive) and the relearning of a site's boilerplate
at a run's end. The page itself is read by the page room (``pipelines``);
every write goes through the run's writer thread (``crawler.writer``) into
``storage``."""
