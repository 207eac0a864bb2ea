"""Article discovery on list pages markup we have not seen: URL templates,
the main list, script-only rows, and the discovery that ties them together."""

from crawler.discovery.links import ListDiscovery, ListLinks
from crawler.discovery.templates import LinkTemplate

__all__ = ["LinkTemplate", "ListDiscovery", "ListLinks"]
