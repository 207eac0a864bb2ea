"""Whether a process runs (``storage.host_processes``), as the run records and
the extraction workers' watch on their crawl ask it: a crawl killed with
``kill -9`` has ended even before its parent reaps it (a zombie, which a
signal still reaches)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from storage.host_processes import process_running


def _state(pid: int) -> str:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]


def test_a_killed_process_its_parent_has_not_reaped_has_ended() -> None:
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        assert process_running(child.pid)
        child.kill()
        deadline = time.monotonic() + 30
        while _state(child.pid) != "Z":
            assert time.monotonic() < deadline, "the killed child never became a zombie"
            time.sleep(0.01)
        assert not process_running(child.pid)
        os.kill(child.pid, 0)  # a signal still reaches it: no test of its end
    finally:
        child.kill()
        child.wait()
    assert not process_running(child.pid)
