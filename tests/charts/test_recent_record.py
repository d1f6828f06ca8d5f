"""The record of a spec's charts (briefgen.charts.recent) is written when it changes, not on
every rebuild (replacing a file costs a few milliseconds on some disks)."""

from __future__ import annotations

import json

import pytest
from claims_project import claims_table_project

from briefgen.charts import recent


def test_an_unchanged_record_is_not_written_again(tmp_path, monkeypatch) -> None:
    spec = tmp_path / "spec.yaml"
    recent.remember(tmp_path, spec, ["aa" * 32, "bb" * 32])
    path = recent._record_path(tmp_path, spec)
    assert json.loads(path.read_text()) == ["aa" * 32, "bb" * 32]
    inode = path.stat().st_ino
    monkeypatch.setattr(recent, "_SEEN", {})  # as a new process would
    recent.remember(tmp_path, spec, ["bb" * 32, "aa" * 32])
    assert path.stat().st_ino == inode  # not replaced
    monkeypatch.setattr(recent, "_SEEN", {})
    recent.remember(tmp_path, spec, ["cc" * 32])  # another set: written
    assert json.loads(path.read_text()) == ["cc" * 32] and path.stat().st_ino != inode


@pytest.mark.slow
def test_a_build_without_charts_records_none_and_the_next_one_starts_no_worker(tmp_path, monkeypatch) -> None:
    """A briefing without charts leaves an empty record: its next build starts no chart worker
    (before, nothing was recorded and every build of it forked one to import matplotlib)."""
    from briefgen.cli.prestart import should_prestart
    from briefgen.pipeline.build import BuildOptions, build

    cache = tmp_path / "cache"
    monkeypatch.setenv("BRIEFGEN_CACHE_DIR", str(cache))
    spec = claims_table_project(tmp_path / "project", 2)
    args = ["build", str(spec), "-o", str(tmp_path / "out")]
    assert should_prestart(args)  # nothing recorded yet
    monkeypatch.setattr(recent, "_SEEN", {})
    build(spec, options=BuildOptions(out_dir=tmp_path / "out", cache_dir=cache, write=False))
    assert json.loads(recent._record_path(cache, spec).read_text()) == []
    assert not should_prestart(args)
