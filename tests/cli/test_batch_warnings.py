"""``batch`` reports the warnings ``build`` reports: each spec's (listed on stderr, and before
this fix missing from ``--json``, whose ``warnings`` were always ``[]``) and each variant's own
(a keyword its edition leaves out, which batch did not report at all)."""

from __future__ import annotations

import json

from conftest import run_cli

from tests.pipeline.test_keyword_unshown import _project


def test_batch_json_lists_the_specs_warnings_as_build_does(example_project, monkeypatch) -> None:
    monkeypatch.chdir(example_project)
    batch = run_cli("batch", "specs", "--all-audiences", "-o", "out-batch", "--json", "--no-edition")
    build = run_cli("build", "specs/peru-china.yaml", "--all-audiences", "-o", "out-build", "--json",
                    "--no-edition")
    assert batch.exit_code == build.exit_code == 0, batch.output
    batch_doc, build_doc = json.loads(batch.stdout), json.loads(build.stdout)
    assert [(w["code"], w["file"], w["line"]) for w in batch_doc["warnings"]] == \
        [(w["code"], w["file"], w["line"]) for w in build_doc["warnings"]] == \
        [("single-source-judgment", "assets/kb/claims.yaml", line) for line in (221, 232, 243, 253)]
    assert batch_doc["ok"] and [r["status"] for r in batch_doc["results"]] == ["ok"] * 3


def test_batch_reports_a_keyword_an_edition_leaves_out(example_project, monkeypatch) -> None:
    _project(example_project)
    monkeypatch.chdir(example_project)
    build = run_cli("build", "specs/peru-china.yaml", "-a", "partners", "-o", "out-build", "--json", "--no-edition")
    batch = run_cli("batch", "specs", "--all-audiences", "-o", "out-batch", "--json", "--no-edition")
    assert batch.exit_code == build.exit_code == 0, batch.output

    def withheld(doc: dict) -> list[tuple]:
        return sorted((w["audience"], w["key"], w["message"]) for w in doc["warnings"]
                      if w["code"] == "keyword-withheld")

    from_build = [w for w in withheld(json.loads(build.stdout)) if w[0] == "partners"]
    from_batch = [w for w in withheld(json.loads(batch.stdout)) if w[0] == "partners"]
    assert from_build and from_batch == from_build
    assert "partners: warnings" in batch.stderr and "Operation Nightfall" in batch.stderr
