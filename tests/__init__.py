"""newsarchive's tests, and the sample portal they (and ``scrapy demo``) serve."""
