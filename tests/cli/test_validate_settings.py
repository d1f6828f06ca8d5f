"""`validate` finds what `build` and `email` would refuse in the project's settings and
distribution lists: a bad briefgen.toml, an empty allowed_domains."""

from __future__ import annotations

import json

from conftest import run_cli as cli


def test_validate_reports_a_bad_briefgen_toml_located(starter):
    toml = starter / "briefgen.toml"
    text = toml.read_text(encoding="utf-8")
    assert '# formats = ["pdf"]' in text
    toml.write_text(text.replace('# formats = ["pdf"]', 'formats = ["pdf", "docx"]'), encoding="utf-8")
    result = cli("validate", "specs/calder-bay.yaml", "--json")
    assert result.exit_code == 2
    (error,) = json.loads(result.stdout)["errors"]
    assert (error["file"], error["key"]) == ("briefgen.toml", "project.formats")
    assert "unknown output format 'docx'" in error["message"]


def test_an_empty_allowed_domains_is_an_error_not_no_restriction(starter):
    audiences = starter / "specs" / "audiences.yaml"
    text = audiences.read_text(encoding="utf-8")
    assert text.count("allowed_domains: [example.org]") >= 1
    audiences.write_text(text.replace("allowed_domains: [example.org]", "allowed_domains: []", 1), encoding="utf-8")
    result = cli("validate", "specs/calder-bay.yaml", "--json")
    assert result.exit_code == 2
    (error,) = json.loads(result.stdout)["errors"]
    assert error["file"] == "specs/audiences.yaml" and error["key"].endswith("distribution.allowed_domains")
    assert "allowed_domains is empty" in error["message"]
