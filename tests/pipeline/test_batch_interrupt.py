"""An interrupted batch takes its worker processes with it: none goes on building, or
writing into the output folder, once the batch command has ended (Ctrl-C, SIGTERM or
kill -9 of the batch process alone, as `timeout` and process managers send them)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc; PR_SET_PDEATHSIG")]


def children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found |= {int(p) for p in (task / "children").read_text().split()}
        except OSError:
            continue
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL])
def test_workers_end_with_the_batch(tmp_path, how) -> None:
    out = tmp_path / "out"
    env = dict(os.environ, BRIEFGEN_CACHE_DIR=str(tmp_path / "cache"), PYTHONPATH=str(REPO))
    proc = subprocess.Popen([sys.executable, "-m", "briefgen", "batch", "specs/peru-china.yaml", "--all-audiences",
                             "-j", "2", "--no-cache", "--no-edition", "-o", str(out)],
                            cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    workers: set[int] = set()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:  # until both batch workers run
        workers = {pid for pid in children(proc.pid)
                   if "briefgen-batch" in Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
                   or Path(f"/proc/{pid}/comm").read_text().strip().startswith("python")}
        if len(workers) >= 2:
            break
        time.sleep(0.01)
    assert proc.poll() is None and len(workers) >= 2, "the batch ended before its workers started"
    os.kill(proc.pid, how)  # the batch process alone, not its process group
    proc.wait(timeout=60)
    ended = time.monotonic()
    while any(alive(pid) for pid in workers) and time.monotonic() - ended < 10:
        time.sleep(0.05)
    assert not [pid for pid in workers if alive(pid)], "a worker outlived the batch"
    written = sorted(p.name for p in out.glob("*")) if out.exists() else []
    time.sleep(1.5)
    assert (sorted(p.name for p in out.glob("*")) if out.exists() else []) == written
