"""A chart shares its page with its heading and caption exactly when validate accepts it:
PDFs built just under and just over the height validate allows (letter and A4, a chart that
is its section's first block, one after the section's text, and one after a template that
renders to nothing, so that the chart is its section's first block after all), with
validate's checks switched off for the build, read back page by page. Only a build that makes
the PDF is held to its page."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import TESTS, pdf_pages_text, run_cli

import briefgen.pipeline.build as pipeline_build
import briefgen.resolve.sections as resolve_sections
from briefgen.errors import SpecError
from briefgen.pipeline.build import BuildOptions, build_prepared, prepare
from briefgen.pipeline.variant_checks import check_templates
from briefgen.pipeline.watch import Rebuilder

CASE = TESTS / "data" / "bad" / "check-chart-too-tall"
SPEC = """briefing: {{id: mini, title: Mini briefing, date: 2025-05-12, desk: Test Desk}}
knowledge_base: [kb]
audiences:
  reader: {{tlp: TLP:AMBER, paper: {paper}, cover: false, contents: false}}
sections:
  - id: intro
    title: Introduction
    kind: text
    template: A short opening paragraph.
  - id: figures
    title: Figures and sums
    kind: chart
{template}    charts:
      - {{id: fig-money, kind: bar, title: Money, caption: The two sums, unit: EUR millions, select: {{tags: [money]}},
         width: {width}, height: {height}}}
"""
CHART, HEADING, CAPTION, SOURCE = "Funding gap", "Figures and sums", "Figure 1. Money", "Source: Port Authority"
LEADS = {"heading": "",  # the chart is its section's first block: kept with the heading
         "text": "    template: The two sums side by side.\n",  # after the section's text: the heading is not kept
         "empty": "    template: \"{% if false %}The two sums side by side.{% endif %}\"\n"}  # renders to nothing
"""What comes between the section's heading and its chart, by name."""
AT_MOST = re.compile(r"at most ([\d.]+)$")


def _write(project: Path, paper: str, width: float, height: float, lead: str) -> Path:
    spec = project / "spec.yaml"
    spec.write_text(SPEC.format(paper=paper, width=width, height=height, template=LEADS[lead]), encoding="utf-8")
    return spec


def _validate(spec: Path) -> str | None:
    """validate's chart-too-tall message, or None when it accepts the spec."""
    try:
        check_templates(prepare(spec))
    except SpecError as exc:
        (problem,) = exc.problems
        assert problem.code == "chart-too-tall" and problem.key == "sections[1].charts[0].height", problem
        return problem.message
    return None


def _together(spec: Path, out: Path, lead: str) -> bool:
    """True when the built PDF prints the chart, its caption and source line (and its heading,
    when the chart comes first) on one page."""
    result = build_prepared(prepare(spec), "reader", BuildOptions(out_dir=out, write=False, formats=("pdf",)))
    pages = pdf_pages_text(result.pdf)
    (page,) = [text for text in pages if CHART in text]
    return all(marker in page for marker in ((HEADING,) if lead != "text" else ()) + (CAPTION, SOURCE))


@pytest.mark.slow
@pytest.mark.parametrize("paper, width, lead", [("letter", 6.5, "heading"), ("A4", 6.5, "heading"),
                                                ("A4", 5.0, "text"), ("letter", 6.5, "empty")])
def test_the_chart_its_heading_and_caption_share_a_page_exactly_when_validate_accepts(
        tmp_path, monkeypatch, paper, width, lead) -> None:
    project = tmp_path / "case"
    shutil.copytree(CASE, project)
    monkeypatch.chdir(project)
    spec = _write(project, paper, width, 9.9, lead)
    message = _validate(spec)
    assert message is not None and message.startswith(f"{paper} paper leaves ")
    most = float(AT_MOST.search(message).group(1))
    assert 7.5 < most < 9.9
    kept = "with its caption and source line" if lead == "text" else "with its section heading, caption and source"
    assert kept in message
    checked = []
    for height in (most, round(most + 0.01, 2)):
        _write(project, paper, width, height, lead)
        accepted = _validate(spec) is None
        with monkeypatch.context() as unchecked:  # the build without the checks
            unchecked.setattr(resolve_sections, "page_problem", lambda *_args: None)
            unchecked.setattr(pipeline_build, "heading_sizes", lambda _prepared, _briefing, sizes, *_args: sizes)
            together = _together(spec, tmp_path / "out", lead)
        checked.append((height, accepted, together))
    assert [(accepted, together) for _, accepted, together in checked] == [(True, True), (False, False)], checked


def test_a_template_that_renders_to_nothing_keeps_the_heading_with_the_chart(tmp_path, monkeypatch) -> None:
    """Its chart is its section's first block: validate counts the heading as for a section
    without text, and the build refuses the chart with validate's error."""
    project = tmp_path / "case"
    shutil.copytree(CASE, project)
    monkeypatch.chdir(project)
    spec = _write(project, "letter", 6.5, 9.9, "heading")
    without_text = _validate(spec)
    _write(project, "letter", 6.5, 9.9, "empty")
    assert _validate(spec) == without_text == (
        "letter paper leaves 8.43 in for chart 'fig-money' with its section heading, caption and source line (its "
        "text frame, between the theme's margins that hold the TLP banners, is 9.19 in high, and they take 0.76 in); "
        "height 9.9 in does not fit: the chart would be printed on a page of its own, away from them. Set 'height:' "
        "at most 8.43")
    _write(project, "letter", 6.5, 8.6, "text")  # after a text: the heading stays behind, 8.6 in fits
    assert _validate(spec) is None
    _write(project, "letter", 6.5, 8.6, "empty")
    assert _validate(spec) is not None
    with pytest.raises(SpecError) as refused:
        build_prepared(prepare(spec), "reader", BuildOptions(out_dir=tmp_path / "out", write=False))
    assert [p.message for p in refused.value.problems] == [_validate(spec)]
    assert refused.value.problems[0].got == "8.6"


def test_an_audience_without_a_pdf_is_not_held_to_a_page(tmp_path):
    """An audience whose formats leave out the PDF (its HTML edition has no pages) may show a chart
    taller than a page; the same audience with a PDF may not."""
    project = tmp_path / "p"
    shutil.copytree(CASE, project)
    spec = _write(project, "letter", 6.5, 9, "heading")
    assert _validate(spec) is not None
    spec.write_text(spec.read_text(encoding="utf-8").replace("contents: false}", "contents: false, formats: [html]}"),
                    encoding="utf-8")
    assert _validate(spec) is None


def test_a_build_that_makes_no_pdf_is_not_held_to_a_page(tmp_path, monkeypatch):
    """``--format html`` of an audience whose own formats include the PDF: no page, no refusal,
    in ``build``, ``batch`` and ``watch`` alike; any build that makes the PDF refuses the chart
    with validate's error, and validate (no --format) still checks the audience."""
    project = tmp_path / "p"
    shutil.copytree(CASE, project)
    monkeypatch.chdir(project)
    spec = _write(project, "letter", 6.5, 9, "heading")
    message = _validate(spec)
    assert message is not None and message.endswith("at most 8.43")
    html = build_prepared(prepare(spec), "reader", BuildOptions(out_dir=tmp_path / "out", write=False,
                                                                formats=("html",)))
    assert html.formats == ("html",) and html.pdf == b"" and b"Figures and sums" in html.html
    for formats in (("pdf",), ("pdf", "html"), None):
        with pytest.raises(SpecError) as refused:
            build_prepared(prepare(spec), "reader", BuildOptions(out_dir=tmp_path / "out", write=False,
                                                                 formats=formats))
        assert [(p.code, p.message) for p in refused.value.problems] == [("chart-too-tall", message)], formats

    def watched(formats):
        return Rebuilder(spec, audiences=["reader"], all_audiences=False, write=lambda _files: None,
                         options=BuildOptions(out_dir=tmp_path / "watched", write=False, formats=formats)).build()

    built = run_cli("build", spec, "--format", "html", "--no-edition", "--out", tmp_path / "built")
    assert built.exit_code == 0, built.output
    assert sorted(p.name for p in (tmp_path / "built").glob("mini--reader.*")) == ["mini--reader.html",
                                                                                   "mini--reader.json"]
    assert watched(("html",)).ok
    refused_watch = watched(("pdf",)).error
    assert isinstance(refused_watch, SpecError) and [p.message for p in refused_watch.problems] == [message]
    made = run_cli("batch", spec, "--all-audiences", "--format", "html", "--out", tmp_path / "batch")
    assert made.exit_code == 0, made.output
    assert [p.name for p in (tmp_path / "batch").glob("*.html")] == ["mini--reader.html"]
    assert not list((tmp_path / "batch").glob("*.pdf"))
    failed = run_cli("batch", spec, "--all-audiences", "--format", "pdf", "--out", tmp_path / "batch-pdf")
    assert failed.exit_code == 1 and message in failed.output, failed.output


def test_validate_judges_the_pdf_by_the_formats_a_build_makes(tmp_path, monkeypatch):
    """Without --format a build makes what the audience's own formats, else the project's
    ``[project] formats``, ask for: validate holds to a page only the audiences it makes a PDF of."""
    project = tmp_path / "p"
    shutil.copytree(CASE, project)
    monkeypatch.chdir(project)
    spec = _write(project, "letter", 6.5, 9, "heading")
    (project / "briefgen.toml").write_text('[project]\nformats = ["html"]\n', encoding="utf-8")
    assert _validate(spec) is None
    made = run_cli("build", spec, "--no-edition", "--out", tmp_path / "out")  # the project's HTML only
    assert made.exit_code == 0, made.output
    assert sorted(p.suffix for p in (tmp_path / "out").iterdir() if p.is_file()) == [".html", ".json"]
    spec.write_text(spec.read_text(encoding="utf-8").replace("contents: false}", "contents: false, formats: [pdf]}"),
                    encoding="utf-8")  # the audience's own formats win
    assert _validate(spec) is not None
    refused = run_cli("build", spec, "--no-edition", "--out", tmp_path / "out")
    assert refused.exit_code == 2 and "Set 'height:' at most 8.43" in refused.output, refused.output
