"""Change bars beside the changed rows of a long table (``--since``): a table of 120 rows or more
is laid out by :mod:`briefgen.layout.longtable`, window by window; each changed row gets its bar
on whichever page it lands, as a Layout artifact, and no unchanged row gets one."""

from __future__ import annotations

import io

import pypdfium2 as pdfium
import pytest
from margin_paths import margin_paths
from reportlab.lib.pagesizes import A5
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import Paragraph, SimpleDocTemplate

from briefgen.document import model as dm
from briefgen.layout.changes import BAR_GAP, BAR_WIDTH, with_change_bars
from briefgen.layout.longtable import LONG_TABLE_ROWS, LazyRows, LongTable, long_table

ROWS = 300
CHANGED = {7, 58, 59, 140, 299}  # body rows (0-based): a pair in a row, the last row
MARGIN = 50.0
PADDING = 6.0  # SimpleDocTemplate's frame padding: the table starts this far right of the margin


def _table_block() -> dm.Table:
    none = dm.Uses()
    rows = tuple(dm.TableRow(id=f"row-{n}", role="TR", uses=none, marking="TLP:CLEAR",
                             change="changed" if n in CHANGED else "") for n in range(ROWS))
    return dm.Table(id="t", role="Table", uses=none, marking="TLP:CLEAR", rows=rows, columns=(0.2, 0.8))


def _pdf() -> bytes:
    """The table drawn by a LongTable (one header row), with change bars, on A5 pages."""
    style = getSampleStyleSheet()["BodyText"]

    def cell(text: str, key: str, kind: str) -> Paragraph:
        paragraph = Paragraph(text, style)
        paragraph._briefgen_cell = (key, kind, "")
        return paragraph

    def make_row(index: int) -> list:
        if index == 0:
            return [cell("<b>#</b>", "head", "head"), cell("<b>Text</b>", "head", "head")]
        n = index - 1
        text = f"Row{n:03d} " + "words " * (n % 4 * 9)  # one to four lines
        return [cell(str(n), f"row-{n}", "body"), cell(text, f"row-{n}", "body")]

    table = long_table(LazyRows(ROWS + 1, make_row, keep=1), [("GRID", (0, 0), (-1, -1), 0.5, "grey")], header=1,
                       frame_height=A5[1] - 2 * MARGIN, colWidths=[60, A5[0] - 2 * MARGIN - 60], splitByRow=1,
                       splitInRow=1, hAlign="LEFT")
    assert isinstance(table, LongTable) and ROWS >= LONG_TABLE_ROWS
    flowables = with_change_bars(_table_block(), [table], "#C00000")
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A5, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                      bottomMargin=MARGIN).build(flowables)
    return out.getvalue()


def _bars_and_rows(data: bytes) -> tuple[list[tuple[int, float, float, tuple[str, ...]]], dict[int, tuple[int, float]]]:
    """Every filled path in the left margin as (page, bottom, top, marks), and the (page, y) of
    the middle of each row's first line ("RowNNN")."""
    bars = []
    for path in margin_paths(data, MARGIN + PADDING - BAR_GAP + 0.5):
        assert abs(path.right - path.left - BAR_WIDTH) < 0.5
        bars.append((path.page, path.bottom, path.top, path.marks))
    rows = {}
    doc = pdfium.PdfDocument(data)
    try:
        for number, page in enumerate(doc, start=1):
            textpage = page.get_textpage()
            text = textpage.get_text_range()
            start = text.find("Row")
            while start != -1:
                _, bottom, _, top = textpage.get_charbox(start)
                rows[int(text[start + 3:start + 6])] = (number, (bottom + top) / 2)
                start = text.find("Row", start + 1)
    finally:
        doc.close()
    return bars, rows


def test_changed_rows_of_a_long_table_get_bars_on_every_page():
    bars, rows = _bars_and_rows(_pdf())
    assert sorted(rows) == list(range(ROWS))
    assert len({page for page, _ in rows.values()}) > 5  # a long table indeed
    barred = {n for n, (page, y) in rows.items()
              if any(p == page and bottom - 1 <= y <= top + 1 for p, bottom, top, _ in bars)}
    assert barred == CHANGED
    assert len(bars) == len(CHANGED)  # one bar per changed row, nothing else in the margin


def test_a_long_table_without_changes_is_left_as_it_is():
    block = _table_block()
    plain = dm.Table(id=block.id, role=block.role, uses=block.uses, marking=block.marking,
                     rows=tuple(dm.TableRow(id=r.id, role=r.role, uses=r.uses, marking=r.marking) for r in block.rows))
    flowables = [object()]
    assert with_change_bars(plain, flowables, "#C00000") is flowables  # type: ignore[arg-type]


@pytest.mark.slow
def test_bars_of_a_long_table_in_a_tagged_briefing_are_artifacts(prepared, tmp_path, monkeypatch):
    """The example's claims table laid out as a long table (from 1 row on), two of its rows
    changed: a bar beside each on its page, each a Layout artifact outside the structure."""
    import dataclasses

    from briefgen.layout import blocks, longtable
    from briefgen.pipeline.build import BuildOptions, build_prepared

    changed: list[str] = []

    def marked(block, flowables, colour):
        if isinstance(block, dm.Table) and not changed:
            changed.extend(r.id for r in (block.rows[1], block.rows[-1]))
            block = dataclasses.replace(block, rows=tuple(
                dataclasses.replace(r, change="changed") if r.id in changed else r for r in block.rows))
        return with_change_bars(block, flowables, colour)

    monkeypatch.setattr(longtable, "LONG_TABLE_ROWS", 1)
    monkeypatch.setattr(blocks, "with_change_bars", marked)
    result = build_prepared(prepared, "analyst", BuildOptions(out_dir=tmp_path / "out", cache_dir=tmp_path / "cache"))
    assert len(changed) == 2
    margin = 70.0  # the example theme's left margin (points)
    found = [(path.page, path.marks) for path in margin_paths(result.pdf, margin - BAR_GAP + 0.5, left_min=20)]
    assert len(found) == 2  # the two changed rows, nothing else
    assert all("Artifact" in marks for _, marks in found)
