"""A fake set of Korean regional news portals (Gnuboard5, a news CMS, a plain blog) on 127.0.0.1.

portal = SamplePortal(articles_per_site=65, per_page=15, seed=1)
with serve(portal) as base_url:
    ...
"""

from .content import Article
from .outlets import Outlet
from .server import SamplePortal, serve

__all__ = ["Article", "Outlet", "SamplePortal", "serve"]
