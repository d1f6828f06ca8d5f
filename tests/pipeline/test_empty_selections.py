"""A chart or claims table that selects nothing even before anything is withheld is left
out for every audience, and the manifest says so (``left_out``, "nothing to draw" /
"nothing to show"); one that is empty because what it selects is withheld is named only in
the desk's audit record. A ref() to an empty chart says why it is not there."""

from __future__ import annotations

import json

from conftest import run_cli

SPEC = "specs/calder-bay.yaml"


def add_empty_items(project, template: str = "") -> None:
    spec = project / SPEC
    text = spec.read_text(encoding="utf-8")
    text = text.replace("      - id: fig-quarters\n",
                        "      - {id: fig-empty, kind: bar, title: Nothing, select: {tags: [labour]}}\n"
                        "      - {id: fig-secret, kind: bar, title: Secret money, select: {claims: [c-funding-gap]}}\n"
                        "      - id: fig-quarters\n")
    text = text.replace("  - id: endnotes\n", "  - id: empty-table\n    title: Empty table\n    kind: claims_table\n"
                        "    select: {tags: [no-such-tag]}\n" + template + "\n  - id: endnotes\n")
    spec.write_text(text, encoding="utf-8")


def test_what_selects_nothing_is_in_every_manifest_and_what_is_withheld_only_in_the_audit(starter) -> None:
    add_empty_items(starter)
    result = run_cli("build", SPEC, "--all-audiences", "--format", "pdf", "-o", "out")
    assert result.exit_code == 0, result.output
    expected = [{"kind": "chart", "id": "fig-empty", "reason": "nothing to draw: what it selects gives no figures",
                 "tlp": "TLP:CLEAR"},
                {"kind": "section", "id": "empty-table",
                 "reason": "nothing to show: its selection matches no claim of the knowledge base", "tlp": "TLP:CLEAR"}]
    for audience in ("analyst", "public"):
        manifest = json.loads((starter / "out" / f"calder-bay--{audience}.json").read_text(encoding="utf-8"))
        assert manifest["left_out"] == expected
    audit = (starter / "out" / "audit" / "calder-bay--public.audit.json").read_text(encoding="utf-8")
    assert '"fig-secret"' in audit and "no data visible to this audience" in audit  # the AMBER figure: audit only
    public = (starter / "out" / "calder-bay--public.json").read_text(encoding="utf-8")
    assert "fig-secret" not in public


def test_a_ref_to_a_chart_with_nothing_to_draw_says_so(starter) -> None:
    add_empty_items(starter, "    template: \"See {{ ref('fig-empty') }}.\"\n")
    result = run_cli("build", SPEC, "-a", "analyst", "--format", "pdf", "--json", "-o", "out")
    assert result.exit_code == 2, result.output
    (error,) = json.loads(result.stdout)["errors"]
    assert ("ref(): figure 'fig-empty' is not in the version for audience 'analyst' (nothing to draw: what it selects "
            "gives no figures)") in error["message"]
