"""The crawl room: all of Scrapy's runtime. Settings, site profiles
(``sites.yaml``), discovery of article links, the ``portal`` and ``probe``
spiders, the downloader middlewares, the item pipelines and writer thread
that archive what the page room (``pipelines``) reads (:mod:`crawler.archiving`),
a crawl's run from start to end, and the project's Scrapy commands."""
