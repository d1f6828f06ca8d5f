"""``briefgen batch`` refuses what ``build`` refuses, the same way and before building anything:
an output folder that cannot be made, a spec path that does not exist (with build's did-you-mean);
a spec that does not validate is a row under its briefing id, and its ``--json`` result has null
for what does not exist."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_cli


@pytest.fixture
def in_example(example_project, monkeypatch, tmp_path) -> Path:
    monkeypatch.chdir(example_project)
    monkeypatch.setenv("BRIEFGEN_CACHE_DIR", str(tmp_path / "cache"))
    return example_project


def error_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("error:") or line == "nothing was written."]


@pytest.mark.skipif(not Path("/sys/kernel").is_dir(), reason="needs /sys (a folder no one can make folders in)")
def test_an_output_folder_that_cannot_be_made_stops_batch_as_build_before_building(in_example) -> None:
    """/sys/kernel takes no new folder, whatever its permission bits say (root included)."""
    out = "/sys/kernel/briefgen-out"
    built = run_cli("build", "specs/peru-china.yaml", "--all-audiences", "--no-edition", "-o", out)
    batch = run_cli("batch", "specs/peru-china.yaml", "--all-audiences", "-j", "2", "--no-edition", "-o", out)
    assert (built.exit_code, batch.exit_code) == (2, 2), batch.output
    assert error_lines(batch.output) == error_lines(built.output) == [
        f"error: cannot write {out}: Operation not permitted. Choose another folder with --out.",
        "nothing was written."]
    assert "Batch:" not in batch.output and "failed" not in batch.output  # nothing was built
    assert "Warnings" not in built.output  # the spec was not even read
    document = json.loads(run_cli("batch", "specs/peru-china.yaml", "-o", out, "--json").stdout)
    assert (document["exit_code"], [(e["code"], e["file"]) for e in document["errors"]]) == (2, [("output", out)])


def test_a_spec_path_that_does_not_exist_is_builds_usage_error(in_example, tmp_path) -> None:
    out = tmp_path / "out"
    built = run_cli("build", "specs/peru-chin.yaml", "-o", out)
    batch = run_cli("batch", "specs/peru-china.yaml", "specs/peru-chin.yaml", "-o", out)
    assert (built.exit_code, batch.exit_code) == (2, 2), batch.output
    assert batch.output == built.output
    assert "file not found — did you mean 'specs/peru-china.yaml'?" in batch.output
    assert "Batch:" not in batch.output and not out.exists()  # the valid spec was not built either
    document = json.loads(run_cli("batch", "specs/peru-chin.yaml", "--json").stdout)
    assert document["exit_code"] == 2 and "results" not in document
    assert [(e["file"], e["message"], e["suggestion"]) for e in document["errors"]] == [
        ("specs/peru-chin.yaml", "file not found", "specs/peru-china.yaml")]


def test_an_invalid_spec_is_shown_by_its_briefing_id_with_json_nulls(in_example, tmp_path) -> None:
    """Its briefing id when it can be read; else the file's name (odd.yaml)."""
    (in_example / "specs" / "tlp.yaml").write_text(
        "extends: peru-china.yaml\nbriefing:\n  id: tlptest\n  colour: red\n", encoding="utf-8")
    (in_example / "specs" / "odd.yaml").write_text("briefing: [not, a, mapping]\n", encoding="utf-8")
    result = run_cli("batch", "specs/tlp.yaml", "-o", tmp_path / "out", "--no-edition")
    assert result.exit_code == 1, result.output
    assert "tlptest / - (specs/tlp.yaml): invalid:" in result.output
    (row,) = [line for line in result.output.splitlines() if "invalid" in line and "│" in line]
    assert row.split("│")[1].strip() == "tlptest"
    document = json.loads(run_cli("batch", "specs/tlp.yaml", "-o", tmp_path / "out", "--no-edition",
                                  "--json").stdout)
    (item,) = document["results"]
    assert {k: item[k] for k in ("briefing", "audience", "status", "pdf", "pages", "bytes", "sha256")} == {
        "briefing": "tlptest", "audience": None, "status": "invalid", "pdf": None, "pages": None, "bytes": None,
        "sha256": None}
    (error,) = document["errors"]
    assert (error["audience"], error["audiences"]) == (None, [])
    assert error["message"].startswith("tlptest / -: invalid: ")
    document = json.loads(run_cli("batch", "specs/odd.yaml", "specs/tlp.yaml", "-o", tmp_path / "out", "--json").stdout)
    assert [(i["briefing"], i["status"]) for i in document["results"]] == [("odd", "invalid"), ("tlptest", "invalid")]



def test_an_audit_folder_or_editions_store_that_is_a_file_stops_batch_before_building(in_example, tmp_path,
                                                                                     monkeypatch) -> None:
    """Every place a batch writes is checked before anything is built, as the output folder is:
    the audit folder inside it, and the editions store (with the store's own fix, not --out)."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "audit").write_text("a file where the audit folder goes\n", encoding="utf-8")
    result = run_cli("batch", "specs/peru-china.yaml", "--all-audiences", "-j", "2", "-o", out)
    assert result.exit_code == 2, result.output
    assert error_lines(result.output) == [
        f"error: cannot write {out / 'audit'}: it is a file, where a folder is needed. Choose another folder "
        "with --out.", "nothing was written."]
    assert "Batch:" not in result.output and not list(out.glob("*.pdf"))

    (out / "audit").unlink()
    store = tmp_path / "store"
    store.write_text("a file where the editions store goes\n", encoding="utf-8")
    monkeypatch.setenv("BRIEFGEN_EDITIONS_DIR", str(store))
    result = run_cli("batch", "specs/peru-china.yaml", "--all-audiences", "-j", "2", "-o", out)
    assert result.exit_code == 2, result.output
    text = " ".join(result.output.split())
    assert f"cannot write {store}: it is a file, where a folder is needed. The editions store {store}" in text
    assert "set BRIEFGEN_EDITIONS_DIR to another folder (or build with --no-edition)" in text
    assert "Batch:" not in result.output and not list(out.glob("*.pdf"))
    assert run_cli("batch", "specs/peru-china.yaml", "-o", out, "--no-edition").exit_code == 0  # no store: built
