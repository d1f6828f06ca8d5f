"""An audience whose ceiling is lowered between two editions (TLP:GREEN -> TLP:CLEAR): what it
may no longer see vanishes without a trace, and the counts, ``--json``, the box and the change
bars agree.

The scenario: an added audience ``partners`` (TLP:GREEN) is filed on 12 May; on 19 May its
ceiling is TLP:CLEAR, and (``deleted``) the TLP:GREEN claim ``c-desk-us-hedging`` is deleted
from the knowledge base with the relation it supports and its ``visible()`` block in the spec,
or (``withheld``) the knowledge base is left as it was. The network figure drew that claim.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from editions_scenario import set_date

from briefgen.document.changes import NOTHING_CHANGED, mark_changes, summary_of
from briefgen.document.diff import diff_editions
from briefgen.document.edition import FORMAT, edition_record
from briefgen.document.withheld import WithheldKey
from briefgen.pipeline.build import document_of, prepare

KEY = WithheldKey(bytes(range(32)))
HEDGING = "c-desk-us-hedging"
PARTNERS = """
  partners:
    description: Partner agencies.
    tlp: TLP:GREEN
    portion_marks: true
"""


def delete_hedging(root: Path) -> None:
    """Delete the claim, the relation only it supports and the spec's ``visible()`` block naming it."""
    kb = root / "assets" / "kb"
    claims = (kb / "claims.yaml").read_text(encoding="utf-8")
    start = claims.index(f"  - id: {HEDGING}")
    (kb / "claims.yaml").write_text(claims[:start] + claims[claims.index("  - id: ", start + 5):], encoding="utf-8")
    relations = (kb / "relations.yaml").read_text(encoding="utf-8")
    start = relations.index("  - subject: us-government\n    predicate: partner-of")
    (kb / "relations.yaml").write_text(relations[:start] + relations[relations.index("  # ---", start):],
                                       encoding="utf-8")
    spec = root / "specs" / "peru-china.yaml"
    text = spec.read_text(encoding="utf-8")
    start = text.index(f"{{% if visible('{HEDGING}') %}}")
    spec.write_text(text[:start] + text[text.index("{% endif %}", start) + len("{% endif %}"):], encoding="utf-8")


def partners_record(root: Path):
    prepared = prepare(root / "specs" / "peru-china.yaml")
    doc = document_of(prepared, "partners")
    return doc, edition_record(doc, prepared.kb, KEY), prepared.kb


@pytest.fixture(scope="module", params=["deleted", "withheld"])
def lowered(request, tmp_path_factory, copy_example):
    """(old record, marked document, diff) of the partners' second edition."""
    root = copy_example(tmp_path_factory.mktemp("lowered") / "project")
    audiences = root / "specs" / "audiences.yaml"
    audiences.write_text(audiences.read_text(encoding="utf-8") + PARTNERS, encoding="utf-8")
    set_date(root, "2025-05-12")
    _, old, _ = partners_record(root)
    assert HEDGING in old["claims"] and HEDGING in old["figures"]["fig-network"]["claims"]
    assert old["figures"]["fig-network"]["marking"] == "TLP:GREEN"
    audiences.write_text(audiences.read_text(encoding="utf-8").replace(PARTNERS, PARTNERS.replace("GREEN", "CLEAR")),
                         encoding="utf-8")
    if request.param == "deleted":
        delete_hedging(root)
    set_date(root, "2025-05-19")
    doc, new, kb = partners_record(root)
    assert new["ceiling"] == "TLP:CLEAR" and new["figures"]["fig-network"]["marking"] == "TLP:CLEAR"
    marked, diff = mark_changes(doc, kb, old)
    return old, marked, diff


@pytest.mark.slow  # the example prepared twice per scenario
def test_nothing_the_partners_may_still_see_changed(lowered):
    old, doc, diff = lowered
    assert diff.changes == ()  # not the network figure: it changed only with what is now above the ceiling
    assert all(n == {"new": 0, "changed": 0, "removed": 0} for n in diff.counts().values())
    box = summary_of(doc)
    assert box.items == () and box.lines == () and box.empty_text == NOTHING_CHANGED
    assert not [b.id for b in doc.blocks() if b.role == "Figure" and b.change]  # no change bar beside it either


@pytest.mark.slow
def test_no_id_above_the_new_ceiling_is_named(lowered):
    old, doc, diff = lowered
    told = json.dumps(diff.to_json()) + "\n".join(summary_of(doc).lines)
    above = [cid for cid, c in old["claims"].items() if c["marking"] != "TLP:CLEAR"]
    assert HEDGING in above and len(above) >= 2
    assert [cid for cid in above if cid in told] == [] and "TLP:GREEN" not in told


# ------------------------------------------------------------------------------------ records alone
def record(ceiling: str, claims: dict, figure_claims: list[str], figure_marking: str) -> dict:
    return {"format": FORMAT, "briefing": "b", "audience": "partners", "title": "T", "date": "2025-05-12",
            "date_text": "12 May 2025", "ceiling": ceiling, "marking": ceiling, "claims": claims,
            "key_judgments": {}, "entities": {}, "sources": {}, "relations": {},
            "figures": {"fig": {"digest": "d-" + "-".join(figure_claims), "number": 2, "title": "Network",
                                "kind": "network", "claims": figure_claims, "marking": figure_marking}},
            "sections": {}, "dropped": []}


def claim(marking: str) -> dict:
    return {"digest": marking, "statement": "s", "likelihood": None, "probability": None, "confidence": None,
            "figures": [], "date": None, "sources": [], "marking": marking}


def test_a_deleted_claim_above_the_new_ceiling_is_not_named_by_a_figure():
    old = record("TLP:GREEN", {"c-open": claim("TLP:CLEAR"), "c-green": claim("TLP:GREEN")},
                 ["c-green", "c-open"], "TLP:GREEN")
    new = record("TLP:CLEAR", {"c-open": claim("TLP:CLEAR")}, ["c-open"], "TLP:CLEAR")
    assert diff_editions(old, new).changes == ()
    # the same deletion for an audience still at TLP:GREEN, which saw the claim and may see it: told
    (change,) = diff_editions(old, {**new, "ceiling": "TLP:GREEN"}).of("figures")
    assert [(f.field, f.old, f.new, f.direction) for f in change.fields] == [
        ("claims", "c-green, c-open", "c-open", ""), ("marking", "TLP:GREEN", "TLP:CLEAR", "lowered")]


def test_a_figure_marking_lowered_under_an_unchanged_ceiling_is_told():
    old = record("TLP:AMBER", {"c-open": claim("TLP:GREEN")}, ["c-open"], "TLP:GREEN")
    new = record("TLP:AMBER", {"c-open": claim("TLP:CLEAR")}, ["c-open"], "TLP:CLEAR")
    diff = diff_editions(old, new)
    assert diff.find("figures", "fig").field("marking").direction == "lowered"
    assert diff.find("claims", "c-open").field("marking").new == "TLP:CLEAR"
