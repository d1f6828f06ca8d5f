"""A parent section's heading with no text of its own stays on the page of its first subsection's
heading and first block (briefgen.layout.story, briefgen.layout.keeping).

Each project fills the first pages with a text section, so that the parent's heading comes near the
foot of a page, then a parent section without text whose subsection opens with an image, a chart or a
paragraph. Read back from the PDF's structure tree (the page of each heading and of the figure) and
word positions (``pdftotext -bbox``)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from claims_project import one_audience_spec
from conftest import TESTS
from long_runs_project import _write_png, read_pages
from tagged_reader import content_text, element_text, open_pdf, page_objects, read_tree

from briefgen.layout.keeping import MOVE_LIMIT

FRAME_BOTTOM = 841.89 - 62  # A4, the default theme's bottom margin: points from the page's top
FRAME_HEIGHT = 841.89 - 68 - 62
PARENT_BREAK = 1.2 * 72  # the room a level-1 heading asks for before it (CondPageBreak)

IMAGE = """\
        kind: chart
        images:
          - {id: fig-pixel, path: pixel.png, title: A pixel, caption: The caption., source: "Source: desk.",
             alt: A single grey pixel., width: 3}
"""
CHART = """\
        kind: chart
        charts:
          - {{id: fig-money, kind: bar, title: Money, caption: The two sums, unit: EUR millions,
             select: {{tags: [money]}}, width: 6.5, height: {height}}}
"""
PARAGRAPH = "        template: |\n          " + "Underneath the child heading more words follow. " * 40 + "\n"
"""A paragraph of about a third of a page."""


def text(sentences: int) -> str:
    return "The desk reviewed the port's records again. " * sentences


def project(folder: Path, filler: int, child: str) -> Path:
    """A briefing of a text section of ``filler`` sentences, then a parent section without text whose
    one subsection is ``child`` (the YAML of its kind and content); returns the spec's path."""
    shutil.copytree(TESTS / "data" / "bad" / "check-chart-too-tall" / "kb", folder / "kb")
    _write_png(folder / "pixel.png")
    return one_audience_spec(folder, "chains", "Chains", f"""\
  - id: filler
    title: Filler
    template: |
      {text(filler)}
  - id: parent
    title: Parent heading
    subsections:
      - id: child
        title: Child heading
{child}""")


def build(spec: Path) -> Path:
    from briefgen.pipeline.build import BuildOptions, build

    out = spec.parent
    return build(spec, None, BuildOptions(out_dir=out / "out", cache_dir=out / "cache", formats=("pdf",))).pdf_path


def pages_of(pdf: Path) -> dict[str, set[int]]:
    """The pages of the parent's and the child's heading (by their text) and of the figure (its
    Figure element), from the structure tree."""
    data = pdf.read_bytes()
    tree = read_tree(open_pdf(data))
    texts = content_text(page_objects(data))
    out: dict[str, set[int]] = {}
    for node in tree.walk():
        if node.standard == "Figure":
            out["figure"] = node.pages()
        elif node.standard.startswith("H") and node.standard[1:].isdigit():
            out[element_text(node, texts).strip()] = node.pages()
    return out


def filler_end(pdf: Path) -> tuple[int, float]:
    """The page of the filler's last line and the points left below it in the frame."""
    last = max((w for page in read_pages(pdf) for w in page.words if w.text == "again."),
               key=lambda w: (w.page, w.y1))
    return last.page, FRAME_BOTTOM - last.y1


def word_at(pdf: Path, word: str) -> tuple[int, float]:
    """The page and top (points) of the first ``word``."""
    first = next(w for page in read_pages(pdf) for w in page.words if w.text == word)
    return first.page, first.y0


def test_a_parent_heading_moves_with_its_subsection_heading_and_image(tmp_path: Path) -> None:
    pdf = build(project(tmp_path, 170, IMAGE))
    page, left = filler_end(pdf)
    assert page == 2 and left > PARENT_BREAK + 72  # room for the parent's heading, not for the figure
    landed = pages_of(pdf)
    assert landed["Parent heading"] == landed["Child heading"] == landed["figure"] == {3}


def test_the_space_between_the_two_headings_is_as_with_text_between_sections(tmp_path: Path) -> None:
    """Top of the child's heading 34 pt below the parent's at the top of a page: the parent's 18 pt
    line, its 6 pt space after, the child's 10 pt space before (as when a page break could come
    between them)."""
    pdf = build(project(tmp_path, 170, IMAGE))
    (parent_page, parent_top), (child_page, child_top) = word_at(pdf, "Parent"), word_at(pdf, "Child")
    assert parent_page == child_page == 3
    assert child_top - parent_top == pytest.approx(34, abs=0.5)


@pytest.mark.parametrize("filler", [150, 170])
def test_a_parent_heading_moves_with_its_subsection_heading_and_chart(tmp_path: Path, filler: int) -> None:
    pdf = build(project(tmp_path, filler, CHART.format(height=3)))
    landed = pages_of(pdf)
    assert len(landed["Parent heading"]) == 1
    assert landed["Parent heading"] == landed["Child heading"] == landed["figure"]


def test_a_chart_too_tall_for_two_headings_leaves_the_parent_heading_behind(tmp_path: Path) -> None:
    """9.46 in is the most validate allows this chart with one heading on A4: with the parent's too it
    is taller than a page. The parent's heading stays at the foot of page 1; the child's heading, the
    chart and its caption share page 2 (moved together, the headings would stand alone on page 2)."""
    pdf = build(project(tmp_path, 5, CHART.format(height=9.46)))
    landed = pages_of(pdf)
    assert landed["Parent heading"] == {1}
    assert landed["Child heading"] == landed["figure"] == {2}
    assert word_at(pdf, "Source:")[0] == 2


def test_a_parent_heading_and_subsection_heading_split_a_paragraph_where_much_is_left(tmp_path: Path) -> None:
    pdf = build(project(tmp_path, 185, PARAGRAPH))
    page, left = filler_end(pdf)
    assert page == 2 and left > MOVE_LIMIT * FRAME_HEIGHT
    landed = pages_of(pdf)
    assert landed["Parent heading"] == landed["Child heading"] == {2}
    pages = {w.page for page in read_pages(pdf) for w in page.words if w.text == "Underneath"}
    assert pages == {2, 3}  # the paragraph begins under its heading and ends on the next page


def test_a_parent_heading_and_subsection_heading_move_with_a_paragraph_where_little_is_left(tmp_path: Path) -> None:
    pdf = build(project(tmp_path, 190, PARAGRAPH))
    page, left = filler_end(pdf)
    assert page == 2 and PARENT_BREAK < left < MOVE_LIMIT * FRAME_HEIGHT
    landed = pages_of(pdf)
    assert landed["Parent heading"] == landed["Child heading"] == {3}
    assert word_at(pdf, "Underneath")[0] == 3
