"""Signals the portal spider sends, for the components that keep the run's record."""

from __future__ import annotations

# a list page was read: number (int), url (str), family (str, the portal family
# that read it), links (list[str], the article links first seen on it, in
# order); the run records it so that an interrupted run can be resumed from it
list_page_read = object()
