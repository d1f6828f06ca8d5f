"""A section whose text shows an audience nothing is left out of that audience's document: no
heading, no contents entry, not among the sections shown or in the edition record; recorded in
``withheld`` with the reason. Other audiences keep it (briefgen.document.empty_text)."""

from __future__ import annotations

from pathlib import Path

import pytest
from empty_text_project import GUARDED, empty_text_project

from briefgen.document.changes import mark_changes
from briefgen.document.edition import edition_record
from briefgen.document.empty_text import (
    LEFT_EMPTY_REASON,
    PARENT_LEFT_EMPTY_REASON,
    left_empty,
    shows_nothing,
)
from briefgen.errors import WithheldError
from briefgen.pipeline.build import document_of, prepare
from briefgen.text.templates import render_texts
from briefgen.text.tokens import use_token

EVERY_SECTION = ["summary", "military", "annex", "annex-detail", "endnotes"]


@pytest.fixture(scope="module")
def harbour(tmp_path_factory):
    """The prepared project of tests/empty_text_project.py (its default sections)."""
    return prepare(empty_text_project(tmp_path_factory.mktemp("harbour")))


def built(tmp_path: Path, sections: str, public: str = ""):
    """The project with ``sections``; ``public``: lines replacing the public audience's ``tlp`` line."""
    spec = empty_text_project(tmp_path, sections)
    if public:
        text = spec.read_text(encoding="utf-8")
        spec.write_text(text.replace("  public:\n    tlp: TLP:CLEAR\n", f"  public:\n{public}"), encoding="utf-8")
    return prepare(spec)


def ids(doc) -> list[str]:
    return [s.section for s in doc.all_sections()]


def test_the_public_document_has_no_section_its_text_leaves_empty(harbour):
    doc = document_of(harbour, "public")
    assert ids(doc) == ["summary", "endnotes"]
    assert [e.text for e in doc.contents.entries] == ["Summary of the harbour", "Endnotes"]
    assert doc.shown.sections == ("summary", "endnotes")
    headings = [b.text for b in doc.blocks() if b.role.startswith("H")]
    assert headings == ["Summary of the harbour", "Endnotes"]
    assert doc.marking == "TLP:CLEAR"


def test_the_analyst_document_keeps_every_section(harbour):
    doc = document_of(harbour, "analyst")
    assert ids(doc) == EVERY_SECTION
    assert [e.text for e in doc.contents.entries] == ["Summary of the harbour", "Military berthings",
                                                      "Annex on vessels", "Vessel details", "Endnotes"]
    assert not [w for w in doc.withheld if w[0] == "section"]


def test_what_is_left_out_is_recorded_with_its_reason_and_level(harbour):
    doc = document_of(harbour, "public")
    assert [w for w in doc.withheld if w[0] == "section"] == [
        ("section", "military", LEFT_EMPTY_REASON, "TLP:CLEAR"),
        ("section", "annex", PARENT_LEFT_EMPTY_REASON, "TLP:CLEAR"),
        ("section", "annex-detail", LEFT_EMPTY_REASON, "TLP:CLEAR")]
    assert doc.dropped == ()  # not the page budget's


def test_the_edition_record_has_no_such_section(harbour):
    public = edition_record(document_of(harbour, "public"), harbour.kb)
    analyst = edition_record(document_of(harbour, "analyst"), harbour.kb)
    assert list(public["sections"]) == ["summary", "endnotes"] and public["dropped"] == []
    assert list(analyst["sections"]) == EVERY_SECTION


def test_compared_with_an_edition_that_printed_the_lone_heading_nothing_changed(harbour):
    doc = document_of(harbour, "public")
    record = edition_record(doc, harbour.kb)
    earlier = {**record, "sections": {**record["sections"], "military": {
        "title": "Military berthings", "marking": "TLP:CLEAR", "parent": None, "blocks": {}}}}
    marked, diff = mark_changes(doc, harbour.kb, earlier)
    assert diff.changes == ()
    assert ids(marked) == ["summary", "endnotes"]
    assert not [e for e in marked.contents.entries if e.changed]


def test_a_parent_with_text_of_its_own_stays_without_its_empty_subsection(tmp_path):
    prepared = built(tmp_path, f"""\
  - id: annex
    title: Annex on vessels
    template: "Vessels call at the harbour."
    subsections:
      - id: annex-detail
        title: Vessel details
        template: "{GUARDED}"
      - id: annex-open
        title: Open details
        template: "Cranes are old."
""")
    public, analyst = document_of(prepared, "public"), document_of(prepared, "analyst")
    assert ids(public) == ["annex", "annex-open"] and ids(analyst) == ["annex", "annex-detail", "annex-open"]
    assert [e.text for e in public.contents.entries] == ["Annex on vessels", "Open details"]
    assert [w[1:3] for w in public.withheld if w[0] == "section"] == [("annex-detail", LEFT_EMPTY_REASON)]


def test_a_subsection_inherits_the_level_of_its_parent_in_the_record(tmp_path):
    prepared = built(tmp_path, f"""\
  - id: annex
    title: Annex
    tlp: TLP:GREEN
    subsections:
      - id: annex-detail
        title: Vessel details
        template: "{GUARDED}"
""", public="    tlp: TLP:GREEN\n")
    doc = document_of(prepared, "public")
    assert ids(doc) == []
    assert [w for w in doc.withheld if w[0] == "section"] == [
        ("section", "annex", PARENT_LEFT_EMPTY_REASON, "TLP:GREEN"),
        ("section", "annex-detail", LEFT_EMPTY_REASON, "TLP:GREEN")]


def test_a_section_with_an_image_the_audience_sees_keeps_its_heading(tmp_path):
    prepared = built(tmp_path, f"""\
  - id: military
    title: Military berthings
    template: "{GUARDED}"
    images:
      - {{id: fig-pixel, path: pixel.png, title: A pixel, alt: A grey pixel., source: "Source: desk.", width: 1}}
  - id: endnotes
    title: Endnotes
    kind: endnotes
""")
    doc = document_of(prepared, "public")
    assert ids(doc) == ["military", "endnotes"]
    assert [b.id for b in doc.all_sections()[0].blocks] == ["figure-fig-pixel"]


IMAGE_ABOVE = """\
  - id: summary
    title: Summary
    template: "Open text.{{% if visible('fig-amber') %}} See {{{{ ref('fig-amber') }}}}.{{% endif %}}"
  - id: military
    title: Military berthings
    template: "{guarded}"
    images:
      - {{id: fig-amber, path: pixel.png, title: A pixel, alt: A grey pixel., source: "Source: desk.", width: 1,
         tlp: TLP:AMBER}}
  - id: endnotes
    title: Endnotes
    kind: endnotes
"""


def test_ref_to_the_figure_of_a_section_left_out_behaves_as_for_drop_sections(tmp_path):
    """The image is withheld from the public (its marking), the text shows nothing: the section goes.
    A guarded ref() prints nothing; an unguarded one fails as it does when drop_sections drops it."""
    prepared = built(tmp_path / "guarded", IMAGE_ABOVE.format(guarded=GUARDED))
    public, analyst = document_of(prepared, "public"), document_of(prepared, "analyst")
    assert ids(public) == ["summary", "endnotes"] and ids(analyst) == ["summary", "military", "endnotes"]
    assert "See" not in _text(public.all_sections()[0]) and "See Figure 1." in _text(analyst.all_sections()[0])

    unguarded = IMAGE_ABOVE.format(guarded=GUARDED).replace("{% if visible('fig-amber') %}", "").replace(
        ".{% endif %}", ".")
    left_empty_spec = built(tmp_path / "left", unguarded)
    with pytest.raises(WithheldError) as left:
        document_of(left_empty_spec, "public")
    dropped_spec = built(tmp_path / "dropped", unguarded, public="    tlp: TLP:CLEAR\n    drop_sections: [military]\n")
    with pytest.raises(WithheldError) as dropped:
        document_of(dropped_spec, "public")
    assert (left.value.code, str(left.value).split(": ", 1)[1]) == (
        dropped.value.code, str(dropped.value).split(": ", 1)[1])
    assert "figure 'fig-amber' is not in the version for audience 'public'" in str(left.value)


def test_a_text_that_prints_nothing_while_using_a_claim_is_left_out_for_everyone(tmp_path):
    """Rendered for a build, the text holds only the marks of a use span around white space."""
    prepared = built(tmp_path, """\
  - id: quiet
    title: Quiet
    template: "{{ claim('c-open').statement[:0] }}  "
  - id: summary
    title: Summary
    template: "Open text."
""")
    for audience in ("public", "analyst"):
        doc = document_of(prepared, audience)
        assert ids(doc) == ["summary"]
        assert doc.shown.claims == ()  # what printed nothing is not shown


def test_left_empty_decides_from_the_rendered_texts(harbour):
    from briefgen.resolve.select import resolve

    briefing = resolve(harbour.loaded, harbour.kb, "public")
    found = left_empty(briefing, render_texts(harbour.loaded, harbour.kb, briefing))
    assert [(e.id, [s.id for s in e.walk()]) for e in found] == [
        ("military", ["military"]), ("annex", ["annex", "annex-detail"])]


@pytest.mark.parametrize(("text", "nothing"), [
    (None, True), ("", True), (" \n\t\n", True), (use_token(0, start=True) + "  " + use_token(0, start=False), True),
    ("x", False), (use_token(3, start=True) + "A claim." + use_token(3, start=False), False)])
def test_shows_nothing(text, nothing):
    assert shows_nothing(text) is nothing


def _text(section) -> str:
    from briefgen.document.model import plain_text

    return " ".join(plain_text(b.runs) for b in section.blocks if hasattr(b, "runs"))
