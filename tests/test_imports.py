"""The page room loads lean: importing its entry point (what an extraction
worker runs) loads neither Scrapy, Twisted nor SQLAlchemy. The rooms' layers
and the absence of cycles are import-linter's contracts (``.importlinter``,
run by ``lint-imports`` in ``.ci/run``); this checks what a process really loads."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("scrapy", "twisted", "sqlalchemy", "crawler", "storage")


def test_the_page_room_imports_no_crawl_or_storage_code() -> None:
    script = (
        "import sys, pipelines.article_page, pipelines.urls, pipelines.pages; "
        f"print(','.join(sorted(m for m in {HEAVY!r} if m in sys.modules)))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == ""


def test_a_crawl_opens_no_port() -> None:
    """Scrapy's remote control (an HTTP server that runs the code sent to it)
    is not among a crawl's extensions, nor is its module (or aiohttp) loaded."""
    script = (
        "import sys; from scrapy.utils.conf import build_component_list; "
        "from scrapy.utils.project import get_project_settings; "
        "settings = get_project_settings(); "
        "names = [getattr(c, '__name__', str(c)) "
        "for c in build_component_list(settings.getwithbase('EXTENSIONS'))]; "
        "print(settings.getbool('TELNETCONSOLE_ENABLED'), 'RemoteControl' in str(names), "
        "'scrapy.extensions.remote_control' in sys.modules, 'aiohttp' in sys.modules)"
    )
    said = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout.split()
    assert said == ["False", "False", "False", "False"]
