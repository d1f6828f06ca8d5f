"""A change-box line about a claim carries the claim's effective portion mark, whichever blocks
showing it an audience keeps (the tester's under-marking).

The example gains a dated milestone claim ``c-strike`` (TLP:CLEAR, on the timeline) citing a
TLP:CLEAR bulletin. First edition on 12 May; for 19 May the claim is revised (48 hours become 72)
and also cites the example's TLP:AMBER desk note (``src-desk-note``), so what shows of it is
AMBER. The analyst shows it in the claims table; the ``desk`` audience (TLP:AMBER, portion
marks, no claims table) only on the timeline, marked (AMBER) there: both boxes' lines about it
must be marked (TLP:AMBER)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from conftest import pdf_pages_text, run_cli, squash

pytestmark = pytest.mark.slow

STRIKE, BULLETIN, NOTE = "c-strike", "src-union-bulletin", "src-desk-note"
FIRST, SECOND = "2025-05-12", "2025-05-19"
REVISED = "Claim revised: Dock workers stopped work for 72 hours at Chancay."
DESK = {"description": "Desk officers; no claims table.", "tlp": "TLP:AMBER", "portion_marks": True,
        "claims_table": False, "paper": "A4",
        "distribution": {"from": {"name": "Latin America Desk", "email": "latam-desk@example.org"},
                         "to": [{"name": "Andean Team", "email": "andean-team@example.org"}],
                         "allowed_domains": ["example.org"], "subject": "Peru-China briefing (desk)"}}


def edit_yaml(path: Path, key: str, edit) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(data[key])
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def first_edition_kb(root: Path) -> None:
    kb = root / "assets" / "kb"
    edit_yaml(root / "specs" / "audiences.yaml", "audiences", lambda audiences: audiences.update(desk=DESK))
    edit_yaml(kb / "sources.yaml", "sources", lambda items: items.append(
        {"id": BULLETIN, "title": "Forty-eight hours at the port", "publisher": "Union bulletin",
         "date": "2025-03", "kind": "other", "reliability": "C"}))
    edit_yaml(kb / "claims.yaml", "claims", lambda items: items.append(
        {"id": STRIKE, "statement": "Dock workers stopped work for 48 hours at Chancay.",
         "about": ["chancay-port"], "sources": [BULLETIN], "date": "2025-03-10", "credibility": 3,
         "tags": ["milestone"]}))


def revise_strike(root: Path) -> None:
    def revise(claims: list) -> None:
        strike = next(c for c in claims if c["id"] == STRIKE)
        strike["statement"] = "Dock workers stopped work for 72 hours at Chancay."
        strike["sources"] = [BULLETIN, NOTE]

    edit_yaml(root / "assets" / "kb" / "claims.yaml", "claims", revise)
    spec = root / "specs" / "peru-china.yaml"
    spec.write_text(spec.read_text(encoding="utf-8").replace(f"date: {FIRST}", f"date: {SECOND}"), encoding="utf-8")


def build(root: Path, out: str, *extra) -> dict:
    result = run_cli("build", "specs/peru-china.yaml", "-a", "analyst", "-a", "desk", "--format", "pdf",
                     "-o", root / out, *extra, "--json")
    assert result.exit_code == 0, result.output
    return {r["audience"]: r for r in json.loads(result.stdout)["results"]}


@pytest.fixture(scope="module")
def project(tmp_path_factory, copy_example) -> Path:
    root = copy_example(tmp_path_factory.mktemp("since-line-marking") / "project")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BRIEFGEN_CACHE_DIR", str(root.parent / "cache"))
        mp.delenv("BRIEFGEN_EDITIONS_DIR", raising=False)
        mp.chdir(root)
        first_edition_kb(root)
        build(root, "first")
        revise_strike(root)
        build(root, "second", "--since", "last")
    return root


def box_of(root: Path, audience: str) -> str:
    text = squash(" ".join(pdf_pages_text((root / "second" / f"peru-china--{audience}.pdf").read_bytes())))
    start = text.index("What changed since 12 May 2025")
    return text[start:start + 1500]


def test_the_desk_shows_the_claim_only_on_the_timeline(project):
    """The premise: no claims table for the desk, and the claim as shown there is AMBER."""
    record = json.loads((project / "editions" / "peru-china" / "desk" / f"{SECOND}.json").read_text("utf-8"))
    assert "claims" not in record["sections"]
    # its own level is TLP:CLEAR; the record keeps the level it is shown at, its desk note's
    assert STRIKE in record["figures"]["fig-timeline"]["claims"] and record["claims"][STRIKE]["marking"] == "TLP:AMBER"
    assert record["sources"][NOTE]["marking"] == "TLP:AMBER"


@pytest.mark.parametrize("audience", ["analyst", "desk"])
def test_the_box_line_carries_the_claims_effective_mark(project, audience):
    box = box_of(project, audience)
    assert f"(TLP:AMBER) {REVISED}" in box, box
    assert f"(TLP:CLEAR) {REVISED}" not in box
