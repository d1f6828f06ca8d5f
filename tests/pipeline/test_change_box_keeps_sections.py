"""A tester's executive edition (2 pages) rebuilt ``--since last`` after a week of revisions:
every claim's statement reworded, a figure revised, every low confidence raised and a source
marked TLP:AMBER. The box of 32 changes, even cut to two changes and a line counting the rest,
pushed the endnotes onto a third page; without the box every section fits. The box yields
first (:data:`briefgen.pipeline.editions.SHORTEST_BOX`): it lists one change and "And 31 more
changes.", and "Timeline, network and money" stays (it used to be dropped beside a box of
eleven changes)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import pdf_pages_text, run_cli, squash

pytestmark = pytest.mark.slow

FIGURES = "Timeline, network and money"


def revise(root: Path) -> None:
    """The tester's edits to the example project in ``root``."""
    claims = root / "assets" / "kb" / "claims.yaml"
    text = claims.read_text(encoding="utf-8")
    text = re.sub(r"(statement: >-\n)(\s+)", r"\1\2Revised: ", text)
    text = re.sub(r"statement: (?![>|])(\S.*)", lambda m: 'statement: "Revised: ' + m[1].replace('"', '\\"') + '"',
                  text)
    assert text.count("Revised: ") == text.count("statement:") > 20
    assert "value: 1300" in text and "confidence: low" in text
    claims.write_text(text.replace("value: 1300", "value: 1400").replace("confidence: low", "confidence: moderate"),
                      encoding="utf-8")
    sources = root / "assets" / "kb" / "sources.yaml"
    text = sources.read_text(encoding="utf-8")
    assert "  - id: src-prc-chancay\n" in text
    sources.write_text(text.replace("  - id: src-prc-chancay\n", "  - id: src-prc-chancay\n    tlp: TLP:AMBER\n"),
                       encoding="utf-8")
    spec = root / "specs" / "peru-china.yaml"
    text = spec.read_text(encoding="utf-8")
    assert "  date: 2025-05-12\n" in text
    spec.write_text(text.replace("  date: 2025-05-12\n", "  date: 2025-05-19\n"), encoding="utf-8")


def build(root: Path, *extra: str) -> list[dict]:
    result = run_cli("build", "specs/peru-china.yaml", "--all-audiences", "--format", "pdf,html",
                     "-o", root / "output", *extra, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["results"]


def executive_since_last(root: Path, monkeypatch, network_height: str | None = None) -> dict:
    """The executive result of the tester's rebuild ``--since last`` (the network drawn
    ``network_height`` inches tall in both builds, when given)."""
    monkeypatch.setenv("BRIEFGEN_CACHE_DIR", str(root.parent / "cache"))
    monkeypatch.delenv("BRIEFGEN_EDITIONS_DIR", raising=False)
    monkeypatch.chdir(root)
    if network_height is not None:
        spec = root / "specs" / "peru-china.yaml"
        text = spec.read_text(encoding="utf-8")
        assert text.count("        height: 4.2\n") == 1
        spec.write_text(text.replace("        height: 4.2\n", f"        height: {network_height}\n"), encoding="utf-8")
    build(root)
    revise(root)
    return next(r for r in build(root, "--since", "last") if r["audience"] == "executive")


def box_text(root: Path) -> str:
    text = squash(" ".join(pdf_pages_text((root / "output" / "peru-china--executive.pdf").read_bytes())))
    return text.split("What changed since 12 May 2025", 1)[1].split("Key judgments", 1)[0]


def test_the_box_shrinks_to_one_change_before_a_section_goes(tmp_path, copy_example, monkeypatch):
    root = copy_example(tmp_path / "project")
    executive = executive_since_last(root, monkeypatch)
    assert executive["dropped"] == [] and executive["pages"] == 2
    total = len(executive["changes"]["summary"])
    assert total == 32, executive["changes"]["summary"]
    assert [n for n in executive["notes"] if "What changed since" in n] == [
        f'executive: the "What changed since" box lists 1 of its {total} changes (its last line counts the rest) '
        f"to fit max_pages 2 without leaving out a section; --json and briefgen diff list them all"]
    text = squash(" ".join(pdf_pages_text((root / "output" / "peru-china--executive.pdf").read_bytes())))
    assert FIGURES in text and "Figure 1. Who is linked to whom" in text
    box = box_text(root)
    assert box.count("•") == 2 and f"And {total - 1} more changes." in box


def test_a_section_the_shortest_box_still_crowds_out_goes_beside_that_box(tmp_path, copy_example, monkeypatch):
    """The network drawn 4.6 in tall: without the box every section fits, with even one change
    in it the figures do not. They go, decided beside the shortest box (it used to be the whole
    box of twelve lines, which took the room only the shortest needed); the box then takes back
    the room the figures left: eleven changes and a line counting the rest, still two pages (it
    stayed at one change and "And N more changes." with most of a page empty)."""
    root = copy_example(tmp_path / "project")
    executive = executive_since_last(root, monkeypatch, network_height="4.6")
    assert executive["dropped"] == ["figures"] and executive["pages"] == 2
    assert any("box took the room of section(s) 'figures'" in n for n in executive["notes"]), executive["notes"]
    total = len(executive["changes"]["summary"])
    box = box_text(root)
    assert box.count("•") == 12 and f"And {total - 11} more changes." in box
