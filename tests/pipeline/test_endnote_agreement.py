"""validate and build agree on citations without endnotes (briefgen.pipeline.endnote_checks).

For each spec below, the ``no-endnotes`` problems ``validate`` reports (every audience,
:func:`briefgen.pipeline.variant_checks.check_templates`) are exactly the problems the build of
each audience stops with: the same audiences, message, file, line, key and code; every other
audience builds. The specs share the knowledge base of ``tests/data/bad/no-endnotes``: ``c-owner``
(TLP:CLEAR, one source) and the key judgment ``c-desk-leverage`` (TLP:AMBER, two sources).
"""

from __future__ import annotations

import shutil

import pytest
from conftest import TESTS, run_cli

from briefgen.document.blocks import Endnotes
from briefgen.errors import Problem, SpecError
from briefgen.pipeline.build import BuildOptions, build_prepared, prepare
from briefgen.pipeline.endnote_checks import keeps_endnotes
from briefgen.pipeline.variant_checks import check_templates
from briefgen.resolve.audiences import audience_names

HEAD = """briefing:
  id: mini
  title: Mini briefing
  date: 2025-05-12
  desk: Test Desk
knowledge_base: [kb]
"""
INTRO = """  - id: intro
    title: Introduction
    template: |
      {{ entity('perurail').name }} carries Las Bambas freight.
"""
CITING_INTRO = """  - id: intro
    title: Introduction
    template: |
      {{ entity('perurail').name }} carries Las Bambas freight.{{ cite('c-owner') }}
"""
JUDGMENTS = """  - id: judgments
    title: Key judgments
    kind: key_judgments
"""
ENDNOTES = """  - id: endnotes
    title: Endnotes
    kind: endnotes
"""

SPECS = {
    # name: (spec text, audiences whose variant is refused)
    "with-endnotes": (HEAD + "audiences:\n  analyst: {tlp: TLP:AMBER}\n  public: {tlp: TLP:CLEAR}\nsections:\n"
                      + CITING_INTRO + JUDGMENTS + ENDNOTES, []),
    "without-endnotes": (HEAD + "audiences:\n  analyst: {tlp: TLP:AMBER}\n  public: {tlp: TLP:CLEAR}\nsections:\n"
                         + CITING_INTRO + JUDGMENTS, ["analyst", "public"]),
    "one-variant": (HEAD + "sections:\n" + CITING_INTRO, ["mini"]),
    "one-variant-citing-nothing": (HEAD + "sections:\n" + INTRO, []),
    "audience-drops-the-citing-sections": (
        HEAD + "audiences:\n  analyst: {tlp: TLP:AMBER}\n  exec: {tlp: TLP:AMBER, drop_sections: [judgments]}\n"
               "  brief: {tlp: TLP:AMBER, sections: [intro]}\nsections:\n" + INTRO + JUDGMENTS, ["analyst"]),
    "ceiling-withholds-the-cited-claims": (
        HEAD + "audiences:\n  analyst: {tlp: TLP:AMBER}\n  public: {tlp: TLP:CLEAR}\nsections:\n" + INTRO + JUDGMENTS,
        ["analyst"]),
    "audience-drops-the-endnotes": (
        HEAD + "audiences:\n  analyst: {tlp: TLP:AMBER}\n  exec: {tlp: TLP:AMBER, drop_sections: [endnotes]}\n"
               "sections:\n" + CITING_INTRO + ENDNOTES, ["exec"]),
    "ceiling-withholds-the-endnotes": (
        HEAD + "audiences:\n  analyst: {tlp: TLP:AMBER}\n  public: {tlp: TLP:CLEAR}\nsections:\n" + CITING_INTRO
        + ENDNOTES.rstrip("\n") + "\n    tlp: TLP:AMBER\n", ["public"]),
    "endnotes-as-a-subsection": (
        HEAD + "audiences:\n  analyst: {tlp: TLP:AMBER}\nsections:\n" + CITING_INTRO
        + "    subsections:\n" + "".join("    " + line + "\n" for line in ENDNOTES.splitlines()), []),
}


@pytest.fixture
def project(tmp_path, monkeypatch):
    root = tmp_path / "project"
    shutil.copytree(TESTS / "data" / "bad" / "no-endnotes" / "kb", root / "kb")
    (root / "briefgen.toml").write_text("")
    monkeypatch.chdir(root)
    monkeypatch.setenv("BRIEFGEN_CACHE_DIR", str(tmp_path / "cache"))
    return root


def validate_verdict() -> list[Problem]:
    """The no-endnotes problems validate reports for ``spec.yaml`` (none when it passes)."""
    prepared = prepare("spec.yaml")
    try:
        check_templates(prepared)
    except SpecError as exc:
        assert {p.code for p in exc.problems} == {"no-endnotes"}, exc
        return exc.problems
    return []


def build_verdict(tmp_path) -> tuple[list[Problem], list[str]]:
    """The problems the build of each audience of ``spec.yaml`` stops with (the HTML edition:
    the PDF stops at the same check, before its layout), and the audiences built."""
    prepared = prepare("spec.yaml")
    refused: list[Problem] = []
    built: list[str] = []
    for name in audience_names(prepared.loaded.spec):
        options = BuildOptions(out_dir=tmp_path / "out", formats=("html",), write=False)
        try:
            document = build_prepared(prepared, name, options).document
        except SpecError as exc:
            refused += exc.problems
            continue
        assert document is not None
        # validate skips the document of an audience that keeps an endnotes section: such a
        # section always makes the endnotes block its citations link to
        kept = keeps_endnotes(s.kind for s in document.all_sections())
        assert kept == any(isinstance(b, Endnotes) for b in document.blocks())
        assert kept or not document.endnote_numbers
        built.append(document.audience)
    return refused, built


@pytest.mark.parametrize("name", sorted(SPECS))
def test_validate_finds_exactly_the_variants_the_build_refuses(project, tmp_path, name) -> None:
    text, expected_refused = SPECS[name]
    (project / "spec.yaml").write_text(text)
    found = validate_verdict()
    refused, built = build_verdict(tmp_path)
    assert found == refused  # same audiences, message, file, line, column, key and code
    named = [p.message.split(" cites ")[0] for p in found]
    assert named == [f"audience {a!r}" if a != "mini" else "this briefing" for a in expected_refused]
    assert all((p.file, p.key, p.code, p.line) == ("spec.yaml", "sections", "no-endnotes", text[:text.index(
        "\nsections:")].count("\n") + 3) for p in found)
    assert len(built) + len(refused) == len(audience_names(prepare("spec.yaml").loaded.spec))


def test_the_cli_validate_and_build_print_the_same_problem(project) -> None:
    text, _ = SPECS["audience-drops-the-endnotes"]
    (project / "spec.yaml").write_text(text)
    validated = run_cli("validate", "spec.yaml")
    built = run_cli("build", "spec.yaml", "-a", "exec", "-o", "out")
    assert validated.exit_code == built.exit_code == 2, validated.output
    problem = "audience 'exec' cites 1 source(s), but has no endnotes section for its citations to point to"
    for result in (validated, built):
        text_out = " ".join(result.output.split())
        assert "spec.yaml:11:3 error sections" in text_out and problem in text_out, result.output
        assert "Traceback" not in result.output
    assert run_cli("build", "spec.yaml", "-a", "analyst", "-o", "out").exit_code == 0


def test_a_template_error_is_reported_first_as_the_build_meets_it_first(project) -> None:
    text, _ = SPECS["without-endnotes"]
    (project / "spec.yaml").write_text(text.replace("freight.{{", "freight {{ nope }}.{{"))
    result = run_cli("validate", "spec.yaml")
    assert result.exit_code == 2 and "nope" in result.output and "no endnotes" not in result.output, result.output
