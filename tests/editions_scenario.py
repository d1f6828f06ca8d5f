"""The editions scenario shared by the editions tests (issue 14): a copy of the example project,
its first edition dated 5 May 2025, then the knowledge base edited and the briefing dated 12 May.

The edits (:func:`edit_knowledge_base`):

* ``c-too-little-too-late`` (a key judgment for every audience): likelihood ``likely`` -> ``very likely``;
* ``c-perurail-revenue``: its figure revised from more than USD 65 million to more than USD 72 million;
* ``c-us-partnership-framing`` removed (shown in the claims table of analyst and public);
* ``c-port-outlook`` added: a new judgment (a new key judgment) resting on a new source ``src-port-study``;
* ``c-desk-leverage`` released from TLP:AMBER to TLP:CLEAR (new to the public);
* ``c-lopez-china-ally`` raised to TLP:RED, above every audience's ceiling (it must vanish without a trace).
"""

from __future__ import annotations

from pathlib import Path

import yaml

FIRST_DATE, SECOND_DATE = "2025-05-05", "2025-05-12"
RAISED = "c-lopez-china-ally"
RAISED_STATEMENT = "firm friend of China"
RELEASED = "c-desk-leverage"
REMOVED = "c-us-partnership-framing"
ADDED = "c-port-outlook"
MOVED = "c-too-little-too-late"
REVISED = "c-perurail-revenue"


def set_date(root: Path, date: str) -> None:
    """Date the example briefing ``date`` (ISO)."""
    spec = root / "specs" / "peru-china.yaml"
    text = spec.read_text(encoding="utf-8")
    for old in (FIRST_DATE, SECOND_DATE):
        text = text.replace(f"date: {old}", f"date: {date}")
    spec.write_text(text, encoding="utf-8")


def edit_knowledge_base(root: Path) -> None:
    """Apply the scenario's edits (module doc) to the knowledge base of the project in ``root``."""
    claims_file = root / "assets" / "kb" / "claims.yaml"
    data = yaml.safe_load(claims_file.read_text(encoding="utf-8"))
    claims = {c["id"]: c for c in data["claims"]}
    claims[MOVED]["likelihood"] = "very likely"
    claims[REVISED]["figures"][0]["value"] = 72
    claims[RELEASED].pop("tlp")
    claims[RAISED]["tlp"] = "TLP:RED"
    data["claims"] = [c for c in data["claims"] if c["id"] != REMOVED]
    data["claims"].append({
        "id": ADDED, "about": ["chancay-port", "las-bambas"], "sources": ["src-port-study", "src-article"],
        "statement": "Chancay will likely draw a growing share of Peru's copper exports to Asia within two years.",
        "likelihood": "likely", "confidence": "moderate", "tags": ["assessment", "mining"]})
    claims_file.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    sources_file = root / "assets" / "kb" / "sources.yaml"
    sources = yaml.safe_load(sources_file.read_text(encoding="utf-8"))
    sources["sources"].append({"id": "src-port-study", "title": "Chancay and the Copper Corridor",
                               "publisher": "Andean Logistics Review", "date": "2025-05-08",
                               "kind": "think-tank-report", "reliability": "C"})
    sources_file.write_text(yaml.safe_dump(sources, allow_unicode=True, sort_keys=False), encoding="utf-8")
