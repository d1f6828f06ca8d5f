"""A claim's marking in the edition record and the "What changed since" box is the level it is
shown at (its own, its visible sources' and the entities it is about), as its portion marks
are: a tester released a claim from TLP:GREEN to TLP:CLEAR whose statement names a TLP:GREEN
entity, and the box said "(marking now TLP:CLEAR)" beside a bullet still marked (TLP:GREEN)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import pdf_pages_text, run_cli

KB = """\
entities:
  - {{id: crew, name: Vesper Moth, kind: organization}}
  - {{id: host, name: Bulwark Hosting, kind: company, tlp: TLP:GREEN}}
  - {{id: site, name: the leak site, kind: project}}
sources:
  - {{id: s-blog, title: Anatomy of a crew, publisher: Blue Fjord, kind: news-report, reliability: B}}
  - {{id: s-ir, title: IR debrief, publisher: Cinder Response, kind: other, reliability: B, tlp: TLP:AMBER}}
claims:
  - {{id: c-crew, statement: Vesper Moth runs the leak site., about: [crew, site], sources: [s-blog],
     credibility: 2, tlp: {crew_tlp}}}
  - {{id: c-host, statement: Bulwark Hosting hosts the leak site., about: [host, site], sources: [s-blog],
     credibility: 3, tlp: {host_tlp}}}
  - {{id: c-dwell, statement: Median dwell time is four days., about: [crew], sources: [s-blog, s-ir],
     credibility: 2, tlp: {dwell_tlp}}}
"""

SPEC = """\
briefing: {id: since, title: Since, date: DATE, desk: CTI Desk}
knowledge_base: [../kb]
audiences:
  partners: {tlp: TLP:AMBER, cover: false, contents: false}
sections:
  - id: bluf
    title: Bottom line
    template: |
      - {{ claim('c-crew') }}{{ cite('c-crew') }}
      - {{ claim('c-host') }}{{ cite('c-host') }}
      - {{ claim('c-dwell') }}{{ cite('c-dwell') }}
  - {id: claims, title: Claims, kind: claims_table, select: {}}
  - {id: endnotes, title: Endnotes, kind: endnotes}
"""


def write(root: Path, date: str, **tlp: str) -> Path:
    (root / "kb").mkdir(parents=True, exist_ok=True)
    (root / "specs").mkdir(exist_ok=True)
    (root / "briefgen.toml").write_text("[project]\n", encoding="utf-8")
    levels = {"crew_tlp": "TLP:CLEAR", "host_tlp": "TLP:CLEAR", "dwell_tlp": "TLP:CLEAR", **tlp}
    (root / "kb" / "kb.yaml").write_text(KB.format(**levels), encoding="utf-8")
    spec = root / "specs" / "since.yaml"
    spec.write_text(SPEC.replace("DATE", date), encoding="utf-8")
    return spec


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("BRIEFGEN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("BRIEFGEN_EDITIONS_DIR", str(tmp_path / "editions"))
    return tmp_path / "p"


def changes_after(project: Path, **tlp: str) -> tuple[dict, list[str]]:
    """Build the first edition (every claim's own level as given), then the next week's with
    every claim's own level TLP:CLEAR, ``--since last``: (its changes, the claims' markings as the
    record gives them)."""
    spec = write(project, "2025-04-10", **tlp)
    assert run_cli("build", spec, "-a", "partners", "-o", project / "out").exit_code == 0
    spec = write(project, "2025-04-17")
    done = run_cli("build", spec, "-a", "partners", "-o", project / "out", "--since", "last", "--json")
    assert done.exit_code == 0, done.output
    (result,) = json.loads(done.stdout)["results"]
    markings = {cid: c["marking"] for cid, c in
                json.loads((project / "out" / "since--partners.json").read_text(encoding="utf-8"))
                ["edition"]["claims"].items()}
    return result["changes"], markings


def test_a_claim_released_but_still_naming_a_green_entity_did_not_move(project):
    changes, markings = changes_after(project, host_tlp="TLP:GREEN")
    assert markings == {"c-crew": "TLP:CLEAR", "c-host": "TLP:GREEN", "c-dwell": "TLP:AMBER"}
    assert changes["changes"] == [] and not any("marking now" in line for line in changes["summary"])
    text = " ".join(" ".join(pdf_pages_text((project / "out" / "since--partners.pdf").read_bytes())).split())
    assert "(TLP:GREEN) Bulwark Hosting hosts the leak site." in text  # the level the record keeps


def test_a_claim_released_with_nothing_above_it_moves_and_says_so(project):
    changes, markings = changes_after(project, crew_tlp="TLP:GREEN")
    assert markings == {"c-crew": "TLP:CLEAR", "c-host": "TLP:GREEN", "c-dwell": "TLP:AMBER"}
    assert changes["summary"] == ["Claim revised: Vesper Moth runs the leak site. (marking now TLP:CLEAR)"]
    # the claim citing a TLP:AMBER source is shown at TLP:AMBER in both editions: nothing moved
