"""The browsing room: ``scrapy browse``, the archive served read-only through
Datasette for archivists to search and read. It reads ``storage``; nothing
below it imports it. Scrapy finds its command through the ``scrapy.commands``
entry point (``pyproject.toml``)."""
