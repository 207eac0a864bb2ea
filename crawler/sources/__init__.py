"""URL sources: the routes by which a crawl finds a site's article links
(list pages, feeds, sitemaps, pages earlier runs could not fetch), each an
object that reads its route and requests the articles it finds; and the
paging policy, daily or backfill, that says how far the list is read.
``routes`` says which a crawl job reads."""
