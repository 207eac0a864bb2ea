"""Whether a process of this host is running, a zombie counting as ended: a
killed process stays a zombie until its parent reaps it, and a signal still
reaches it. The run records ask it of a run's crawl process
(``storage.run_records``), the extraction workers of their crawl's
(``crawler.worker_processes``). Standard library only: the workers import it."""

from __future__ import annotations

import os
from pathlib import Path


def process_running(pid: int) -> bool:
    """Whether process ``pid`` of this host is running (a zombie is not)."""
    stat = Path(f"/proc/{pid}/stat")
    if Path("/proc/self/stat").exists():
        try:
            return stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"
        except (OSError, IndexError):
            return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
