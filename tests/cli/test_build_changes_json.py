"""``briefgen build --since last --json`` says per variant what changed since the last edition:
the facts of ``briefgen diff --json`` and the lines of the "What changed since" box."""

from __future__ import annotations

import json

import pytest
from editions_scenario import (
    ADDED,
    FIRST_DATE,
    MOVED,
    RAISED,
    RELEASED,
    REMOVED,
    SECOND_DATE,
    edit_knowledge_base,
    set_date,
)
from typer.testing import CliRunner

pytestmark = pytest.mark.slow


def cli(*args):
    from briefgen.cli.app import app

    return CliRunner().invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def builds(tmp_path_factory, copy_example):
    """The example (analyst and public, HTML only) built on 5 May, then edited and rebuilt on 12 May
    with ``--since last --json``; -> (root, first JSON document, second JSON document)."""
    root = copy_example(tmp_path_factory.mktemp("build-changes-json") / "project")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BRIEFGEN_CACHE_DIR", str(root / "cache"))
        mp.delenv("BRIEFGEN_EDITIONS_DIR", raising=False)
        mp.chdir(root)
        args = ("build", "specs/peru-china.yaml", "-a", "analyst", "-a", "public", "--format", "html",
                "--since", "last", "--json")
        set_date(root, FIRST_DATE)
        first = cli(*args)
        edit_knowledge_base(root)
        set_date(root, SECOND_DATE)
        second = cli(*args)
        diff = cli("diff", f"editions/peru-china/public/{FIRST_DATE}.json",
                   f"editions/peru-china/public/{SECOND_DATE}.json", "--json")
    assert first.exit_code == 0 and second.exit_code == 0 and diff.exit_code == 0, second.output
    yield root, json.loads(first.stdout), json.loads(second.stdout), json.loads(diff.stdout)


def test_a_first_edition_has_no_changes_and_says_why(builds):
    root, first, _, _ = builds
    for result in first["results"]:
        assert result["changes"] is None
        assert result["edition"] == str(root / f"editions/peru-china/{result['audience']}/{FIRST_DATE}.json")
        assert result["notes"] == [f"{result['audience']}: first edition of 'peru-china' for this audience, nothing "
                                   f"to compare with (no other edition in editions/peru-china/{result['audience']})"]


def test_each_variant_says_what_changed_since_the_last_edition(builds):
    root, _, second, _ = builds
    results = {r["audience"]: r for r in second["results"]}
    for audience, result in results.items():
        changes = result["changes"]
        assert result["notes"] == []
        assert changes["briefing"] == "peru-china" and changes["audience"] == audience
        store = root / "editions" / "peru-china" / audience
        assert changes["old"] == {"date": FIRST_DATE, "file": str(store / f"{FIRST_DATE}.json")}
        assert changes["new"] == {"date": SECOND_DATE, "file": str(store / f"{SECOND_DATE}.json")}
        by_id = {(c["kind"], c["id"]): c for c in changes["changes"]}
        assert by_id[("key_judgment", ADDED)]["status"] == "new"
        moved = by_id[("claim", MOVED)]
        assert moved["status"] == "changed"
        assert {"field": "likelihood", "old": "likely", "new": "very likely", "direction": "raised"} in moved["fields"]
        assert by_id[("claim", REMOVED)]["status"] == "removed"
        assert not any(c["id"] == RAISED for c in changes["changes"])  # above every ceiling: no trace
        assert changes["counts"]["key_judgment"]["new"] == {"analyst": 1, "public": 2}[audience]  # + the released one
        assert any(line.startswith("New key judgment: KJ") and "Chancay will likely draw" in line
                   for line in changes["summary"])
        assert any(line.startswith("Likelihood raised: ") and "from likely to very likely" in line
                   for line in changes["summary"])
    assert ("key_judgment", RELEASED, "new") in {(c["kind"], c["id"], c["status"])
                                                 for c in results["public"]["changes"]["changes"]}
    assert RELEASED not in {c["id"] for c in results["analyst"]["changes"]["changes"]
                            if c["status"] == "new"}  # the analyst saw it before


def test_the_changes_are_those_of_briefgen_diff(builds):
    _, _, second, diff = builds
    public = next(r for r in second["results"] if r["audience"] == "public")["changes"]
    for key in ("briefing", "audience", "counts", "changes"):
        assert public[key] == diff["diff"][key]
    assert public["old"]["date"] == diff["diff"]["old"]["date"] and public["new"]["date"] == diff["diff"]["new"]["date"]
    assert set(diff["diff"]["summary"]) <= set(public["summary"])


def test_the_summary_lists_the_box_lines_of_the_html(builds):
    root, _, second, _ = builds
    html = (root / "output" / "peru-china--public.html").read_text(encoding="utf-8")
    public = next(r for r in second["results"] if r["audience"] == "public")["changes"]
    assert public["summary"]
    for line in public["summary"][:11]:
        lead = line.split(": ", 1)[0]
        assert f"{lead}:" in html
