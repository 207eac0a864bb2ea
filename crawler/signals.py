"""Signals the portal spider sends, for the run keeper (``crawler.run_keeper``) that
keeps the run's record and decides whether it ended healthy.

Whatever finds a list page's article links must send ``list_page_links`` for
every list page it read (zero links too): a run whose list pages' main lists
linked to no article, and that captured no page, ends ``no_articles``, not
``finished``.
"""

from __future__ import annotations

# a list page was read and its article links found: number (int), url (str),
# links (int, how many article links its main list holds, seen before or not;
# a sidebar's or a "most read" box's do not count)
list_page_links = object()

# a list page was read: number (int), url (str), family (str, the portal family
# that read it), links (list[str], the article links first seen on it, in
# order); the run records it so that an interrupted run can be resumed from it
list_page_read = object()

# a list page could not be read: number (int), reason (str, one line)
list_page_failed = object()
