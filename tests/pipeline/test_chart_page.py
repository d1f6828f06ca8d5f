"""A chart shares its page with its heading and caption exactly when validate accepts it:
PDFs built just under and just over the height validate allows (letter and A4, a chart that
is its section's first block and one after the section's text), with validate's check
switched off for the build, read back page by page."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import TESTS, pdf_pages_text

import briefgen.resolve.sections as resolve_sections
from briefgen.errors import SpecError
from briefgen.pipeline.build import BuildOptions, build_prepared, prepare
from briefgen.pipeline.chart_checks import resolved_audiences

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


def _write(project: Path, paper: str, width: float, height: float, first: bool) -> Path:
    spec = project / "spec.yaml"
    template = "" if first else "    template: The two sums side by side.\n"
    spec.write_text(SPEC.format(paper=paper, width=width, height=height, template=template), encoding="utf-8")
    return spec


def _validate(spec: Path) -> str | None:
    """validate's chart-too-tall message, or None when it accepts the spec."""
    try:
        resolved_audiences(prepare(spec))
    except SpecError as exc:
        (problem,) = exc.problems
        assert problem.code == "chart-too-tall" and problem.key == "sections[1].charts[0].height", problem
        return problem.message
    return None


def _together(spec: Path, out: Path, first: bool) -> bool:
    """True when the built PDF prints the chart, its caption and source line (and its heading,
    when the chart comes first) on one page."""
    result = build_prepared(prepare(spec), "reader", BuildOptions(out_dir=out, write=False, formats=("pdf",)))
    pages = pdf_pages_text(result.pdf)
    (page,) = [text for text in pages if CHART in text]
    return all(marker in page for marker in ((HEADING,) if first else ()) + (CAPTION, SOURCE))


@pytest.mark.slow
@pytest.mark.parametrize("paper, width, first", [("letter", 6.5, True), ("A4", 6.5, True), ("A4", 5.0, False)])
def test_the_chart_its_heading_and_caption_share_a_page_exactly_when_validate_accepts(
        tmp_path, monkeypatch, paper, width, first) -> None:
    project = tmp_path / "case"
    shutil.copytree(CASE, project)
    monkeypatch.chdir(project)
    spec = _write(project, paper, width, 9.9, first)
    message = _validate(spec)
    assert message is not None and message.startswith(f"{paper} paper leaves ")
    most = float(re.search(r"at most ([\d.]+)$", message).group(1))
    assert 7.5 < most < 9.9
    if not first:
        assert "with its caption and source line" in message
    checked = []
    for height in (most, round(most + 0.01, 2)):
        _write(project, paper, width, height, first)
        accepted = _validate(spec) is None
        with monkeypatch.context() as unchecked:  # the build without the check
            unchecked.setattr(resolve_sections, "page_problem", lambda *_args: None)
            together = _together(spec, tmp_path / "out", first)
        checked.append((height, accepted, together))
    assert [(accepted, together) for _, accepted, together in checked] == [(True, True), (False, False)], checked


def test_an_audience_without_a_pdf_is_not_held_to_a_page(tmp_path):
    """An audience whose formats leave out the PDF (its HTML edition has no pages) may show a chart
    taller than a page; the same audience with a PDF may not."""
    project = tmp_path / "p"
    shutil.copytree(CASE, project)
    spec = _write(project, "letter", 6.5, 9, first=True)
    assert _validate(spec) is not None
    spec.write_text(spec.read_text(encoding="utf-8").replace("contents: false}", "contents: false, formats: [html]}"),
                    encoding="utf-8")
    assert _validate(spec) is None
