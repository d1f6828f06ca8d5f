"""An interrupted batch says how many of its variants are complete and in place, and where: the
count is that of the variants whose files are in the output folder when the process has ended."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO

pytestmark = [pytest.mark.slow, pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a process")]

AUDIENCES = 8


def interrupted_batch(project, tmp_path, *args: str) -> tuple[subprocess.CompletedProcess, Path]:
    """A batch of AUDIENCES variants (``-j 2`` unless ``args`` say) interrupted with SIGINT once
    its first PDF is in place: (the finished process, its stdout and stderr text; the output folder)."""
    lines = ["extends: peru-china.yaml", "briefing:", "  id: many", "audience_files: []",
             "default_audience: v1", "audiences:"] + [f"  v{i}: {{tlp: TLP:AMBER}}" for i in range(1, AUDIENCES + 1)]
    (project / "specs" / "many.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    env = dict(os.environ, BRIEFGEN_CACHE_DIR=str(tmp_path / "cache"), PYTHONPATH=str(REPO))
    argv = [sys.executable, "-m", "briefgen", "batch", "specs/many.yaml", "--all-audiences", "--no-edition",
            "-o", str(out), *args]
    proc = subprocess.Popen(argv, cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None and not list(out.glob("*.pdf")):
        time.sleep(0.005)
    assert proc.poll() is None, "the batch ended before it could be interrupted"
    os.kill(proc.pid, signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=60)
    return subprocess.CompletedProcess(argv, proc.returncode, stdout, stderr), out


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_an_interrupted_batch_says_how_many_variants_are_in_place(example_project, tmp_path, jobs) -> None:
    done, out = interrupted_batch(example_project, tmp_path, "-j", jobs)
    stderr = done.stderr
    assert done.returncode == 130, stderr
    in_place = len(list(out.glob("many--*.pdf")))
    assert 1 <= in_place < AUDIENCES
    note = re.search(r"^(\d+) of (\d+) variants complete and in place in (.+) \(the other (\d+) not written\)$",
                     stderr, re.MULTILINE)
    assert note is not None, stderr
    assert note.groups() == (str(in_place), str(AUDIENCES), str(out), str(AUDIENCES - in_place))


def test_an_interrupted_batch_still_prints_its_json_document(example_project, tmp_path) -> None:
    """--json prints one document, failed or not: an interrupted batch's says so, with the count."""
    import json

    done, out = interrupted_batch(example_project, tmp_path, "-j", "2", "--json")
    assert done.returncode == 130, done.stderr
    (document,) = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    assert (document["command"], document["ok"], document["exit_code"]) == ("batch", False, 130)
    (error,) = document["errors"]
    in_place = len(list(out.glob("many--*.pdf")))
    assert error["code"] == "interrupted" and f"{in_place} of {AUDIENCES} variants complete" in error["message"]
