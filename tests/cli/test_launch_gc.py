"""The ``briefgen`` process raises the cyclic garbage collector's thresholds before the command
runs (briefgen.cli.launch.GC_THRESHOLDS); importing briefgen as a library leaves them alone."""

from __future__ import annotations

import gc
import subprocess
import sys

from briefgen.cli import launch


def test_the_command_runs_with_the_raised_thresholds(monkeypatch):
    import briefgen.cli.app as app

    seen = []
    before = gc.get_threshold()
    monkeypatch.setattr(launch.signal, "signal", lambda *a: None)  # not this test process's handlers
    monkeypatch.setattr(launch, "should_prestart", lambda argv: False)
    monkeypatch.setattr(app, "main", lambda: seen.append(gc.get_threshold()))
    try:
        launch.main()
    finally:
        gc.set_threshold(*before)
    assert seen == [launch.GC_THRESHOLDS] == [(10_000, 20, 100)]


def test_importing_briefgen_keeps_pythons_thresholds():
    code = "import gc, briefgen.pipeline.build, briefgen.cli.launch; print(gc.get_threshold())"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "(700, 10, 10)"
