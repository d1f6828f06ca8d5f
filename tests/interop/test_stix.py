"""STIX 2.1 export and import (issue 16): valid bundles (stix2-validator, no errors), TLP 2.0
markings on every object, deterministic ids and bytes, withholding as in the PDF, Appendix A
confidence, the three sets of TLP marking ids read, located errors, and the round trip
export -> import -> build giving the same claims."""

from __future__ import annotations

import hashlib
import json
import uuid

import pytest
import yaml
from conftest import TESTS
from typer.testing import CliRunner

from briefgen.errors import SpecError
from briefgen.interop import stix_markings as markings
from briefgen.interop.stix_export import bundle_bytes, bundle_of
from briefgen.interop.stix_import import import_bundle, yaml_files
from briefgen.interop.stix_vocab import NAMESPACE, stix_id
from briefgen.model.tlp import TLP

DATA = TESTS / "data" / "stix"


def cli(*args):
    from briefgen.cli.app import app

    return CliRunner().invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def bundles(prepared) -> dict:
    """The example's bundles per audience (documents without layout: no page budget drops
    any section of the example's analyst and public variants)."""
    from briefgen.pipeline.build import document_of

    return {name: (document_of(prepared, name), bundle_of(document_of(prepared, name), prepared.kb,
                                                          pdf=(f"peru-china--{name}.pdf", "ab" * 32)))
            for name in ("analyst", "public")}


@pytest.mark.parametrize("audience", ["analyst", "public"])
def test_export_validates_with_no_errors(bundles, audience) -> None:
    from stix2validator import ValidationOptions, validate_string

    _, bundle = bundles[audience]
    result = validate_string(bundle_bytes(bundle).decode(), ValidationOptions(version="2.1"))
    assert result.is_valid and result.errors == []
    # warnings allowed: UUIDv5 ids ({103}), country names ({201}), briefgen's own relationship types ({202})
    assert {str(w).split("{")[1][:3] for w in result.warnings} <= {"103", "201", "202"}


def test_every_object_carries_one_oasis_tlp2_marking(bundles) -> None:
    doc, bundle = bundles["analyst"]
    defined = {o["id"]: o for o in bundle["objects"] if o["type"] == "marking-definition"}
    for ident, md in defined.items():
        level = markings.KNOWN_IDS[ident]
        assert md == markings.marking_definition(level)
        assert md["created"] == "2022-10-01T00:00:00.000Z" and md["name"] == level.value
        assert md["extensions"] == {"extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d":
                                    {"extension_type": "property-extension",
                                     "tlp_2_0": level.value.split(":")[1].lower()}}
    assert set(defined) == {markings.TLP2_IDS[TLP.CLEAR], markings.TLP2_IDS[TLP.GREEN], markings.TLP2_IDS[TLP.AMBER]}
    for obj in bundle["objects"]:
        if obj["type"] != "marking-definition":
            assert len(obj["object_marking_refs"]) == 1 and obj["object_marking_refs"][0] in defined
    report = next(o for o in bundle["objects"] if o["type"] == "report")
    assert report["object_marking_refs"] == [markings.TLP2_IDS[TLP.parse(doc.marking)]]
    assert report["external_references"][0]["hashes"] == {"SHA-256": "ab" * 32}


def _by_claim(bundle: dict) -> dict:
    from briefgen.interop.stix_vocab import EXTENSION_ID

    return {o["extensions"][EXTENSION_ID]["claim"]: o for o in bundle["objects"] if o["type"] == "note"}


def test_notes_carry_claims_marked_and_rated_as_in_the_pdf(bundles, prepared) -> None:
    doc, bundle = bundles["analyst"]
    notes = _by_claim(bundle)
    assert list(notes) == [c for c in prepared.kb.claims if c in doc.shown.claims]
    amber = markings.TLP2_IDS[TLP.AMBER]
    assert notes["c-desk-leverage"]["object_marking_refs"] == [amber]  # a TLP:AMBER claim
    revenue = notes["c-perurail-revenue"]
    assert revenue["content"] == prepared.kb.claims["c-perurail-revenue"].statement
    assert revenue["confidence"] == 50  # Admiralty credibility 3 "possibly true" (Appendix A.3)
    assert [r["external_id"] for r in revenue["external_references"]] == ["src-fdd-report", "src-article"]
    claims = prepared.kb.claims
    for cid, note in notes.items():
        c = claims[cid]
        expected = ({"low": 15, "moderate": 50, "high": 85}[c.confidence.value] if c.confidence
                    else {1: 90, 2: 70, 3: 50, 4: 30, 5: 10}.get(c.credibility))
        assert note.get("confidence") == expected, cid
    ext = next(iter(notes["c-2026-run"]["extensions"].values()))
    assert (ext["likelihood"], ext["likelihood_value"], ext["probability"]) == ("likely", 70, 65.0)


def test_ids_and_bytes_are_deterministic(bundles, prepared) -> None:
    from briefgen.pipeline.build import document_of

    doc, bundle = bundles["public"]
    again = bundle_of(document_of(prepared, "public"), prepared.kb, pdf=("peru-china--public.pdf", "ab" * 32))
    assert bundle_bytes(again) == bundle_bytes(bundle)
    note = stix_id("note", "c-perurail-revenue")
    assert note == f"note--{uuid.uuid5(NAMESPACE, 'note:c-perurail-revenue')}"
    assert note in {o["id"] for o in bundle["objects"]}
    assert {o["created"] for o in bundle["objects"] if o["type"] in ("note", "report", "relationship")} == {
        "2025-05-12T00:00:00.000Z"}


def test_the_public_bundle_holds_nothing_withheld(bundles, prepared) -> None:
    doc, bundle = bundles["public"]
    text = bundle_bytes(bundle).decode()
    kb = prepared.kb
    assert doc.withheld  # the example withholds claims, a source and relations from the public
    for kind, ident, _, _ in doc.withheld:
        assert ident not in text, (kind, ident)
        if kind == "claim":
            assert kb.claims[ident].statement not in text and stix_id("note", ident) not in text
        elif kind == "source":
            assert kb.sources[ident].title not in text
        elif kind == "relation":
            assert stix_id("relationship", ident) not in text
    for level in (TLP.GREEN, TLP.AMBER, TLP.AMBER_STRICT, TLP.RED):
        assert markings.TLP2_IDS[level] not in text


# --------------------------------------------------------------------------- markings
OPENCTI_CLEAR = {"type": "marking-definition", "spec_version": "2.1",
                 "id": "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9",
                 "created": "2022-09-26T12:00:00.000Z", "name": "TLP:CLEAR", "definition_type": "TLP"}
OPENCTI_STRICT = {**OPENCTI_CLEAR, "id": "marking-definition--826578e1-40ad-459f-bc73-ede076f81f37",
                  "name": "TLP:AMBER+STRICT"}


@pytest.mark.parametrize(("marking", "level"), [
    ({"id": "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9", "definition_type": "tlp",
      "definition": {"tlp": "white"}}, TLP.CLEAR),                                        # STIX 2.1 TLP 1.0
    (OPENCTI_CLEAR, TLP.CLEAR),                                                            # OpenCTI CLEAR-as-WHITE
    (OPENCTI_STRICT, TLP.AMBER_STRICT),                                                    # OpenCTI AMBER+STRICT
    (markings.marking_definition(TLP.RED), TLP.RED),                                       # OASIS TLP 2.0
    ({"id": "marking-definition--00000000-0000-4000-8000-000000000000", "definition_type": "TLP",
      "definition": {"TLP": "TLP:GREEN"}}, TLP.GREEN),                                    # a TLP marking, other id
    ({"id": "marking-definition--00000000-0000-4000-8000-000000000001", "definition_type": "statement",
      "definition": {"statement": "Copyright"}}, None),
])
def test_the_three_sets_of_tlp_marking_ids_are_read(marking, level) -> None:
    assert markings.level_of(marking) == level


def test_a_tlp_marking_of_an_unknown_level_is_refused() -> None:
    with pytest.raises(markings.UnknownMarking, match="'pink'"):
        markings.level_of({"id": "marking-definition--1", "definition_type": "tlp", "definition": {"tlp": "pink"}})


def test_stix2_refuses_opencti_markings_until_they_are_normalised() -> None:
    import stix2

    note = {"type": "note", "spec_version": "2.1", "id": "note--e76d3b67-2a4c-435d-a14d-8a712c6b3ae5",
            "created": "2025-02-03T10:00:00.000Z", "modified": "2025-02-03T10:00:00.000Z", "content": "x",
            "object_refs": ["note--e76d3b67-2a4c-435d-a14d-8a712c6b3ae5"],
            "object_marking_refs": [OPENCTI_CLEAR["id"], OPENCTI_STRICT["id"]]}
    for raw in (OPENCTI_CLEAR, OPENCTI_STRICT):
        with pytest.raises(Exception):  # noqa: B017 - whichever error stix2 raises for them
            stix2.parse(raw, allow_custom=True)
    objects, levels, other = markings.normalise([OPENCTI_CLEAR, OPENCTI_STRICT, note])
    for obj in objects:
        stix2.parse(obj, allow_custom=True)
    assert objects[-1]["object_marking_refs"] == [markings.TLP2_IDS[TLP.CLEAR], markings.TLP2_IDS[TLP.AMBER_STRICT]]
    assert (levels[OPENCTI_CLEAR["id"]], levels[OPENCTI_STRICT["id"]], other) == (TLP.CLEAR, TLP.AMBER_STRICT, [])


# --------------------------------------------------------------------------- import
def test_import_an_opencti_export() -> None:
    kb = import_bundle(DATA / "opencti-report.json")
    entities = {e["id"]: e for e in kb.entities}
    assert {i: (e["kind"], e["tlp"]) for i, e in entities.items()} == {
        "ostra-shipping-lines": ("organization", "TLP:CLEAR"), "lena-varga": ("person", "TLP:GREEN"),
        "port-of-saltmere": ("place", "TLP:CLEAR")}  # the author identity is not an entity
    assert entities["port-of-saltmere"]["country"] == "EE"
    claims = {c["id"]: c for c in kb.claims}
    call = claims["c-ostra-adds-a-weekly-saltmere-call"]
    assert call["about"] == ["ostra-shipping-lines", "port-of-saltmere"] and call["credibility"] == 2  # 75: A.3
    assert call["sources"] == ["src-saltmere-port-activity-january-2025"] and call["tags"] == ["shipping"]
    deal = claims["c-lena-varga-negotiated-the-saltmere-berth"]
    assert deal["tlp"] == "TLP:AMBER+STRICT" and deal["sources"] == ["src-baltic-freight-weekly-ostra-signs"]
    assert {(r["subject"], r["predicate"], r["object"], r["tlp"]) for r in kb.relations} == {
        ("lena-varga", "member-of", "ostra-shipping-lines", "TLP:AMBER+STRICT"),
        ("ostra-shipping-lines", "located-in", "port-of-saltmere", "TLP:CLEAR"),
        ("ostra-shipping-lines", "related-to", "lena-varga", "TLP:CLEAR")}  # declared: not built in
    assert [p["name"] for p in kb.predicates] == ["related-to"]
    office = next(r for r in kb.relations if r["predicate"] == "located-in")
    assert claims[office["claims"][0]]["statement"] == "Ostra Shipping Lines runs a regional office at the Port of " \
                                                       "Saltmere."
    assert not any("related-to" in line for line in kb.not_mapped)
    assert "1 indicator object(s): no knowledge-base equivalent" in kb.not_mapped


def test_import_a_misp_export() -> None:
    kb = import_bundle(DATA / "misp-event.json")
    assert [(e["id"], e["kind"], e.get("aliases"), e["tlp"]) for e in kb.entities] == [
        ("grey-gull", "organization", ["GG-17"], "TLP:AMBER"), ("northern-europe", "place", None, "TLP:CLEAR")]
    (claim,) = kb.claims
    assert claim["about"] == ["grey-gull", "northern-europe"] and claim["tlp"] == "TLP:AMBER"
    (source,) = kb.sources
    assert (source["title"], source["publisher"]) == ("Phishing wave against port community systems",
                                                      "Harbour CSIRT (fictional)")
    assert any("a marking that is not TLP" in line for line in kb.not_mapped)
    assert "1 x-misp-attribute object(s): no knowledge-base equivalent" in kb.not_mapped


def test_an_imported_knowledge_base_validates(tmp_path) -> None:
    from briefgen.pipeline.build import prepare

    for name, data in yaml_files(import_bundle(DATA / "opencti-report.json"), "opencti-report.json").items():
        (tmp_path / "kb").mkdir(exist_ok=True)
        (tmp_path / "kb" / name).write_bytes(data)
    (tmp_path / "briefgen.toml").write_text("")
    (tmp_path / "brief.yaml").write_text(
        "briefing: {id: ostra, title: Ostra, date: 2025-02-10, desk: Desk}\nknowledge_base: [kb]\n"
        "audiences: {analyst: {tlp: TLP:AMBER+STRICT}}\n"
        "sections:\n  - {id: claims, title: Claims, kind: claims_table, select: {}}\n"
        "  - {id: endnotes, title: Endnotes, kind: endnotes}\n")
    prepared = prepare(tmp_path / "brief.yaml")
    assert len(prepared.kb.claims) == 4 and len(prepared.kb.relations) == 3  # related-to, with its own claim
    assert list(prepared.kb.predicates) == ["related-to"]


@pytest.mark.parametrize(("name", "line", "key", "message"), [
    ("not-a-bundle.json", 1, "(document)", "not a STIX bundle"),
    ("broken.json", 6, "(document)", "not a STIX bundle: not valid JSON"),
    ("unknown-marking.json", 8, "identity--1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9", "unknown marking"),
    ("tlp-pink.json", 8, "marking-definition--9e8d7c6b-5a49-4382-9170-6f5e4d3c2b1a", "marking marking-definition--"),
])
def test_bad_bundles_give_located_errors(name, line, key, message) -> None:
    with pytest.raises(SpecError) as info:
        import_bundle(DATA / name)
    (p,) = info.value.problems
    assert (p.file.endswith(name), p.line, p.key) == (True, line, key)
    assert p.message.startswith(message)


def test_import_cli_errors_and_existing_files(tmp_path) -> None:
    result = cli("import", "stix", DATA / "tlp-pink.json", "-o", tmp_path / "kb", "--json")
    assert result.exit_code == 2
    doc = json.loads(result.stdout)
    assert doc["errors"][0]["code"] == "unknown-marking" and doc["errors"][0]["line"] == 8
    assert not (tmp_path / "kb").exists()
    assert cli("import", "stix", DATA / "misp-event.json", "-o", tmp_path / "kb").exit_code == 0
    again = cli("import", "stix", DATA / "misp-event.json", "-o", tmp_path / "kb")
    assert again.exit_code == 2 and "already exist" in again.stderr
    assert cli("import", "stix", DATA / "misp-event.json", "-o", tmp_path / "kb", "--force").exit_code == 0


@pytest.mark.slow
def test_export_import_build_gives_the_same_claims(tmp_path, monkeypatch) -> None:
    """The starter project: export the analyst variant, import it into a new project's
    knowledge base, build: the same claims (the same PDF, byte for byte). The report's
    SHA-256 is that of the PDF ``briefgen build`` writes."""
    monkeypatch.setenv("BRIEFGEN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    for name in ("one", "two"):
        assert cli("init", name).exit_code == 0
    spec = "specs/calder-bay.yaml"
    monkeypatch.chdir(tmp_path / "one")
    assert cli("build", spec, "--all-audiences").exit_code == 0
    result = cli("export", "stix", spec, "-a", "analyst", "-o", tmp_path / "analyst.json", "--json")
    assert result.exit_code == 0, result.output
    pdf = tmp_path / "one" / "output" / "calder-bay--analyst.pdf"
    digest = hashlib.sha256(pdf.read_bytes()).hexdigest()
    assert json.loads(result.stdout)["pdf"] == {"name": pdf.name, "sha256": digest}
    bundle = json.loads((tmp_path / "analyst.json").read_text())
    (report,) = [o for o in bundle["objects"] if o["type"] == "report"]
    assert report["external_references"][0]["hashes"]["SHA-256"] == digest
    assert cli("export", "stix", spec, "-a", "public").exit_code == 0  # default: <output>/<briefing>--<audience>
    public = json.loads((tmp_path / "one" / "output" / "calder-bay--public.stix.json").read_text())
    assert "funding gap" not in json.dumps(public) and "funding gap" in json.dumps(bundle)

    for f in (tmp_path / "two" / "kb").iterdir():
        f.unlink()
    assert cli("import", "stix", tmp_path / "analyst.json", "-o", tmp_path / "two" / "kb").exit_code == 0
    monkeypatch.chdir(tmp_path / "two")
    assert cli("build", spec, "-a", "analyst").exit_code == 0
    original = yaml.safe_load((tmp_path / "one" / "kb" / "claims.yaml").read_text())["claims"]
    imported = yaml.safe_load((tmp_path / "two" / "kb" / "claims.yaml").read_text())["claims"]
    assert [c["id"] for c in imported] == [c["id"] for c in original]
    manifests = [json.loads((tmp_path / p / "output" / "calder-bay--analyst.json").read_text()) for p in ("one", "two")]
    assert manifests[0]["included"] == manifests[1]["included"]
    assert manifests[1]["sha256"] == digest  # the same PDF, byte for byte


def test_import_leaves_out_addresses_that_are_not_http(tmp_path) -> None:
    """A bundle is untrusted: an external reference's ``url`` that is not http(s) is not copied
    into the draft (it would become a link in the briefings) and is listed as not mapped."""
    bundle = json.loads((DATA / "opencti-report.json").read_text(encoding="utf-8"))
    for obj in bundle["objects"]:
        for ref in obj.get("external_references") or []:
            if obj["type"] == "note":
                ref["url"] = "javascript:alert(document.domain)"
            elif obj["type"] == "report":
                ref["url"] = "data:text/html,<script>alert(1)</script>"
    path = tmp_path / "evil.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    kb = import_bundle(path)
    assert [s.get("url") for s in kb.sources] == [None, None]
    assert [line for line in kb.not_mapped if "url" in line] == [
        "report--6ef14d94-a986-4e6d-8975-9e50b7f444c1: url 'data:text/html,<script>alert(1)</script>' of source "
        "'src-saltmere-port-activity-january-2025' not copied: not an http(s) URL: the scheme 'data:' is not allowed "
        "(only http and https)",
        "note--3b8e050d-b75d-42ab-b1a8-aae663560ef0: url 'javascript:alert(document.domain)' of source "
        "'src-baltic-freight-weekly-ostra-signs' not copied: not an http(s) URL: the scheme 'javascript:' is not "
        "allowed (only http and https)"]
    files = yaml_files(kb, path.name)
    assert all(b"javascript:" not in data and b"data:text" not in data for data in files.values())
    result = cli("import", "stix", str(path), "-o", str(tmp_path / "draft"))
    assert result.exit_code == 0
    assert ("not mapped: note--3b8e050d-b75d-42ab-b1a8-aae663560ef0: url 'javascript:alert(document.domain)' of "
            "source 'src-baltic-freight-weekly-ostra-signs' not copied") in " ".join(result.output.split())


def test_import_keeps_http_addresses() -> None:
    kb = import_bundle(DATA / "opencti-report.json")
    assert sorted(s["url"] for s in kb.sources) == ["https://news.example.org/ostra-saltmere",
                                                    "https://research.example.org/saltmere-2025-01"]
    assert not [line for line in kb.not_mapped if "url" in line]
