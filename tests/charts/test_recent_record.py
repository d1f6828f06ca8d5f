"""The record of a spec's charts (briefgen.charts.recent) is written when it changes, not on
every rebuild (replacing a file costs a few milliseconds on some disks)."""

from __future__ import annotations

import json

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
