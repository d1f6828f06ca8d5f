"""The ``briefgen`` process raises the cyclic garbage collector's thresholds before the command
runs (briefgen.cli.launch.GC_THRESHOLDS) and holds the collector off while it imports
(briefgen.collector); importing briefgen as a library leaves both alone."""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

from briefgen import collector
from briefgen.cli import interrupts, launch

REPO = Path(__file__).resolve().parents[2]


def test_the_command_runs_with_the_raised_thresholds_and_the_collector_held(monkeypatch):
    import briefgen.cli.app as app

    seen = []
    before = gc.get_threshold()
    monkeypatch.setattr(interrupts.signal, "signal", lambda *a: None)  # not this test process's handlers
    monkeypatch.setattr(launch, "should_prestart", lambda argv: False)
    monkeypatch.setattr(app, "main", lambda: seen.append((gc.get_threshold(), gc.isenabled())))
    monkeypatch.setattr(collector, "_managed", False)  # restored afterwards: this process is no command
    monkeypatch.setattr(collector, "_held", False)
    try:
        launch.main()
    finally:
        gc.set_threshold(*before)
        gc.enable()
    assert seen == [(launch.GC_THRESHOLDS, False)] == [((10_000, 20, 100), False)]


def _python(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          cwd=REPO).stdout.strip()


def test_a_command_freezes_what_it_imported_and_switches_the_collector_on_again():
    out = _python(
        "import gc\n"
        "from briefgen import collector\n"
        "collector.hold()\n"
        "from typer.testing import CliRunner\n"
        "from briefgen.cli.app import app\n"
        "held = (gc.isenabled(), gc.get_freeze_count())\n"
        "result = CliRunner().invoke(app, ['validate', 'specs/peru-china.yaml'])\n"
        "print(result.exit_code, held, gc.isenabled(), gc.get_freeze_count() > 50_000)\n")
    assert out == "0 (False, 0) True True"


def test_long_lived_freezes_once_held_and_changes_nothing_for_a_library():
    out = _python(
        "import gc\n"
        "from briefgen import collector\n"
        "with collector.long_lived():\n"
        "    inside = gc.isenabled()\n"
        "    kept = [[i] for i in range(1000)]\n"
        "print(inside, gc.isenabled(), gc.get_freeze_count())\n"
        "collector.release()\n"
        "print(gc.isenabled(), gc.get_freeze_count())\n"
        "collector.hold()\n"
        "with collector.long_lived():\n"
        "    inside = gc.isenabled()\n"
        "    more = [[i] for i in range(1000)]\n"
        "frozen = gc.get_freeze_count()\n"
        "print(inside, gc.isenabled(), frozen >= 1000)\n"
        "collector.release()\n"
        "after = gc.get_freeze_count()\n"
        "collector.release()\n"
        "print(gc.isenabled(), after >= frozen, gc.get_freeze_count() == after)\n")
    assert out.splitlines() == ["True True 0",  # a library: collector on, nothing frozen
                                "True 0",  # release without hold: nothing
                                "False False True",  # held: off inside and after, what was made frozen
                                "True True True"]  # released once: on again; a second release freezes nothing


def test_importing_briefgen_keeps_pythons_thresholds():
    code = "import gc, briefgen.pipeline.build, briefgen.cli.launch; print(gc.get_threshold())"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "(700, 10, 10)"
