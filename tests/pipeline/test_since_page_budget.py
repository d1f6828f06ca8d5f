"""The "What changed since" box and the executive's page budget (2 pages), built.

The editions scenario (tests/editions_scenario.py): a first executive edition on 5 May with
every section it promises (bottom line, key judgments, "Timeline, network and money",
endnotes); then the week's edits and 12 May, rebuilt with ``--since last``.

* As it is, the box's five lines would take the figures' room: the box yields first, listing
  two changes and a line counting the rest, every section stays, and the build says so.
* With the network drawn taller (6.5 in), the figures do not fit even without the box: the
  budget leaves the section out. What it held (49 claims, entities, relations and a figure)
  is not "removed": the console, ``--json``, ``briefgen diff`` and the box say "left out to
  fit the page limit: 1 section" and count one removal (the key judgment dropped that week).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import pdf_pages_text, run_cli, squash
from editions_scenario import FIRST_DATE, SECOND_DATE, edit_knowledge_base, set_date

pytestmark = pytest.mark.slow

FIGURES = "Timeline, network and money"
LEFT_OUT_LINE = f"Section left out to fit the page limit: {FIGURES}"


def build(root: Path, out: str, *extra) -> dict:
    result = run_cli("build", "specs/peru-china.yaml", "-a", "executive", "--format", "pdf,html", "-o", root / out,
                     *extra, "--json")
    assert result.exit_code == 0, result.output
    (only,) = json.loads(result.stdout)["results"]
    return only


def store(root: Path, date: str) -> Path:
    return root / "editions" / "peru-china" / "executive" / f"{date}.json"


def removed(changes: dict) -> int:
    return sum(counts["removed"] for counts in changes["counts"].values())


@pytest.fixture(scope="module")
def projects(tmp_path_factory, copy_example):
    """-> {"room" | "taller": (root, the second build's JSON result)}."""
    base = tmp_path_factory.mktemp("since-page-budget")
    first = copy_example(base / "first")
    out = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BRIEFGEN_CACHE_DIR", str(base / "cache"))
        mp.delenv("BRIEFGEN_EDITIONS_DIR", raising=False)
        mp.chdir(first)
        set_date(first, FIRST_DATE)
        assert build(first, "output")["dropped"] == []
        for name in ("room", "taller"):
            root = base / name
            shutil.copytree(first, root)
            mp.chdir(root)
            edit_knowledge_base(root)
            set_date(root, SECOND_DATE)
            if name == "taller":
                spec = root / "specs" / "peru-china.yaml"
                text = spec.read_text(encoding="utf-8")
                assert text.count("        height: 4.2\n") == 1
                spec.write_text(text.replace("        height: 4.2\n", "        height: 6.5\n"), encoding="utf-8")
            out[name] = (root, build(root, "output", "--since", "last"))
    return out


def test_the_box_yields_before_a_promised_section(projects):
    root, result = projects["room"]
    assert result["dropped"] == [] and result["pages"] == 2
    assert any('the "What changed since" box lists 2 of its 5 changes' in note and "without leaving out a section"
               in note for note in result["notes"]), result["notes"]
    text = squash(" ".join(pdf_pages_text((root / "output" / "peru-china--executive.pdf").read_bytes())))
    assert FIGURES in text and "Figure 1. Who is linked to whom" in text
    box = text.split("What changed since 5 May 2025", 1)[1].split("Key judgments", 1)[0]
    assert box.count("•") == 3 and "And 3 more changes." in box
    html = (root / "output" / "peru-china--executive.html").read_text(encoding="utf-8")
    assert "And 3 more changes." in html and FIGURES in html
    # --json lists every change, the box counts the rest; the claim released to TLP:CLEAR is none: it still
    # rests on the TLP:AMBER desk note, and its key judgment is marked (TLP:AMBER) in both editions
    assert len(result["changes"]["summary"]) == 5
    assert removed(result["changes"]) == 1 and result["changes"]["left_out_to_fit"] == []


def test_a_section_left_out_is_not_its_contents_removed(projects):
    root, result = projects["taller"]
    assert result["dropped"] == ["figures"]
    changes = result["changes"]
    assert removed(changes) == 1  # the key judgment dropped that week, not the 49 items the figures held
    assert [c["id"] for c in changes["changes"] if c["status"] == "removed"] == ["c-financial-dependency"]
    assert changes["left_out_to_fit"] == [{"section": "figures", "title": FIGURES}]
    assert LEFT_OUT_LINE in changes["summary"]
    assert not any("box took the room" in note for note in result["notes"])  # the figures did not fit anyway
    text = squash(" ".join(pdf_pages_text((root / "output" / "peru-china--executive.pdf").read_bytes())))
    assert LEFT_OUT_LINE in text and "Link dropped" not in text and "Entity dropped" not in text


def test_the_console_counts_the_section_not_its_contents(projects):
    root, _ = projects["taller"]
    result = run_cli("diff", store(root, FIRST_DATE), store(root, SECOND_DATE))
    assert result.exit_code == 0, result.output
    assert squash(result.stdout).endswith(
        f"peru-china for executive, {FIRST_DATE} -> {SECOND_DATE}: 3 new, 3 changed, 1 removed; "
        f"left out to fit the page limit: 1 section")
    as_json = json.loads(run_cli("diff", store(root, FIRST_DATE), store(root, SECOND_DATE), "--json").stdout)["diff"]
    assert removed(as_json) == 1 and as_json["left_out_to_fit"] == [{"section": "figures", "title": FIGURES}]
