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
        assert result["edition"] == f"editions/peru-china/{result['audience']}/{FIRST_DATE}.json"  # as in the README
        assert result["notes"] == [f"{result['audience']}: first edition of 'peru-china' for this audience, nothing "
                                   f"to compare with (no other edition in editions/peru-china/{result['audience']})"]


def test_each_variant_says_what_changed_since_the_last_edition(builds):
    root, _, second, _ = builds
    results = {r["audience"]: r for r in second["results"]}
    for audience, result in results.items():
        changes = result["changes"]
        assert result["notes"] == []
        assert changes["briefing"] == "peru-china" and changes["audience"] == audience
        store = f"editions/peru-china/{audience}"  # relative to the project, as the output paths
        assert changes["old"] == {"date": FIRST_DATE, "file": f"{store}/{FIRST_DATE}.json"}
        assert changes["new"] == {"date": SECOND_DATE, "file": f"{store}/{SECOND_DATE}.json"}
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


def test_a_rebuild_the_same_day_compares_with_the_edition_it_replaces(tmp_path, copy_example, monkeypatch):
    """Build, edit a claim, rebuild ``--since last`` with the same briefing date: the earlier edition of that
    day is compared with (then replaced), not reported as missing."""
    root = copy_example(tmp_path / "project")
    monkeypatch.setenv("BRIEFGEN_CACHE_DIR", str(root / "cache"))
    monkeypatch.delenv("BRIEFGEN_EDITIONS_DIR", raising=False)
    monkeypatch.chdir(root)
    set_date(root, FIRST_DATE)
    args = ("build", "specs/peru-china.yaml", "-a", "public", "--format", "html", "--json")
    assert cli(*args).exit_code == 0
    edit_knowledge_base(root)
    second = cli(*args, "--since", "last")
    assert second.exit_code == 0, second.output
    (result,) = json.loads(second.stdout)["results"]
    assert result["notes"] == []
    edition = f"editions/peru-china/public/{FIRST_DATE}.json"
    assert result["changes"]["old"] == {"date": FIRST_DATE, "file": edition}
    assert result["changes"]["new"] == {"date": FIRST_DATE, "file": edition}
    assert ("claim", MOVED, "changed") in {(c["kind"], c["id"], c["status"]) for c in result["changes"]["changes"]}


def test_diff_warns_when_the_newer_edition_comes_first(builds, monkeypatch):
    root, _, _, in_order = builds
    assert in_order["notes"] == []
    monkeypatch.chdir(root)
    first, second = (f"editions/peru-china/public/{d}.json" for d in (FIRST_DATE, SECOND_DATE))
    swapped = cli("diff", second, first, "--json")
    assert swapped.exit_code == 0
    note = (f"OLD ({second}, {SECOND_DATE}) is newer than NEW ({first}, {FIRST_DATE}): the changes read from the "
            f"newer edition to the older one; give the earlier edition first (briefgen diff OLD NEW)")
    assert json.loads(swapped.stdout)["notes"] == [note]
    human = cli("diff", second, first)
    assert "warning:" in human.stderr and "is newer than NEW" in human.stderr
    assert "warning:" not in cli("diff", first, second).stderr
