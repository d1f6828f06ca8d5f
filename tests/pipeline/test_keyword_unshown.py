"""A briefing keyword naming an entity an audience may see by its marking but that its edition
never shows (every claim about it above the ceiling) is left out of that edition's metadata, and
``validate`` and ``build`` warn of every keyword left out for what it names (tester: "Operation
Nightfall", a TLP:AMBER entity whose only claim is TLP:AMBER+STRICT, stayed in the TLP:AMBER
partners' PDF Info, XMP, HTML meta keywords and STIX labels, and no command said a word about
a keyword naming a withheld entity)."""

from __future__ import annotations

import io
import json
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import run_cli

ENTITY = """
  - id: op-nightfall
    name: Operation Nightfall
    kind: organization
    aliases: [Nightfall Cell]
    description: A covert network the desk tracks.
    tlp: TLP:AMBER
"""

CLAIM = """\
  - id: c-dusk-cell
    statement: Operation Nightfall moves cash through two port agents.
    about: [op-nightfall]
    sources: [src-article]
    credibility: 3
    tlp: TLP:AMBER+STRICT
"""

AUDIENCES = """
  partners:
    description: Partner analysts.
    tlp: TLP:AMBER

  internal:
    description: The desk itself.
    tlp: TLP:AMBER+STRICT
"""

KEYWORDS = "Peru, Operation Nightfall, Nightfall Cell, Nightfall, China"
"""The entity's name and alias (each judged by the entity they are the name of) and a word
its names contain (naming it by containment)."""


def _project(example_project: Path) -> Path:
    kb = example_project / "assets" / "kb"
    entities = kb / "entities.yaml"
    entities.write_text(entities.read_text() + ENTITY)
    claims = kb / "claims.yaml"
    claims.write_text(claims.read_text().replace("claims:\n", "claims:\n" + CLAIM, 1))
    audiences = example_project / "specs" / "audiences.yaml"
    audiences.write_text(audiences.read_text() + AUDIENCES)
    spec = example_project / "specs" / "peru-china.yaml"
    text = spec.read_text()
    at = text.index("  keywords: [")
    spec.write_text(text[:at] + f"  keywords: [{KEYWORDS}]" + text[text.index("\n", at):])
    return spec


def _warnings(problems) -> list[tuple[tuple[str, ...], str, str]]:
    return [(p.audiences, p.key, p.message.split(": ", 1)[1]) for p in problems if p.code == "keyword-withheld"]


UNSHOWN = "it names an entity its edition does not show (entity 'op-nightfall', TLP:AMBER)"
WITHHELD = "it names an entity withheld from it (entity 'op-nightfall', TLP:AMBER)"


def test_a_keyword_naming_an_entity_the_edition_does_not_show_is_left_out(example_project) -> None:
    from briefgen.pipeline.build import document_of, prepare

    prepared = prepare(_project(example_project))
    partners = document_of(prepared, "partners")
    assert "op-nightfall" not in partners.shown.entities and "c-dusk-cell" not in partners.shown.claims
    assert partners.keywords == ("Peru", "China")
    reasons = {ident: reason for kind, ident, reason, _ in partners.withheld if kind == "keyword"}
    assert reasons == {f"keywords[{i}]": "it names entity 'op-nightfall', which the edition does not show"
                       for i in (1, 2, 3)}
    internal = document_of(prepared, "internal")  # AMBER+STRICT: its claims table shows the claim about it
    assert "c-dusk-cell" in internal.shown.claims
    assert internal.keywords == ("Peru", "Operation Nightfall", "Nightfall Cell", "Nightfall", "China")


def test_validate_warns_of_each_keyword_left_out_naming_the_entity(example_project) -> None:
    from briefgen.pipeline.build import prepare
    from briefgen.pipeline.variant_checks import check_templates

    prepared = prepare(_project(example_project))
    static = _warnings(prepared.warnings)  # public: the name rule (the entity is above its ceiling)
    assert static == [(("public",), f"briefing.keywords[{i}]", WITHHELD) for i in (1, 2, 3)]
    per_edition = _warnings(check_templates(prepared))
    assert per_edition == [((audience,), f"briefing.keywords[{i}]", UNSHOWN)
                           for audience in ("analyst", "executive", "partners") for i in (1, 2, 3)]


def test_validate_text_and_json(example_project, monkeypatch) -> None:
    spec = _project(example_project)
    monkeypatch.chdir(example_project)
    text = run_cli("validate", spec)
    assert text.exit_code == 0, text.output
    flat = " ".join(text.output.split())
    assert ("keyword 'Operation Nightfall' is left out of the metadata of audience 'partners': " + UNSHOWN) in flat
    assert ("keyword 'Nightfall Cell' is left out of the metadata of audience 'public': " + WITHHELD) in flat
    result = run_cli("validate", spec, "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    found = [(w["audiences"], w["key"], w["line"], w["severity"]) for w in doc["warnings"]
             if w["code"] == "keyword-withheld" and w["message"].startswith("keyword 'Nightfall' ")]
    assert found == [([audience], "briefing.keywords[3]", 13, "warning")
                     for audience in ("public", "analyst", "executive", "partners")]
    strict = run_cli("validate", spec, "--strict", "--json")
    assert strict.exit_code == 2
    assert any(e["code"] == "keyword-withheld" for e in json.loads(strict.stdout)["errors"])


class _Meta(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.keywords: str | None = None

    def handle_starttag(self, tag, attrs) -> None:
        values = dict(attrs)
        if tag == "meta" and values.get("name") == "keywords":
            self.keywords = values.get("content")


def _pdfinfo_keywords(path: Path) -> str:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return next(line.split(":", 1)[1].strip() for line in out.splitlines() if line.startswith("Keywords:"))


@pytest.mark.slow
def test_the_partners_pdf_html_and_stix_leave_the_keyword_out(example_project, tmp_path) -> None:
    import pikepdf

    from briefgen.pipeline.build import BuildOptions, build_prepared, prepare

    prepared = prepare(_project(example_project))
    options = BuildOptions(out_dir=tmp_path / "out", cache_dir=tmp_path / "cache", formats=("pdf", "html"))
    for audience, expected in (("partners", "Peru, China"),
                               ("internal", "Peru, Operation Nightfall, Nightfall Cell, Nightfall, China")):
        result = build_prepared(prepared, audience, options)
        path = tmp_path / f"{audience}.pdf"
        path.write_bytes(result.pdf)
        assert _pdfinfo_keywords(path) == expected
        with pikepdf.open(io.BytesIO(result.pdf)) as pdf, pdf.open_metadata() as xmp:
            assert str(pdf.docinfo["/Keywords"]) == expected
            assert xmp.get("pdf:Keywords") == expected
        meta = _Meta()
        meta.feed(result.html.decode())
        assert meta.keywords == expected
        assert [w.audiences for w in result.edition_warnings] == ([("partners",)] * 3 if audience == "partners"
                                                                 else [])
        # the partners' manifest tells nothing of a keyword left out, nor of the entity (the audit record does)
        manifest = json.dumps(result.manifest)
        assert audience == "internal" or ("Nightfall" not in manifest and "op-nightfall" not in manifest)
    assert any("keyword 'Nightfall' is left out of the metadata of audience 'partners'" in w
               for w in build_prepared(prepared, "partners", options).audit["warnings"])


def test_build_and_stix_export_say_so(example_project, monkeypatch, tmp_path) -> None:
    spec = _project(example_project)
    monkeypatch.chdir(example_project)
    monkeypatch.setenv("BRIEFGEN_CACHE_DIR", str(tmp_path / "cache"))
    result = run_cli("build", spec, "-a", "partners", "--format", "html", "--no-edition", "-o", tmp_path / "out",
                     "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    left = [w["message"] for w in doc["warnings"] if w["code"] == "keyword-withheld" and w["audiences"] == ["partners"]]
    assert left == [f"keyword {k!r} is left out of the metadata of audience 'partners': {UNSHOWN}"
                    for k in ("Operation Nightfall", "Nightfall Cell", "Nightfall")]
    stix = tmp_path / "partners.stix.json"
    assert run_cli("export", "stix", spec, "-a", "partners", "-o", stix).exit_code == 0
    report = next(o for o in json.loads(stix.read_text(encoding="utf-8"))["objects"] if o["type"] == "report")
    assert report["labels"] == ["Peru", "China"]
