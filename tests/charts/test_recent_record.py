"""The record of a spec's charts (briefgen.charts.recent) is written when it changes, not on
every rebuild (replacing a file costs a few milliseconds on some disks)."""

from __future__ import annotations

import json

import pytest

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


def _chartless_project(folder) -> object:
    """A project whose briefing has no charts: a claims table of two claims and the endnotes."""
    kb = folder / "kb"
    kb.mkdir(parents=True)
    (kb / "sources.yaml").write_text("sources:\n  - id: src-1\n    title: Source one\n    publisher: Publisher\n"
                                     "    kind: other\n    reliability: B\n", encoding="utf-8")
    (kb / "entities.yaml").write_text("entities:\n  - id: ent-1\n    name: Entity one\n    kind: organization\n"
                                      "    description: An entity.\n", encoding="utf-8")
    (kb / "claims.yaml").write_text("claims:\n" + "".join(
        f"  - id: c-{n}\n    statement: Claim number {n} about a port.\n    about: [ent-1]\n    sources: [src-1]\n"
        f"    date: 2024-06\n    credibility: 2\n" for n in (1, 2)), encoding="utf-8")
    spec = folder / "spec.yaml"
    spec.write_text("""briefing:
  id: no-charts
  title: No charts
  date: 2025-05-12
  desk: Desk
  author: Author
  tlp: TLP:CLEAR
  language: en
knowledge_base: [kb]
default_audience: all
audiences:
  all:
    tlp: TLP:CLEAR
    paper: A4
    cover: false
    contents: false
sections:
  - id: claims
    title: Claims
    kind: claims_table
    select: {}
  - id: endnotes
    title: Endnotes
    kind: endnotes
""", encoding="utf-8")
    return spec


@pytest.mark.slow
def test_a_build_without_charts_records_none_and_the_next_one_starts_no_worker(tmp_path, monkeypatch) -> None:
    """A briefing without charts leaves an empty record: its next build starts no chart worker
    (before, nothing was recorded and every build of it forked one to import matplotlib)."""
    from briefgen.cli.prestart import should_prestart
    from briefgen.pipeline.build import BuildOptions, build

    cache = tmp_path / "cache"
    monkeypatch.setenv("BRIEFGEN_CACHE_DIR", str(cache))
    spec = _chartless_project(tmp_path / "project")
    args = ["build", str(spec), "-o", str(tmp_path / "out")]
    assert should_prestart(args)  # nothing recorded yet
    monkeypatch.setattr(recent, "_SEEN", {})
    build(spec, options=BuildOptions(out_dir=tmp_path / "out", cache_dir=cache, write=False))
    assert json.loads(recent._record_path(cache, spec).read_text()) == []
    assert not should_prestart(args)
