"""Built and validated: a section whose whole text is inside ``{% if visible('c-amber') %}`` is in
the analyst's PDF and HTML edition (heading, contents entry, bookmark) and nowhere in the
public's; the build notes it once per audience, ``validate`` warns (code ``empty-for-audience``,
still a warning under ``--strict``); the public's manifest does not name it, the desk's audit
record does (briefgen.pipeline.empty_text_checks)."""

from __future__ import annotations

import io
import json

import pytest
from conftest import pdf_pages_text, run_cli, squash
from empty_text_project import empty_text_project

from briefgen.document.empty_text import LEFT_EMPTY_REASON, PARENT_LEFT_EMPTY_REASON
from briefgen.pipeline.build import BuildOptions, build_prepared, prepare
from briefgen.pipeline.empty_text_checks import CODE
from briefgen.pipeline.variant_checks import check_templates

LEFT = ("Military berthings", "Annex on vessels", "Vessel details")
"""The titles of the sections the public's text leaves empty (the parent and its subsection too)."""
NOTES = [f"section 'military' left out of audience 'public': {LEFT_EMPTY_REASON}",
         f"section 'annex' left out of audience 'public': {PARENT_LEFT_EMPTY_REASON}",
         f"section 'annex-detail' left out of audience 'public': {LEFT_EMPTY_REASON}"]


@pytest.fixture(scope="module")
def harbour(tmp_path_factory):
    """(spec path, {audience: BuildResult}) of tests/empty_text_project.py built as PDF and HTML."""
    root = tmp_path_factory.mktemp("harbour")
    spec = empty_text_project(root)
    prepared = prepare(spec)
    options = BuildOptions(out_dir=root / "out", cache_dir=root / "cache", formats=("pdf", "html"), write=False)
    return spec, {name: build_prepared(prepared, name, options) for name in ("analyst", "public")}


def outline(pdf: bytes) -> list[str]:
    import pypdf

    def walk(items) -> list[str]:
        return [t for item in items for t in (walk(item) if isinstance(item, list) else [item.title])]

    return walk(pypdf.PdfReader(io.BytesIO(pdf)).outline)


def test_the_public_pdf_has_neither_heading_nor_contents_entry(harbour):
    _, results = harbour
    text = squash(" ".join(pdf_pages_text(results["public"].pdf)))
    assert [title for title in LEFT if title in text] == []
    assert text.count("Summary of the harbour") == 2  # the contents entry and the heading
    assert outline(results["public"].pdf) == ["Summary of the harbour", "Endnotes"]
    assert "Naval" not in text and "Liaison" not in text


def test_the_analyst_pdf_has_both(harbour):
    _, results = harbour
    text = squash(" ".join(pdf_pages_text(results["analyst"].pdf)))
    assert [text.count(title) for title in LEFT] == [2, 2, 2]  # the contents entry and the heading
    assert outline(results["analyst"].pdf) == ["Summary of the harbour", *LEFT, "Endnotes"]


def test_the_html_editions_agree(harbour):
    _, results = harbour
    public, analyst = results["public"].html.decode(), results["analyst"].html.decode()
    for title, anchor in zip(LEFT, ("section-military", "section-annex", "section-annex-detail"), strict=True):
        assert title not in public and anchor not in public
        assert analyst.count(title) == 2 and f'href="#{anchor}"' in analyst and f'id="{anchor}"' in analyst


def test_the_build_notes_it_once_per_audience(harbour):
    _, results = harbour
    assert results["public"].notes == NOTES
    assert results["analyst"].notes == []


def test_the_release_names_nothing_left_out_and_the_audit_record_does(harbour):
    _, results = harbour
    public = results["public"]
    manifest = json.dumps(public.manifest)
    assert "military" not in manifest and "annex" not in manifest and "Military" not in manifest
    assert public.manifest["included"]["sections"] == ["summary", "endnotes"]
    assert set(public.manifest["section_pages"]) == {"summary", "endnotes"}
    assert [(e["id"], e["reason"]) for e in public.audit["withheld"] if e["kind"] == "section"] == [
        ("military", LEFT_EMPTY_REASON), ("annex", PARENT_LEFT_EMPTY_REASON), ("annex-detail", LEFT_EMPTY_REASON)]
    assert list(public.edition["sections"]) == ["summary", "endnotes"]
    assert list(results["analyst"].edition["sections"]) == ["summary", "military", "annex", "annex-detail",
                                                            "endnotes"]


def test_validate_warns_with_the_same_words(harbour):
    spec, _ = harbour
    warnings = check_templates(prepare(spec))
    assert [(p.code, p.severity, p.key, p.message, p.audiences) for p in warnings] == [
        (CODE, "warning", "sections[1].template", NOTES[0], ("public",)),
        (CODE, "warning", "sections[2]", NOTES[1], ("public",)),
        (CODE, "warning", "sections[2].subsections[0].template", NOTES[2], ("public",))]
    assert warnings[0].expected == ("text audience 'public' may see, or drop_sections: [military] to leave it out "
                                    "by the audience's own choice")
    assert [p.under_strict().severity for p in warnings] == ["warning"] * 3  # the guard's purpose: nothing to mend


def test_validate_on_the_command_line(harbour):
    spec, _ = harbour
    result = run_cli("validate", spec, "--strict", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout.splitlines()[0])
    assert [(w["code"], w["message"], w["audiences"]) for w in report["warnings"]] == [
        (CODE, note, ["public"]) for note in NOTES]


def test_an_audience_that_drops_the_section_itself_is_not_warned(tmp_path):
    spec = empty_text_project(tmp_path)
    text = spec.read_text(encoding="utf-8")
    spec.write_text(text.replace("  public:\n    tlp: TLP:CLEAR\n",
                                 "  public:\n    tlp: TLP:CLEAR\n    drop_sections: [military, annex]\n"),
                    encoding="utf-8")
    assert check_templates(prepare(spec)) == []
