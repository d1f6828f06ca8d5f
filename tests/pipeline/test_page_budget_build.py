"""The page budget in a real build of the example: a text's ref() keeps it with its figure
(README, "Page budget"), the reasons the manifest gives, and the located error of a budget
that cannot be met."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_cli

from briefgen.errors import DroppedRefError
from briefgen.pipeline.build import BuildOptions, build_prepared, document_of, prepare

UNGUARDED = """\
extends: peru-china.yaml
audiences:
  analyst: {{max_pages: {max_pages}}}
sections:
  - id: background
    template: "Peru is a test case. {{{{ ref('fig-network') }}}} maps the actors."
{figures}"""


def write(project: Path, max_pages: int, figures: str = "") -> Path:
    spec = project / "specs" / "budget.yaml"
    spec.write_text(UNGUARDED.format(max_pages=max_pages, figures=figures), encoding="utf-8")
    return spec


def build(spec: Path, tmp_path: Path):
    return build_prepared(prepare(spec), "analyst", BuildOptions(out_dir=tmp_path / "out", cache_dir=tmp_path / "c"))


def reasons(result) -> dict[str, str]:
    return {e["id"]: e["reason"] for e in result.manifest["left_out"] if "max_pages" in e["reason"]}


def over(max_pages: int, pages: int, but: str = "") -> str:
    return (f"dropped to fit max_pages {max_pages}: with it beside the higher-priority sections kept (and none of "
            f"lower priority{but}), the briefing had {pages} pages")


@pytest.mark.slow
def test_a_text_referring_to_a_figure_that_did_not_fit_is_dropped_with_it(example_project, tmp_path):
    # 'figures' (70) does not fit beside bluf and key judgments (5 pages); background (60) refers to its
    # fig-network without visible(), so it cannot come back; actors (40) can, claims (30) cannot
    spec = write(example_project, 4)
    result = build(spec, tmp_path)
    assert result.pages == 4
    assert result.dropped == ["claims", "background", "figures"]
    assert reasons(result) == {
        "claims": over(4, 6),
        "background": "dropped to fit max_pages 4: its text refers to 'fig-network', of section 'figures', "
                      "which the budget dropped",
        "figures": over(4, 5)}
    assert result.manifest["included"]["sections"] == ["bluf", "key-judgments", "actors", "endnotes"]


@pytest.mark.slow
def test_a_figure_a_kept_text_refers_to_stays_while_that_text_does(example_project, tmp_path):
    # figures at priority 20 would go first; background (60) refers to it, so claims and actors go instead
    spec = write(example_project, 5, "  - {id: figures, priority: 20}\n")
    result = build(spec, tmp_path)
    assert result.pages == 5 and result.dropped == ["claims", "actors"]
    but = ", but for 'figures', which a kept text refers to"
    assert reasons(result) == {"claims": over(5, 7, but), "actors": over(5, 7, but)}
    assert {"background", "figures"} <= set(result.manifest["included"]["sections"])


def test_a_ref_to_a_figure_of_a_dropped_section_says_the_budget_dropped_it(example_project):
    spec = write(example_project, 4)
    with pytest.raises(DroppedRefError) as info:
        document_of(prepare(spec), "analyst", dropped=("figures",))
    assert (info.value.figure, info.value.section, info.value.code) == ("fig-network", "figures", "template-dropped")
    assert str(info.value).endswith(
        "section 'background' (line 1 of the template): ref(): figure 'fig-network' is not in the version for "
        "audience 'analyst': section 'figures' was dropped to fit max_pages; give section 'figures' a higher "
        "priority, or wrap it in {% if visible('fig-network') %} ... {% endif %}")
    assert "''s" not in str(info.value)


@pytest.mark.slow
def test_a_budget_that_cannot_be_met_is_an_input_error_at_max_pages(example_project, monkeypatch):
    monkeypatch.chdir(example_project)
    (example_project / "specs" / "tight.yaml").write_text(
        "extends: peru-china.yaml\naudiences:\n  executive: {max_pages: 1}\n"
        "sections:\n  - {id: bluf, priority: null}\n  - {id: key-judgments, priority: null}\n", encoding="utf-8")
    result = run_cli("build", "specs/tight.yaml", "-a", "executive", "--format", "pdf", "--json", "-o", "out")
    assert result.exit_code == 2, result.output
    document = json.loads(result.stdout)
    (error,) = document["errors"]
    assert document["exit_code"] == 2
    assert {k: error[k] for k in ("file", "line", "column", "key", "code", "expected", "got")} == {
        "file": "specs/tight.yaml", "line": 3, "column": 26, "key": "audiences.executive.max_pages",
        "code": "page-budget", "expected": "at most 1 page", "got": "2 pages"}
    assert error["message"].startswith("audience 'executive' of briefing 'peru-china' has 2 pages, 1 over its "
                                       "max_pages of 1. Sections spanning the most pages: ")
    assert error["message"].endswith("raise max_pages to 2, or shorten what is left.")  # no cover: not named


def test_a_budget_that_a_cover_breaks_names_the_cover(example_project, monkeypatch):
    """The cover is a page no priority drops: the error says so (tester: max_pages 1 with a cover
    was refused with advice to raise max_pages, though 'cover: false' fitted)."""
    monkeypatch.chdir(example_project)
    (example_project / "specs" / "tight.yaml").write_text(
        "extends: peru-china.yaml\naudiences:\n  executive: {max_pages: 1, cover: true}\n"
        "sections:\n  - {id: bluf, priority: null}\n  - {id: key-judgments, priority: null}\n", encoding="utf-8")
    result = run_cli("build", "specs/tight.yaml", "-a", "executive", "--format", "pdf", "--json", "-o", "out")
    assert result.exit_code == 2, result.output
    (error,) = json.loads(result.stdout)["errors"]
    assert error["message"].endswith("The cover takes a page of its own: 'cover: false' puts a compact title block "
                                     "on page 1 instead.")
    assert (error["expected"], error["code"]) == ("at most 1 page", "page-budget")
    assert not (example_project / "out").exists()
