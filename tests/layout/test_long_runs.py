"""Runs without a space wider than their column, and paragraphs longer than what is left of a page.

Every run wider than its line is broken to fit, wherever it is written (a URL whose last or middle
segment alone is wider than the line, a plain word, digits, a fallback font, Arabic and Hebrew, a
table cell, a list item, a key judgment, an endnote, a caption, a heading, a paragraph long enough
to be broken in windows), at several column widths and run lengths; and a heading with a long
paragraph after it is split where the page ends rather than moved to the next page, leaving this
one mostly blank. Read back from ReportLab's lines and from the PDF (``pdftotext -bbox``).
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from long_runs_project import LATIN, long_runs_project, read_pages, run_letters, text_only_project

from briefgen.layout.keeping import MOVE_LIMIT
from briefgen.layout.linebreak import URI_WASTE_REDUCE, install, plan_split

# --------------------------------------------------------------------------- the planner


def _pieces(word: str, cuts: list[int]) -> list[str]:
    edges = [0, *[c for c in cuts if c], len(word)]
    return [word[a:b] for a, b in zip(edges, edges[1:], strict=False)]


def test_a_word_without_break_points_is_cut_where_each_line_is_full_when_it_is_measured() -> None:
    def unit(a: int, b: int) -> float:
        return float(b - a)

    assert plan_split(list("abcdefghij"), [1.0] * 10, 3, 4, unit) == [3, 7]  # the rest of the line, then full
    assert plan_split(list("abcdefghij"), [1.0] * 10, 0.5, 4, unit) == [0, 4, 8]  # nothing fits: the next line
    assert plan_split(list("abcdefghij"), [1.0] * 10, 3, 4) is None  # not measured: ReportLab splits it


def test_a_measured_word_is_cut_at_its_drawn_width_not_its_letters_widths() -> None:
    """Shaped Arabic: joined letters are narrower than the letters' own widths added up (here half):
    a line holds twice the letters the sum of their widths allows."""
    word = "ب" * 40
    def drawn(a: int, b: int) -> float:
        return 0.5 * (b - a)

    cuts = plan_split(list(word), [1.0] * 40, 10, 10, drawn)
    assert cuts == [20]
    url = "https://a.org/" + "ب" * 40
    # "https://" fits the 5 pt left, "a.org/" starts the next line, then 20 letters a line
    assert plan_split(list(url), [1.0] * len(url), 5, 10, drawn) == [8, 14, 34]


def _edges_of(cuts: list[int], length: int) -> list[tuple[int, int, int]]:
    """(line, start, stop) of each piece."""
    edges = [0, *cuts, length]
    return [(line, a, b) for line, (a, b) in enumerate(zip(edges, edges[1:], strict=False))]


@pytest.mark.parametrize("seed", range(30))
def test_every_piece_of_a_long_address_fits_its_line(seed: int) -> None:
    rng = random.Random(seed)
    word = "https://example.org/" + "".join(rng.choice("abcxyz0123/-.?=") for _ in range(rng.randrange(20, 300)))
    widths = [rng.uniform(2, 9) for _ in word]
    room, full = rng.uniform(0, 60), rng.uniform(30, 120)
    cuts = plan_split(list(word), widths, room, full, lambda a, b: sum(widths[a:b]))
    assert cuts is not None and cuts == sorted(cuts)
    assert cuts == plan_split(list(word), widths, room, full)  # measured as the widths add up: the same
    for line, a, b in _edges_of(cuts, len(word)):
        assert sum(widths[a:b]) <= (room if line == 0 else full) + 1e-6, (line, word[a:b])


@pytest.mark.parametrize("seed", range(30))
def test_a_word_without_break_points_fills_every_line(seed: int) -> None:
    rng = random.Random(seed)
    word = "".join(rng.choice("abcxyz") for _ in range(rng.randrange(20, 300)))
    widths = [rng.uniform(2, 9) for _ in word]
    room, full = rng.uniform(0, 60), rng.uniform(30, 120)
    cuts = plan_split(list(word), widths, room, full, lambda a, b: sum(widths[a:b]))
    assert cuts is not None
    for line, a, b in _edges_of(cuts, len(word)):
        avail = room if line == 0 else full
        assert sum(widths[a:b]) <= avail + 1e-6, (line, word[a:b])
        if b < len(word):  # one more letter would not fit (the first line may be left empty)
            assert sum(widths[a:b + 1]) > avail - 1e-6, (line, word[a:b + 1])


# --------------------------------------------------------------------------- ReportLab's lines


def _line_widths(markup: str, width: float) -> tuple[list[float], str]:
    """The drawn width of each line of ``markup`` wrapped at ``width`` and its text without spaces."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph

    install()
    style = ParagraphStyle("long-run-test", fontName="Helvetica", fontSize=10, leading=12,
                           uriWasteReduce=URI_WASTE_REDUCE)
    para = Paragraph(markup, style)
    para.wrap(width, 100_000)
    bl = para.blPara
    if bl.kind == 0:
        return [width - extra for extra, _words in bl.lines], "".join("".join(w) for _e, w in bl.lines)
    return ([line.maxWidth - line.extraSpace for line in bl.lines],
            "".join(getattr(f, "text", "") for line in bl.lines for f in line.words).replace(" ", ""))


MARKUPS = {
    "url, one style": "The report is at {url} for all.",
    "url, a link": 'The report is at <a href="https://example.org/">{url}</a> for all.',
    "url, after bold": "<b>The</b> report is at {url} for all.",
    "url with a long middle segment": "The report is at {url}/tail/end for all.",
}


@pytest.mark.parametrize("width", [90, 180, 455])
@pytest.mark.parametrize("length", [40, 400, 2000])
@pytest.mark.parametrize("kind", list(MARKUPS))
def test_no_line_is_wider_than_the_paragraph(kind: str, length: int, width: float) -> None:
    """The tester's claim: "https://example.org/" and 400 a's, whose last segment ran off the page."""
    url = "https://example.org/" + "a" * length
    widths, text = _line_widths(MARKUPS[kind].format(url=url), width)
    assert max(widths) <= width + 1e-6, widths
    assert url in text  # every letter drawn, in order


# --------------------------------------------------------------------------- keeping a heading with its text


def _pages_of(story: list, frame_height: float = 500) -> dict[str, int]:
    """Lay out ``story`` on pages of one 300 x ``frame_height`` pt frame: the page each paragraph
    named by its first word (and each part of it) lands on."""
    import io

    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

    from briefgen.layout.keeping import KeepWithNext

    landed: dict[str, int] = {}

    def first_word(flowable) -> str | None:
        text = getattr(flowable, "text", None) or " ".join(
            getattr(f, "text", None) or " ".join(getattr(f, "words", [])) for f in getattr(flowable, "frags", []))
        return text.split()[0] if text and text.split() else None

    class Doc(BaseDocTemplate):
        def afterFlowable(self, flowable) -> None:  # noqa: N802
            word = first_word(flowable)
            if word in ("Heading", "Paragraph"):
                landed.setdefault(word, self.page)

    doc = Doc(io.BytesIO(), pagesize=(300, frame_height), leftMargin=0, rightMargin=0, topMargin=0, bottomMargin=0,
              keepTogetherClass=KeepWithNext)
    doc.addPageTemplates([PageTemplate("p", [Frame(0, 0, 300, frame_height, 0, 0, 0, 0, id="f")])])
    doc.build(story)
    return landed


def _story(filler_lines: int, paragraph_lines: int, *, picture: bool = False) -> list:
    """Filler, a heading (kept with the next), a 40 pt picture (when ``picture``), a paragraph of
    ``paragraph_lines`` 12 pt lines (one 200 pt word a line); a 300 pt wide frame."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, Spacer
    from reportlab.platypus.flowables import XBox

    body = ParagraphStyle("body", fontName="Helvetica", fontSize=10, leading=12, allowWidows=0, allowOrphans=0)
    heading = ParagraphStyle("h", parent=body, fontSize=14, leading=18, keepWithNext=1)
    story = [Spacer(300, 12 * filler_lines), Paragraph("Heading", heading)]
    if picture:
        story.append(XBox(300, 40, "picture"))
        story[-1].__dict__["keepWithNext"] = 1
    story.append(Paragraph("Paragraph " + " ".join(["x" * 40] * (paragraph_lines - 1)), body))
    return story


def test_a_heading_and_a_long_paragraph_are_split_where_the_page_ends() -> None:
    # 500 pt frame; 15 lines of filler leave 320 pt: the paragraph (35 lines, 420 pt) does not fit
    landed = _pages_of(_story(15, 35))
    assert landed == {"Heading": 1, "Paragraph": 1}


def test_a_group_taller_than_a_page_is_split_where_the_page_ends_even_with_little_room() -> None:
    landed = _pages_of(_story(int(500 * (1 - MOVE_LIMIT / 2) / 12), 60))
    assert landed == {"Heading": 1, "Paragraph": 1}


def test_a_heading_and_its_paragraph_move_when_little_of_the_page_is_left() -> None:
    landed = _pages_of(_story(int(500 * (1 - MOVE_LIMIT / 2) / 12), 20))  # an eighth of the page left
    assert landed == {"Heading": 2, "Paragraph": 2}


def test_a_group_with_a_picture_that_fits_a_page_moves_whole() -> None:
    landed = _pages_of(_story(15, 23, picture=True))  # 18 + 40 + 276 pt: more than the 320 left
    assert landed == {"Heading": 2, "Paragraph": 2}


# --------------------------------------------------------------------------- read back from the PDF


def _build(spec: Path, out: Path) -> Path:
    from briefgen.pipeline.build import BuildOptions, build

    return build(spec, None, BuildOptions(out_dir=out / "out", cache_dir=out / "cache", formats=("pdf",))).pdf_path


def _outside(pdf: Path, left: float, right: float) -> list[str]:
    """The words of ``pdf`` drawn left of ``left`` or right of ``right`` points from the page's
    right edge (0.5 pt allowed for rounding)."""
    return [f"page {w.page}: {w.text[:30]} at x {w.x0:.1f}-{w.x1:.1f}"
            for page in read_pages(pdf) for w in page.words
            if w.x0 < left - 0.5 or w.x1 > page.width - right + 0.5]


@pytest.mark.slow
@pytest.mark.parametrize(("length", "margin"), [(60, 70), (400, 170), (1500, 130)])
def test_every_long_run_is_broken_inside_its_column(length: int, margin: float, tmp_path: Path) -> None:
    pdf = _build(long_runs_project(tmp_path / "project", length, margin), tmp_path)
    assert _outside(pdf, margin, margin) == []
    pages = read_pages(pdf)
    text = " ".join(w.text for page in pages for w in page.words)
    for place, letter in LATIN.items():
        assert run_letters(text, letter) >= length - 1, place  # no piece drawn off the page (a 1-letter last one)
    arabic = [w for page in pages for w in page.words if "ب" * 5 in w.text]
    full_lines = [w for w in arabic if w.x1 - w.x0 > 0.9 * (pages[0].width - 2 * margin)]
    assert length < 200 or len(full_lines) >= 2, "shaped Arabic fills its lines"
    assert all(abs(w.x1 - (pages[0].width - margin)) < 1 for w in full_lines), "right-aligned at the frame's edge"
    hebrew = [w for page in pages for w in page.words if "ש" * 5 in w.text]
    assert sum(w.text.count("ש") for w in hebrew) >= length


@pytest.mark.slow
def test_no_page_is_left_mostly_blank_before_a_long_paragraph(tmp_path: Path) -> None:
    """Headings land at every height of a page; each keeps the first lines of its paragraph."""
    spec = text_only_project(tmp_path / "project", [30, 90, 150, 60, 200, 20, 120], 400)
    pages = read_pages(_build(spec, tmp_path))
    frame_top, frame_bottom = 68, pages[0].height - 62
    leading = 13.3
    for n, page in enumerate(pages[:-1], start=1):
        body = [w for w in page.words if frame_top < w.y0 < frame_bottom]
        left_blank = frame_bottom - max(w.y1 for w in body)
        assert left_blank < MOVE_LIMIT * (frame_bottom - frame_top) + leading, f"page {n}: {left_blank:.0f} pt blank"


@pytest.mark.slow
@pytest.mark.parametrize("length", [400, 6000])
def test_the_testers_claim_stays_on_the_page(length: int, copy_example, tmp_path: Path) -> None:
    """The example with a claim ending in "https://example.org/" and ``length`` a's, cited and printed
    in the background section (and so in the claims table): its URL ran 72 pt off an A4 page, and at
    6,000 a's the background section moved whole, leaving page 3 mostly blank."""
    root = copy_example(tmp_path / "project")
    claims = root / "assets" / "kb" / "claims.yaml"
    claims.write_text(claims.read_text(encoding="utf-8").replace("claims:\n", (
        "claims:\n  - id: c-long-url\n    statement: The report is at https://example.org/" + "a" * length +
        "\n    about: [peru]\n    sources: [src-article]\n    credibility: 2\n\n"), 1), encoding="utf-8")
    spec = root / "specs" / "peru-china.yaml"
    cited = "{{ cite('c-us-efforts-insufficient') }}"
    spec.write_text(spec.read_text(encoding="utf-8").replace(
        cited, cited + " {{ claim('c-long-url').statement }}{{ cite('c-long-url') }}", 1), encoding="utf-8")
    from briefgen.pipeline.build import BuildOptions, build

    pdf = build(spec, "public", BuildOptions(out_dir=tmp_path / "out", cache_dir=tmp_path / "cache",
                                             formats=("pdf",))).pdf_path
    assert _outside(pdf, 70, 70) == []
    pages = read_pages(pdf)
    assert run_letters(" ".join(w.text for page in pages for w in page.words), "a") >= 2 * length  # text, table
    starts = next(n for n, page in enumerate(pages) if any("a" * 20 in w.text for w in page.words))
    before = pages[starts - 1]  # the background section starts on this page or the one before
    body = [w for w in before.words if 68 < w.y0 < before.height - 62]
    assert max(w.y1 for w in body) > before.height - 62 - MOVE_LIMIT * (before.height - 130), \
        f"page {starts} (before the long run's page) is mostly blank"
