"""A relationship in the STIX export is marked as its link in the network chart is: its own
level, its visible supporting claims' and its end entities' (a tester's partner bundle marked
"National CERT reported-on Vesper Moth" TLP:CLEAR, a link the PDF drew as "reported on (AMBER)"
since it rests only on a TLP:AMBER claim); a note of a claim drawn only in a chart is marked with
the sources its figure's source line names (it was marked without them, below its figure); an
import reads back the relation's own level."""

from __future__ import annotations

import json

import yaml
from conftest import pdf_pages_text, run_cli

from briefgen.interop.stix_markings import TLP2_IDS
from briefgen.interop.stix_vocab import EXTENSION_ID
from briefgen.model.tlp import TLP

KB = """\
entities:
  - {id: crew, name: Vesper Moth, kind: organization}
  - {id: cert, name: National CERT, kind: government}
  - {id: loader, name: HollowLoader, kind: program}
  - {id: kilo, name: Affiliate KILO, kind: organization, tlp: TLP:GREEN}
sources:
  - {id: s-cert, title: Advisory, publisher: National CERT, kind: official-statement, reliability: A}
  - {id: s-ir, title: IR debrief, publisher: Cinder Response, kind: other, reliability: B, tlp: TLP:AMBER}
claims:
  - {id: c-advisory, statement: The CERT reported on HollowLoader., about: [cert, loader], sources: [s-cert],
     credibility: 1}
  - {id: c-cert-crew, statement: The CERT briefed partners on the crew., about: [cert, crew], sources: [s-ir],
     credibility: 2}
  - {id: c-loader, statement: The crew runs HollowLoader., about: [crew, loader], sources: [s-cert],
     credibility: 2}
  - {id: c-kilo, statement: Affiliate KILO works for the crew., about: [kilo, crew], sources: [s-cert],
     credibility: 2}
relations:
  - {subject: cert, predicate: reported-on, object: loader, claims: [c-advisory]}
  - {subject: cert, predicate: reported-on, object: crew, claims: [c-cert-crew]}
  - {subject: crew, predicate: operates, object: loader, claims: [c-loader]}
  - {subject: kilo, predicate: member-of, object: crew, claims: [c-kilo]}
"""

SPEC = """\
briefing: {id: rels, title: Links, date: 2025-04-10, desk: CTI Desk}
knowledge_base: [../kb]
audiences:
  partners: {tlp: TLP:AMBER, cover: false, contents: false}
sections:
  - id: figures
    title: Links
    kind: chart
    charts:
      - {id: fig-network, kind: network, title: Who is linked, height: 3.2}
  - {id: endnotes, title: Endnotes, kind: endnotes}
"""


def test_relationships_are_marked_as_the_network_draws_them(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("BRIEFGEN_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "p"
    (root / "kb").mkdir(parents=True)
    (root / "specs").mkdir()
    (root / "briefgen.toml").write_text("[project]\n", encoding="utf-8")
    (root / "kb" / "kb.yaml").write_text(KB, encoding="utf-8")
    spec = root / "specs" / "rels.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    out = root / "out"
    assert run_cli("build", spec, "-a", "partners", "-o", out, "--no-edition").exit_code == 0
    text = " ".join(" ".join(pdf_pages_text((out / "rels--partners.pdf").read_bytes())).split())
    assert "reported on (AMBER)" in text and "member of (GREEN)" in text
    bundle_path = tmp_path / "partners.stix.json"
    done = run_cli("export", "stix", spec, "-a", "partners", "-o", bundle_path)
    assert done.exit_code == 0, done.output
    objects = json.loads(bundle_path.read_text(encoding="utf-8"))["objects"]
    names = {o["id"]: o["name"] for o in objects if "name" in o}
    by_link = {(names[o["source_ref"]], o["relationship_type"], names[o["target_ref"]]): o
               for o in objects if o["type"] == "relationship"}
    marked = {link: o["object_marking_refs"] for link, o in by_link.items()}
    assert marked == {("National CERT", "reported-on", "HollowLoader"): [TLP2_IDS[TLP.CLEAR]],
                      ("National CERT", "reported-on", "Vesper Moth"): [TLP2_IDS[TLP.AMBER]],  # its claim's source
                      ("Vesper Moth", "operates", "HollowLoader"): [TLP2_IDS[TLP.CLEAR]],
                      ("Affiliate KILO", "member-of", "Vesper Moth"): [TLP2_IDS[TLP.GREEN]]}  # an end entity
    assert {link: o["extensions"][EXTENSION_ID]["tlp"] for link, o in by_link.items()} == {
        link: "TLP:CLEAR" for link in by_link}  # each one's own level
    # a claim drawn only in the network (no endnote cites it) is marked with the source its figure's
    # source line names, as the figure is, and carries it as an external reference
    notes = {o["extensions"][EXTENSION_ID]["claim"]: o for o in objects if o["type"] == "note"}
    assert notes["c-cert-crew"]["object_marking_refs"] == [TLP2_IDS[TLP.AMBER]]
    assert [r["source_name"] for r in notes["c-cert-crew"]["external_references"]] == ["Cinder Response"]
    assert "Sources: National CERT" in text and "Cinder Response" in text
    imported = tmp_path / "imported"
    assert run_cli("import", "stix", bundle_path, "-o", imported).exit_code == 0
    relations = yaml.safe_load((imported / "relations.yaml").read_text(encoding="utf-8"))["relations"]
    assert {r["tlp"] for r in relations} == {"TLP:CLEAR"}
    assert len(relations) == 4
