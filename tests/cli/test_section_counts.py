"""`validate` and `audiences` count sections alike: subsections included."""

from __future__ import annotations

import json

from conftest import REPO
from conftest import run_cli as cli


def test_validate_and_audiences_count_the_same_sections(monkeypatch, tmp_path):
    monkeypatch.setenv("BRIEFGEN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(REPO)
    checked = cli("validate", "specs/peru-china.yaml")
    assert checked.exit_code == 0
    assert "10 sections (7 top-level), 3 audiences" in checked.output
    listed = cli("audiences", "specs/peru-china.yaml", "--json")
    rows = {row["name"]: row["sections"] for row in json.loads(listed.stdout)["audiences"]}
    assert rows["analyst"] == 10 and rows["executive"] < 10
