"""The pipelines room: Scrapy item pipelines that turn raw captures into
archived articles (extract, then archive), and the pure extraction code they
run."""
