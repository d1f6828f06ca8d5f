"""``briefgen import stix`` on hostile or damaged bundles: deep nesting, huge numbers and
malformed ``extensions`` (briefgen's own included) are located errors (exit 2), never a traceback."""

from __future__ import annotations

import json

import pytest
from conftest import TESTS
from typer.testing import CliRunner

from briefgen.errors import SpecError
from briefgen.interop.stix_import import import_bundle
from briefgen.interop.stix_vocab import EXTENSION_ID

DATA = TESTS / "data" / "stix"
NOTE = "note--3b8e050d-b75d-42ab-b1a8-aae663560ef0"


def cli(*args):
    from briefgen.cli.app import app

    return CliRunner().invoke(app, [str(a) for a in args])


def with_note_extensions(tmp_path, extensions) -> tuple:
    bundle = json.loads((DATA / "opencti-report.json").read_text(encoding="utf-8"))
    (note,) = [o for o in bundle["objects"] if o["id"] == NOTE]
    note["extensions"] = extensions
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(bundle, indent=1), encoding="utf-8")
    line = next(i for i, text in enumerate(path.read_text().splitlines(), 1) if f'"id": "{NOTE}"' in text)
    return path, line


def problems_of(path) -> list[tuple]:
    with pytest.raises(SpecError) as info:
        import_bundle(path)
    return [(p.line, p.key, p.message, p.expected, p.got, p.code) for p in info.value.problems]


def test_an_extension_that_is_not_an_object_is_refused_not_a_crash_of_stix2(tmp_path):
    path, line = with_note_extensions(tmp_path, {EXTENSION_ID: "garbage"})
    assert problems_of(path) == [(line, NOTE, f"extensions.{EXTENSION_ID}: not of the shape STIX 2.1 gives it",
                                  "an object (STIX 2.1 §7.3)", "text ('garbage')", "invalid-stix")]
    path, _ = with_note_extensions(tmp_path, ["x"])
    assert problems_of(path)[0][2:5] == ("extensions: not of the shape STIX 2.1 gives it",
                                         "an object of extension objects (STIX 2.1 §7.3)", "a list")


def test_briefgen_extension_fields_of_the_wrong_type_are_named(tmp_path):
    ext = {"extension_type": "property-extension", "claim": [[[]]], "tlp": "TLP:GREEN", "credibility": [[]],
           "figures": [{"label": "x", "value": 1}], "aliases": "not-a-list"}
    path, line = with_note_extensions(tmp_path, {EXTENSION_ID: ext})
    why = "not of the type briefgen export stix writes in its extension"
    assert problems_of(path) == [
        (line, NOTE, f"extensions.{EXTENSION_ID}.claim: {why}", "text (a claim id)", "a list", "invalid-stix"),
        (line, NOTE, f"extensions.{EXTENSION_ID}.aliases: {why}", "a list of texts", "text ('not-a-list')",
         "invalid-stix"),
        (line, NOTE, f"extensions.{EXTENSION_ID}.credibility: {why}", "a number (1-6)", "a list", "invalid-stix")]


def test_a_well_formed_extension_is_imported(tmp_path):
    ext = {"extension_type": "property-extension", "claim": "c-ostra", "tlp": "TLP:GREEN", "credibility": 2}
    path, _ = with_note_extensions(tmp_path, {EXTENSION_ID: ext})
    claims = import_bundle(path).claims
    assert [(c["id"], c["tlp"], c["credibility"]) for c in claims if c["id"] == "c-ostra"] == [
        ("c-ostra", "TLP:GREEN", 2)]


@pytest.mark.parametrize(("text", "line", "code", "message"), [
    ("[" * 2000 + "]" * 2000, 1, "too-deep",
     "not a STIX bundle: its JSON is nested 2000 levels deep; briefgen reads at most 64"),
    ('{"type": "bundle", "objects": [],\n"x": ' + "9" * 5000 + "}", 2, "number-too-long",
     "not a STIX bundle: a number has 5000 digits; briefgen reads numbers of at most 4300"),
])
def test_import_of_hostile_json_exits_2_with_a_json_error_document(tmp_path, text, line, code, message):
    path = tmp_path / "hostile.json"
    path.write_text(text)
    result = cli("import", "stix", path, "-o", tmp_path / "kb", "--json")
    assert result.exit_code == 2 and not (tmp_path / "kb").exists()
    (error,) = json.loads(result.stdout)["errors"]
    assert (error["file"].endswith("hostile.json"), error["line"], error["code"], error["message"]) == (
        True, line, code, message)
