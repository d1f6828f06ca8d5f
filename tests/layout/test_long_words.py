"""Words wider than a line: a URL breaks after ``/ ? & = -`` (else ``.`` and the like) on every line
it takes, also when it starts a line; a long hyphenated word after its hyphens; mid-segment only
where one segment alone is wider than the line. Read back from ReportLab's lines and from the PDF."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from conftest import TESTS

from briefgen.layout.linebreak import URI_WASTE_REDUCE, install, plan_split

URL = ("https://www.cisa.gov/news-events/cybersecurity-advisories/aa25-012a/indicators-of-compromise-full-list-with"
       "-very-long-path-segments-that-should-wrap-properly?format=stix&version=2.1")
WORD = "ember-spider-loader-variant-with-an-unusually-long-hyphenated-name-seen-in-the-wild-2025"


def test_plan_prefers_break_points_and_moves_a_url_that_cannot_start_here() -> None:
    word = "https://a.org/abc-def/ghij"
    widths = [1.0] * len(word)
    assert plan_split(list(word), widths, 3, 10) == [0, 8, 18]  # nothing fits 3: the next line, then / and -
    assert plan_split(list(word), widths, 9, 10) == [8, 18]  # "https://" fits the rest of this line
    long_segment = "https://" + "x" * 25
    assert plan_split(list(long_segment), [1.0] * 33, 3, 10) == [0, 8, 18, 28]  # a segment wider than a line
    assert plan_split(list("a-b-cdef-gh"), [1.0] * 11, 0, 5) == [0, 4, 9]  # a hyphenated word: after "-"
    assert plan_split(list("plainwordwithoutbreaks"), [1.0] * 22, 3, 10) is None  # ReportLab splits it


def _lines(markup: str, width: float) -> list[str]:
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph

    install()
    style = ParagraphStyle("long-word-test", fontName="Helvetica", fontSize=10, leading=12,
                           uriWasteReduce=URI_WASTE_REDUCE)
    para = Paragraph(markup, style)
    para.wrap(width, 10_000)
    lines = para.blPara.lines
    if para.blPara.kind == 0:  # one style: (width, words) pairs
        return [" ".join(words) for _w, words in lines]
    return ["".join(f.text for f in line.words).strip() for line in lines]


ESCAPED = URL.replace("&", "&amp;")


@pytest.mark.parametrize("markup", [f"{'m' * 20} {ESCAPED} end", f"<b>{'m' * 20}</b> {ESCAPED} end"])
def test_a_url_that_starts_a_line_breaks_at_separators_in_one_and_many_styles(markup: str) -> None:
    lines = _lines(markup, 180)
    assert lines[0] == "m" * 20  # no part of the URL fits after it
    pieces = [line.removesuffix(" end") for line in lines[1:] if line != "end"]
    assert "".join(pieces) == URL
    assert all(piece[-1] in "/?&=-" for piece in pieces[:-1]), pieces


@pytest.fixture(scope="module")
def pdf_lines(tmp_path_factory) -> list[str]:
    from briefgen.pipeline.build import BuildOptions, build

    root = tmp_path_factory.mktemp("long-words")
    shutil.copytree(TESTS / "data" / "bidi", root / "project")
    result = build(root / "project" / "spec.yaml", "analyst",
                   BuildOptions(out_dir=root / "out", cache_dir=root / "cache", formats=("pdf",)))
    # -raw: the lines as drawn, a line-final hyphen kept (plain pdftotext joins such lines)
    command = ["pdftotext", "-raw", str(result.pdf_path), "-"]
    text = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return [line.strip() for line in text.splitlines()]


def _pieces(lines: list[str], first: str, whole: str) -> list[str]:
    """The lines ``whole`` is broken into, from the line holding ``first`` (a table cell's lines)."""
    start = next(n for n, line in enumerate(lines) if first in line)
    pieces = [lines[start][lines[start].index(first):]]
    while len("".join(pieces)) < len(whole):
        pieces.append(lines[start + len(pieces)])
    pieces[-1] = pieces[-1][:len(whole) - len("".join(pieces[:-1]))]
    return pieces


@pytest.mark.slow
def test_pdf_table_cell_breaks_a_url_that_starts_a_line_after_separators(pdf_lines: list[str]) -> None:
    """The tester's cell: "... advised to review" fills a line; the URL starts the next (it broke
    mid-word: ``cybersecurity-advis|ories``, ``full-list-wit|h``)."""
    review = next(n for n, line in enumerate(pdf_lines) if line.endswith("defenders are advised to review"))
    assert pdf_lines[review + 1].startswith("https://")
    pieces = _pieces(pdf_lines, "https://www.cisa.gov", URL)
    assert "".join(pieces) == URL and len(pieces) >= 3
    assert all(piece[-1] in "/?&=-" for piece in pieces[:-1]), pieces


@pytest.mark.slow
def test_pdf_table_cell_breaks_a_long_hyphenated_word_after_hyphens(pdf_lines: list[str]) -> None:
    pieces = _pieces(pdf_lines, "ember-", WORD)
    assert "".join(pieces) == WORD and len(pieces) >= 2
    assert all(piece.endswith("-") for piece in pieces[:-1]), pieces
