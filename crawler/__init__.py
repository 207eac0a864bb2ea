"""The crawling room: Scrapy settings, site profiles, portal families, the
``portal`` spider and the project's Scrapy commands. It yields raw captures;
it never cleans text and never writes to the database itself."""
