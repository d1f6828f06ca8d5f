"""``table``: a text table drawn as a figure (matplotlib ``Table``), header row styled.

Column widths follow the content (each column gets at least a fair share, up to its
natural width); cell text wraps to its column, and row heights follow the wrapped lines.
The header is bold on the main palette colour; body rows are lightly banded. Cells are text
as written (a source-by-figure comparison: "USD 1.3 billion (phase 1)"); a missing value
reads "not stated", in muted italics. Units:
widths and heights computed in **inches**, fonts in points. If the rows do not fit the
spec's height even at 6 pt, ChartFitError says how much height is needed (the rule
``validate`` applies too: :func:`briefgen.model.chart_fit.table_fit`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from briefgen.charts.measure import MeterMeasure
from briefgen.charts.registry import ChartKind, register_kind
from briefgen.charts.style import PAD_IN, ChartStyle, add_title, join_limited, no_data, tint
from briefgen.errors import ChartFitError, RenderError
from briefgen.load.csvdata import NOT_STATED
from briefgen.model import chart_fit as fit
from briefgen.model.resolved import TableData

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from briefgen.model.resolved import ResolvedChart

CELL_PAD = fit.TABLE_CELL_PAD  # inches, left/right padding inside a cell


def _describe(chart: "ResolvedChart") -> str:
    d = chart.data
    assert isinstance(d, TableData)  # the registry hands describe only data of this kind's shape
    return (f"Table with {len(d.columns)} column{'s' if len(d.columns) != 1 else ''} "
            f"({join_limited(d.columns)}) and {len(d.rows)} row{'s' if len(d.rows) != 1 else ''}.")


def draw_table(fig: "Figure", chart: "ResolvedChart", style: ChartStyle) -> None:
    from matplotlib.table import Table

    d = chart.data
    if not isinstance(d, TableData):
        raise RenderError(f"chart {chart.id!r}: table needs TableData, got {type(d).__name__}")
    for i, data_row in enumerate(d.rows, 1):
        if len(data_row) != len(d.columns):
            raise RenderError(f"chart {chart.id!r}: table row {i} has {len(data_row)} cells for "
                              f"{len(d.columns)} columns")
    top = add_title(fig, chart.title, style)
    if not d.columns:
        no_data(fig, style)
        return
    W, H = fig.get_figwidth(), fig.get_figheight()
    area_w, area_h = W - 2 * PAD_IN, top - PAD_IN
    cells = [list(d.columns)] + [list(r) for r in d.rows]

    measure = MeterMeasure(fig)
    size, chosen = style.font_size, None
    while size >= fit.TABLE_MIN_SIZE - 1e-9:
        widths, wrapped, heights = fit.table_rows(cells, size, area_w, measure)
        if sum(heights) <= area_h:
            chosen = (size, widths, wrapped, heights)
            break
        size -= 0.5
    if chosen is None:  # the rule validate applies too (briefgen.model.chart_fit), by this chart's measure
        rows = fit.table_fit(cells, top, W, H, measure)
        raise ChartFitError(chart.id, "height", fit.table_message(chart.id, rows, W, H,
                                                                 bool(getattr(chart.spec, "csv", None))))
    size, widths, wrapped, heights = chosen

    ax = fig.add_axes((PAD_IN / W, PAD_IN / H, area_w / W, area_h / H))
    ax.set_axis_off()
    frac_h = sum(heights) / area_h
    # matplotlib takes (left, bottom, width, height) as well as a Bbox here; its stub says Bbox only
    table = Table(ax, bbox=(0, 1 - frac_h, 1, frac_h))  # type: ignore[arg-type]
    table.auto_set_font_size(False)
    header_fill = style.colour(0)
    band = tint(style.grid_colour, 0.55)
    for r, row in enumerate(wrapped):
        for c, text in enumerate(row):
            cell = table.add_cell(r, c, widths[c] / area_w, heights[r] / area_h, text=text,
                                  loc="left", edgecolor=style.grid_colour,
                                  facecolor=header_fill if r == 0 else
                                  (band if r % 2 == 0 else style.background))
            cell.PAD = CELL_PAD / widths[c]
            cell.set_linewidth(0.6)
            t = cell.get_text()
            t.set_fontsize(size)
            t.set_linespacing(1.1)
            if r == 0:
                t.set_fontweight("bold")
                t.set_color("#FFFFFF")
            elif text == NOT_STATED:  # the source gives no value: shown as such, muted
                t.set_color("#6B6B6B")
                t.set_fontstyle("italic")
            else:
                t.set_color(style.text_colour)
    ax.add_table(table)


TABLE = register_kind(ChartKind(name="table", data="table", draw=draw_table, describe=_describe, cost=2,
                                doc="A text table with a styled header row, columns sized to their content."))
