"""What is installed, read without importlib.metadata (briefgen.compat.installed), and the
stand-in for pydantic's plugin loader (briefgen.compat.pydantic): the same answers as
importlib.metadata and pydantic, or None / nothing replaced where the folders cannot say."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent


def in_fresh_interpreter(code: str, *args: str) -> Any:
    """What ``code`` (which sets ``result``) finds in a new interpreter with ``args`` as ``sys.argv[1:]``:
    in this one, earlier tests may have installed the ``importlib_metadata`` backport's finder
    (dask does), with which :mod:`briefgen.compat.installed` leaves every answer to importlib."""
    script = ("import json, sys, importlib.metadata\nfrom briefgen.compat import installed\n"
              f"{code}\nprint(json.dumps(result))")
    proc = subprocess.run([sys.executable, "-c", script, *args], cwd=REPO_ROOT, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


NAMES = ["matplotlib", "pydantic", "reportlab", "PyYAML", "typing-extensions", "typing_extensions", "Jinja2"]


def test_a_version_is_the_one_importlib_metadata_reads() -> None:
    found = in_fresh_interpreter(f"result = [[installed.distribution_version(n), importlib.metadata.version(n)] "
                                 f"for n in {NAMES!r}] + [[installed.distribution_version('briefgen-no-such'), None]]")
    assert found[0][0] is not None  # matplotlib's read from its folder's name
    assert [fast for fast, _ in found] == [slow for _, slow in found]


def test_every_group_importlib_metadata_lists_is_declared() -> None:
    groups, listed = in_fresh_interpreter("result = [sorted(installed.entry_point_groups()), "
                                          "sorted(importlib.metadata.entry_points().groups)]")
    assert set(listed) <= set(groups)
    assert "briefgen.chart_kinds" not in groups  # no plugin installed here: the registries read nothing more


def _dist_info(folder, name: str, version: str, entry_points: str | None = None) -> None:
    info = folder / f"{name}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
    if entry_points is not None:
        (info / "entry_points.txt").write_text(entry_points)


def test_a_folder_added_to_the_path_counts_first_folder_wins(tmp_path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    _dist_info(first, "briefgen_probe", "1.2.3", "[briefgen.probe_group]\nx = briefgen_probe:X\n")
    _dist_info(second, "briefgen_probe", "9.9")
    found = in_fresh_interpreter("sys.path[:0] = sys.argv[1:]\n"
                                 "result = [installed.distribution_version('briefgen-probe'), "
                                 "importlib.metadata.version('briefgen-probe'), "
                                 "'briefgen.probe_group' in installed.entry_point_groups()]", str(first), str(second))
    assert found == ["1.2.3", "1.2.3", True]


def test_an_egg_info_or_a_zip_on_the_path_leaves_it_to_importlib_metadata(tmp_path) -> None:
    (tmp_path / "eggs" / "briefgen_egg-0.5-py3.11.egg-info").mkdir(parents=True)
    archive = tmp_path / "site.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("briefgen_zipped-0.1.dist-info/METADATA", "Name: briefgen_zipped\nVersion: 0.1\n")
    found = in_fresh_interpreter("sys.path.insert(0, sys.argv[1])\n"
                                 "egg = [installed.distribution_version('briefgen_egg'), "
                                 "installed.distribution_version('matplotlib') is not None]\n"
                                 "sys.path.insert(0, sys.argv[2])\n"
                                 "result = egg + [installed.distribution_version('matplotlib'), "
                                 "installed.entry_point_groups()]", str(tmp_path / "eggs"), str(archive))
    assert found == [None, True, None, None]


PLUGINS_SCRIPT = """
import os, sys
os.environ["PYDANTIC_DISABLE_PLUGINS"] = "__all__"
from briefgen.compat.pydantic import LOADER, skip_plugin_discovery
stood_in = skip_plugin_discovery()
import pydantic
class M(pydantic.BaseModel):
    x: int
assert M.model_validate({"x": "3"}).x == 3
print(stood_in, "importlib.metadata" in sys.modules, skip_plugin_discovery())
del os.environ["PYDANTIC_DISABLE_PLUGINS"]
from pydantic.plugin._loader import get_plugins
print(list(get_plugins()), sys.modules[LOADER].__file__ is not None)
"""


def test_pydantic_builds_models_without_its_plugin_loader_while_plugins_are_disabled() -> None:
    proc = subprocess.run([sys.executable, "-c", PLUGINS_SCRIPT], cwd=REPO_ROOT, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    # stood in, importlib.metadata never imported, not twice; once plugins are enabled, pydantic's own loader
    assert proc.stdout.split("\n")[:2] == ["True False False", "[] True"]
