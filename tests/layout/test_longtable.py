"""The long table (briefgen.layout.longtable): windows of a few pages instead of ReportLab's split
of all the remaining rows at every page, the same pages and the same structure elements."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import REPO
from reportlab.lib import colors
from reportlab.lib.pagesizes import A5
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer
from tagged_reader import content_text, element_text, open_pdf, page_objects, read_tree

from briefgen.document import model as dm
from briefgen.layout import longtable
from briefgen.layout.longtable import LongTable, long_table, window_commands, windowable
from briefgen.layout.tagged import TaggedTable

TORTURE_SPEC = REPO / "tests" / "data" / "torture" / "spec.yaml"


# --------------------------------------------------------------------------- command mapping
def test_window_commands_keep_the_header_move_body_rows_and_cut_grids_as_reportlab_does():
    grid = ("GRID", (0, 0), (-1, 99), 0.5, "grey")
    stripes = ("ROWBACKGROUNDS", (0, 2), (-1, 99), [None, "grey"])
    head_bg = ("BACKGROUND", (0, 0), (-1, 1), "navy")
    above_first = ("LINEABOVE", (0, 2), (-1, 2), 1, "black")
    last_line = ("LINEBELOW", (0, 99), (-1, 99), 1, "black")
    # the first window: the table's own commands, cut at the window's end (row 11)
    assert window_commands([grid, stripes], 2, 2, 12) == [("GRID", (0, 0), (-1, 11), 0.5, "grey"),
                                                           ("ROWBACKGROUNDS", (0, 2), (-1, 11), [None, "grey"])]
    # a window of rows 40..49 under the 2 header rows
    mapped = window_commands([grid, stripes, head_bg, above_first, last_line], 2, 40, 12)
    assert ("BACKGROUND", (0, 0), (-1, 1), "navy") in mapped
    assert ("ROWBACKGROUNDS", (0, 2), (-1, 11), [None, "grey"]) in mapped  # stripes start again at the first row
    assert not any(c[0] == "LINEABOVE" and c[1] == (0, 2) and c[3] == 1 for c in mapped), "row 2 is not in the window"
    assert not any(c[0] == "LINEBELOW" and c[3] == 1 for c in mapped), "the last row is not in the window"
    # the grid is cut as ReportLab cuts it: its header part, its body part and a line above the first body row
    assert ("INNERGRID", (0, 0), (-1, 1), 0.5, "grey") in mapped
    assert ("INNERGRID", (0, 2), (-1, 11), 0.5, "grey") in mapped
    assert ("LINEABOVE", (0, 2), (-1, 2), 0.5, "grey") in mapped
    # the window holding the last row draws the table's last line
    assert ("LINEBELOW", (0, 11), (-1, 11), 1, "black") in window_commands([last_line], 2, 90, 12)


def test_only_commands_that_can_be_mapped_make_a_long_table():
    assert windowable([("SPAN", (0, 0), (-1, 0)), ("GRID", (0, 0), (-1, -1), 1, "grey")], header=2)
    assert not windowable([("SPAN", (0, 3), (1, 4))], header=2)
    assert not windowable([("LINEBELOW", (0, "splitlast"), (-1, "splitlast"), 1, "grey")], header=2)
    style = getSampleStyleSheet()["BodyText"]
    rows = [[Paragraph(f"{n}", style)] for n in range(300)]
    assert isinstance(long_table(rows, [("GRID", (0, 0), (-1, -1), 1, "grey")], header=1, frame_height=500,
                                 colWidths=[100]), LongTable)
    assert isinstance(long_table(rows[:50], [], header=1, frame_height=500, colWidths=[100]), TaggedTable)
    assert isinstance(long_table(rows, [("SPAN", (0, 5), (0, 6))], header=1, frame_height=500, colWidths=[100]),
                      TaggedTable)


# --------------------------------------------------------------------------- same pages
def _page_images(pdf: Path | bytes, folder: Path) -> list[bytes]:
    """The pages of ``pdf`` (a file, or its bytes) as PNG images at 60 dpi."""
    folder.mkdir()
    if isinstance(pdf, bytes):
        (folder / "in.pdf").write_bytes(pdf)
        pdf = folder / "in.pdf"
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(folder / "p")], check=True)
    return [p.read_bytes() for p in sorted(folder.glob("p-*.png"))]


def _long_story(long: bool) -> list:
    """A heading, 400 rows of one to four lines (a header of two rows, a grid, a box, stripes, a
    line under the header and one under the last row), starting low on the first page so that a
    row is split inside itself there."""
    styles = getSampleStyleSheet()
    words = "port rail copper venture loan mayor election tariff consortium corridor".split()
    rows = [[Paragraph("<b>#</b>", styles["BodyText"]), Paragraph("<b>Text</b>", styles["BodyText"])],
            [Paragraph("no.", styles["BodyText"]), Paragraph("words", styles["BodyText"])]]
    rows += [[Paragraph(str(n), styles["BodyText"]),
              Paragraph(" ".join(words[(n * k) % 10] for k in range(1, 6 + (n * 7) % 30)), styles["BodyText"])]
             for n in range(400)]
    commands = [("GRID", (0, 0), (-1, -1), 0.5, colors.grey), ("BOX", (0, 2), (-1, -1), 1.5, colors.black),
                ("BACKGROUND", (0, 0), (-1, 1), colors.lightblue), ("LINEBELOW", (0, 1), (-1, 1), 2, colors.red),
                ("LINEBELOW", (0, -1), (-1, -1), 3, colors.green),
                ("ROWBACKGROUNDS", (0, 2), (-1, -1), [None, colors.whitesmoke]), ("VALIGN", (0, 0), (-1, -1), "TOP")]
    kw = {"colWidths": [40, 260], "splitByRow": 1, "splitInRow": 1, "hAlign": "LEFT"}
    if long:
        table = long_table(rows, commands, header=2, frame_height=A5[1] - 144, **kw)
        assert isinstance(table, LongTable)
    else:
        table = TaggedTable(rows, repeatRows=2, **kw)
        table.setStyle(commands)
    return [Paragraph("A long table", styles["Heading1"]), Spacer(1, A5[1] - 290), table]


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler's pdftoppm")
def test_a_long_table_draws_the_same_pages_as_reportlabs_table(tmp_path):
    pages = {}
    for long in (False, True):
        pdf = tmp_path / f"{long}.pdf"
        SimpleDocTemplate(str(pdf), pagesize=A5).build(_long_story(long))
        pages[long] = _page_images(pdf, tmp_path / f"pages-{long}")
    assert len(pages[True]) > 20
    assert pages[True] == pages[False]


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler's pdftoppm")
def test_a_long_table_whose_rows_reportlab_splits_inside_draws_the_same_pages(tmp_path):
    """Text cells can be cut inside a row (``splitInRow``); from there ReportLab lays out the rest."""
    rows = [["#", "Text"], ["no.", "lines"]]
    rows += [[str(k), "\n".join(f"line {j} of row {k}" for j in range(1 + (k * 7) % 9 + (40 if k % 50 == 3 else 0)))]
             for k in range(300)]
    commands = [("GRID", (0, 0), (-1, -1), 0.5, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ROWBACKGROUNDS", (0, 2), (-1, -1), [None, colors.whitesmoke])]
    kw = {"colWidths": [40, 260], "splitByRow": 1, "splitInRow": 1, "hAlign": "LEFT"}
    plain = TaggedTable(rows, repeatRows=2, **kw)
    plain.setStyle(commands)
    pages = []
    long = long_table(rows, commands, header=2, frame_height=A5[1] - 144, **kw)
    for name, table in (("plain", plain), ("long", long)):
        SimpleDocTemplate(str(tmp_path / f"{name}.pdf"), pagesize=A5).build([Spacer(1, 380), table])
        pages.append(_page_images(tmp_path / f"{name}.pdf", tmp_path / name))
    assert len(pages[0]) > 20 and pages[1] == pages[0]


@pytest.fixture(scope="module")
def torture_pair(tmp_path_factory):
    """The torture spec built as it is and with every table laid out as a long table."""
    from briefgen.pipeline.build import BuildOptions, build_prepared, prepare

    out = {}
    for rows in (longtable.LONG_TABLE_ROWS, 1):
        options = BuildOptions(out_dir=tmp_path_factory.mktemp(f"torture-{rows}"),
                               cache_dir=tmp_path_factory.mktemp(f"cache-{rows}"))
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(longtable, "LONG_TABLE_ROWS", rows)
            out[rows == 1] = build_prepared(prepare(TORTURE_SPEC), "reader", options)
    return out


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler's pdftoppm")
def test_the_torture_briefing_looks_the_same_with_long_tables(torture_pair, tmp_path):
    plain = _page_images(torture_pair[False].pdf, tmp_path / "plain")
    long = _page_images(torture_pair[True].pdf, tmp_path / "long")
    assert len(long) == len(plain) and long == plain


@pytest.mark.slow
def test_a_long_table_is_one_table_element_with_one_row_per_claim(torture_pair):
    result = torture_pair[True]
    block = next(b for b in result.document.blocks() if isinstance(b, dm.Table))
    tree = read_tree(open_pdf(result.pdf))
    objects = page_objects(result.pdf)
    texts = content_text(objects)
    (table,) = [n for n in tree.walk() if n.standard == "Table"]
    caption, head, body = table.elements()
    assert (caption.standard, head.standard, body.standard) == ("Caption", "THead", "TBody")
    assert len(table.pages()) >= 3
    assert [element_text(row.elements()[0], texts) for row in body.elements()] == \
        [dm.plain_text(r.cells[0].runs) for r in block.rows]
    assert len([n for n in tree.walk() if n.standard == "TH"]) == len(block.columns)  # repeats are artifacts
    painted = [o for page in objects for o in page if o.kind == "text" and not o.artifact]
    assert all(o.mcid >= 0 for o in painted), "text neither tagged nor an artifact"


# --------------------------------------------------------------------------- rows made on demand
def test_lazy_rows_are_made_when_asked_kept_until_released_and_made_again_the_same():
    made: list[int] = []

    def make(n: int) -> list[str]:
        made.append(n)
        return [f"row {n}"]

    rows = longtable.LazyRows(10, make, keep=2)
    assert len(rows) == 10 and made == []
    assert rows[3] == ["row 3"] and rows[-1] == ["row 9"] and rows[:2] == [["row 0"], ["row 1"]]
    assert rows[3] is rows[3] and made == [3, 9, 0, 1]  # kept: not made twice
    rows.release(5)  # rows 2..4 are forgotten, the header rows (keep=2) stay
    assert rows[0] == ["row 0"] and made == [3, 9, 0, 1]
    assert rows[3] == ["row 3"] and made[-1] == 3
    assert [r[0] for r in rows] == [f"row {n}" for n in range(10)]
    with pytest.raises(IndexError):
        rows[10]


def _lazy_story(alive: list[int]) -> tuple[list, list]:
    """The long story of :func:`_long_story` with its rows made on demand (their count alive after
    each row is made goes to ``alive``), and the same story with all rows made beforehand."""
    plain = _long_story(True)
    table = plain[-1]
    rows = table.shared.rows

    def make(n: int) -> list:
        alive.append(len(lazy._made) + 1)
        return [Paragraph(p.text, p.style) for p in rows[n]]

    lazy = longtable.LazyRows(len(rows), make, keep=2)
    lazy_table = long_table(lazy, table.shared.commands, header=2, frame_height=A5[1] - 144, **table.shared.kw)
    return plain, plain[:-1] + [lazy_table]


def test_a_long_table_of_rows_made_on_demand_draws_the_same_file_holding_a_few_pages_of_rows(tmp_path):
    alive: list[int] = []
    plain, lazy = _lazy_story(alive)
    out = {}
    for name, story in (("plain", plain), ("lazy", lazy)):
        SimpleDocTemplate(str(tmp_path / f"{name}.pdf"), pagesize=A5, invariant=1).build(story)
        out[name] = (tmp_path / f"{name}.pdf").read_bytes()
    assert out["lazy"] == out["plain"]
    assert len(alive) >= 402, "every row was made"
    assert max(alive) < 120, f"at most a few pages of the 402 rows alive at once, not {max(alive)}"


def test_a_long_table_asked_for_its_height_without_limit_measures_a_few_pages_not_all_rows():
    table = _long_story(True)[-1]
    width, height = table.wrap(300, 0xFFFFFFF)  # as a KeepTogether (a heading kept with it) asks
    frame = A5[1] - 144
    assert height >= 2.5 * frame, "higher than any frame: decides as the whole table's height would"
    assert len(table._window._cellvalues) < 150, "a window of a few pages, not the 402 rows"
    assert table.wrap(300, 200) == (width, height), "a lower wrap reuses the window"
