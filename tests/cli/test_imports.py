"""Commands that draw nothing (``validate``, ``audiences``, ``--help``) import neither
matplotlib nor ReportLab (nor pikepdf, numpy): they must stay fast. A correctness test,
not a timing: each command runs in-process in a fresh interpreter, which then reports
what it imported."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from conftest import EXAMPLE_SPEC, REPO

HEAVY = ("matplotlib", "reportlab", "pikepdf", "numpy", "PIL", "fontTools")

SCRIPT = """
import json, sys
from typer.testing import CliRunner
import briefgen.cli.app
result = CliRunner().invoke(briefgen.cli.app.app, sys.argv[1:])
loaded = sorted({m.split('.')[0] for m in sys.modules})
print(json.dumps({"code": result.exit_code, "output": result.output, "loaded": loaded}))
"""


def run_in_fresh_interpreter(*args: str) -> dict:
    proc = subprocess.run([sys.executable, "-c", SCRIPT, *args], cwd=REPO, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("args", [
    ("validate", str(EXAMPLE_SPEC)),
    ("audiences", str(EXAMPLE_SPEC)),
    ("--help",),
    ("batch", "--help"),
    ("build", "--help"),
], ids=["validate", "audiences", "help", "batch-help", "build-help"])
def test_commands_that_draw_nothing_import_no_drawing_library(args) -> None:
    report = run_in_fresh_interpreter(*args)
    assert report["code"] == 0, report["output"]
    assert not [m for m in HEAVY if m in report["loaded"]], report["loaded"]


def test_importing_the_package_and_the_cli_is_light() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", "import sys, briefgen, briefgen.cli.app, briefgen.pipeline.batch, "
                               "briefgen.pipeline.cluster, briefgen.charts, briefgen.charts.cache\n"
                               "print(sorted({m.split('.')[0] for m in sys.modules}))"],
        cwd=REPO, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    loaded = proc.stdout
    for heavy in HEAVY + ("distributed", "dask"):
        assert f"'{heavy}'" not in loaded, heavy


WARM_BUILD_SKIPS = ("matplotlib", "importlib.metadata", "pydantic.plugin._loader", "briefgen.document.diff",
                    "email.headerregistry")
"""What a warm build of the example need not import: matplotlib (its charts come from the cache),
the distributions' metadata reader (matplotlib's version and the kind plugins are read from the
metadata folders, briefgen.compat.installed; pydantic's plugin loader is stood in for,
briefgen.compat.pydantic), the edition comparison (no ``--since``) and the email headers' parser
(the distribution addresses are checked, no message is made: briefgen.deliver.addresses.check_address)."""


@pytest.mark.slow
def test_a_warm_build_imports_no_drawing_no_metadata_reader_no_comparison(example_project, tmp_path) -> None:
    spec = example_project / "specs" / "peru-china.yaml"
    env = dict(os.environ, BRIEFGEN_CACHE_DIR=str(tmp_path / "cache"))
    command = ["-m", "briefgen", "build", str(spec), "-o", str(tmp_path / "out")]
    cold = subprocess.run([sys.executable, *command], cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert cold.returncode == 0, cold.stderr
    warm = subprocess.run([sys.executable, "-X", "importtime", *command], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=300)
    assert warm.returncode == 0, warm.stderr
    imported = {line.rsplit("|", 1)[1].strip() for line in warm.stderr.splitlines()
                if line.startswith("import time:") and "|" in line}
    assert "briefgen.layout.pdf" in imported  # it did lay the briefing out
    assert [m for m in WARM_BUILD_SKIPS if m in imported] == []
