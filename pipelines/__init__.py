"""The page room: pure functions from a fetched page's bytes to an article and
its fingerprint (:mod:`pipelines.article_page`): decoding, refusal of what is
not a page, URL canonicalization, the portal families' article layouts,
extraction, cleanup, metadata, boilerplate rules and fingerprints.

It imports neither Scrapy, Twisted nor SQLAlchemy, nor ``crawler`` or
``storage`` (``.importlinter`` checks it): an extraction worker loads this
room alone, and every function here is tested on saved pages."""
