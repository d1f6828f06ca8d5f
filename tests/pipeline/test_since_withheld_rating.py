"""A source raised above the public's ceiling changes nothing the public is told (the tester's leak).

The example gains a source ``src-port-wire`` (reliability B, TLP:CLEAR) that ``c-chancay-cost``
cites beside ``src-article`` (C); the money chart and the network name it in their source lines.
First edition on 12 May; then it is raised to TLP:AMBER and the briefing dated 19 May, rebuilt
with ``--since last``. The public's claims-table row of ``c-chancay-cost`` then rates the claim
C2 instead of B2 and lists one source fewer, the two figures' source lines lose it and its
endnote goes: every one of those is caused only by what the public may no longer see, so no
change line, contents mark, change bar or diff entry may follow from it. The analyst (ceiling
TLP:AMBER) still sees the source, and is told its marking was raised, and that the claim citing
it is now shown at TLP:AMBER.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from conftest import pdf_pages_text, run_cli, squash

pytestmark = pytest.mark.slow

SOURCE, CLAIM = "src-port-wire", "c-chancay-cost"
FIRST, SECOND = "2025-05-12", "2025-05-19"
NOTHING = "Nothing in the judgments, claims, figures or sources has changed."


def edit_yaml(path: Path, key: str, edit) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(data[key])
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def add_source(root: Path) -> None:
    edit_yaml(root / "assets" / "kb" / "sources.yaml", "sources", lambda sources: sources.append(
        {"id": SOURCE, "title": "Port wire report on Chancay costs", "publisher": "Wire service",
         "date": "2025-04", "kind": "news-report", "reliability": "B"}))

    def cite(claims: list) -> None:
        next(c for c in claims if c["id"] == CLAIM)["sources"].append(SOURCE)

    edit_yaml(root / "assets" / "kb" / "claims.yaml", "claims", cite)


def raise_source(root: Path) -> None:
    def amber(sources: list) -> None:
        next(s for s in sources if s["id"] == SOURCE)["tlp"] = "TLP:AMBER"

    edit_yaml(root / "assets" / "kb" / "sources.yaml", "sources", amber)
    spec = root / "specs" / "peru-china.yaml"
    spec.write_text(spec.read_text(encoding="utf-8").replace(f"date: {FIRST}", f"date: {SECOND}"), encoding="utf-8")


def build(root: Path, out: str, *extra) -> dict:
    result = run_cli("build", "specs/peru-china.yaml", "-a", "public", "-a", "analyst", "--format", "pdf,html",
                     "-o", root / out, *extra, "--json")
    assert result.exit_code == 0, result.output
    return {r["audience"]: r for r in json.loads(result.stdout)["results"]}


def store(root: Path, audience: str, date: str) -> Path:
    return root / "editions" / "peru-china" / audience / f"{date}.json"


@pytest.fixture(scope="module")
def project(tmp_path_factory, copy_example):
    """-> (root, the second build's results by audience)."""
    root = copy_example(tmp_path_factory.mktemp("since-withheld-rating") / "project")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BRIEFGEN_CACHE_DIR", str(root.parent / "cache"))
        mp.delenv("BRIEFGEN_EDITIONS_DIR", raising=False)
        mp.chdir(root)
        add_source(root)
        build(root, "first")
        raise_source(root)
        yield root, build(root, "second", "--since", "last")


def test_the_scenario_changes_what_the_public_is_shown(project):
    """The premise: the row, the figures and the endnotes the public saw did change."""
    root, _ = project
    old, new = (json.loads(store(root, "public", d).read_text(encoding="utf-8")) for d in (FIRST, SECOND))
    assert SOURCE in old["figures"]["fig-money"]["sources"] and SOURCE not in new["figures"]["fig-money"]["sources"]
    row = f"table-claims.row.{CLAIM}"
    assert old["sections"]["claims"]["blocks"][row] != new["sections"]["claims"]["blocks"][row]
    assert f"endnote.{SOURCE}" in old["sections"]["endnotes"]["blocks"]
    first = squash(" ".join(pdf_pages_text((root / "first" / "peru-china--public.pdf").read_bytes())))
    assert "Port wire report on Chancay costs" in first


def test_the_public_pdf_marks_nothing(project):
    root, results = project
    text = squash(" ".join(pdf_pages_text((root / "second" / "peru-china--public.pdf").read_bytes())))
    assert "What changed since 12 May 2025" in text and NOTHING in text
    assert "(changed)" not in text and "Figure updated" not in text and "Port wire" not in text
    summary = results["public"]["changes"]
    assert summary["summary"] == [] and summary["changes"] == []


def test_the_public_pdf_draws_no_change_bar(project):
    """The document the PDF is laid out from: no block (row, endnote, figure) carries a change."""
    from briefgen.pipeline.build import BuildOptions, build_prepared, prepare

    root, _ = project
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(root)
        result = build_prepared(prepare(root / "specs" / "peru-china.yaml"), "public",
                                BuildOptions(out_dir=root / "third", since=str(store(root, "public", FIRST)),
                                             write=False, file_edition=False))
    parts = [p for b in result.document.blocks() for p in (b, *getattr(b, "items", ()), *getattr(b, "rows", ()),
                                                          *getattr(b, "notes", ()))]
    assert [p.id for p in parts if getattr(p, "change", "")] == []
    assert [e.title for e in result.document.contents.entries if e.changed] == []


def test_the_public_html_marks_nothing(project):
    root, _ = project
    html = (root / "second" / "peru-china--public.html").read_text(encoding="utf-8")
    assert NOTHING in html and 'data-change="' not in html and "(changed)" not in html
    assert "Figure updated" not in html


def test_briefgen_diff_json_has_no_entry(project):
    root, _ = project
    result = run_cli("diff", store(root, "public", FIRST), store(root, "public", SECOND), "--json")
    assert result.exit_code == 0, result.output
    diff = json.loads(result.stdout)["diff"]
    assert diff["changes"] == [] and diff["summary"] == []
    assert all(not any(counts.values()) for counts in diff["counts"].values())


def test_the_analyst_is_told_the_source_was_raised(project):
    """The analyst still sees the source: its marking move is a change there, with its row."""
    root, results = project
    summary = results["analyst"]["changes"]["summary"]
    assert "Source revised: Port wire report on Chancay costs (marking now TLP:AMBER)" in summary
    # the claim citing it is shown at TLP:AMBER now (its claims-table row says so): its line says so too
    assert [line for line in summary if line.startswith("Claim revised: ")] == [
        "Claim revised: The deepwater port at Chancay, a short distance north of Lima, is a Chinese-backed project "
        "reported to cost USD 1.3 billion. (marking now TLP:AMBER)"]
    assert [line for line in summary if line.startswith("Figure updated")] == [
        "Figure updated: Figure 2: Who is linked to whom (data changed)",
        "Figure updated: Figure 3: Reported sums (USD millions) (marking now TLP:AMBER)"]
    text = squash(" ".join(pdf_pages_text((root / "second" / "peru-china--analyst.pdf").read_bytes())))
    assert "Endnotes (changed)" in text

