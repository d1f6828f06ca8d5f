"""How much a dot-range, bar or table chart holds at its size: the rule ``validate`` and
``build`` apply before anything is drawn, and the one the charts themselves draw by (pure:
no matplotlib; see :mod:`briefgen.model.timeline_fit` for timelines and
:mod:`briefgen.model.network_fit` for networks).

Every function takes a ``measure(text, size, bold=False, linespacing=None) -> (width,
height)`` in inches. The charts pass their exact measure (matplotlib's, from the font files
they draw with); ``validate`` and the resolving step of a build pass a
:class:`FontMeasure` of the same font files, which reads their advances and line metrics
(no kerning: a little wider than drawn, never narrower), or, when a file cannot be read,
:func:`estimate_size`, which estimates from the characters and errs on the large side for
common sans-serif fonts (a line LINE_EM of the size high: Noto Sans' line, the larger of
the bundled fonts, is 1.362 em, DejaVu Sans' 1.0-1.2 em; a character :func:`char_em` wide
by its class). A chart ``validate`` passes is then drawn; if the drawing still finds no
room, the build reports it located at the chart's ``height``, as ``validate`` does (exit
code 2).

Units: inches; font sizes in points.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from briefgen.model.font_metrics import FaceMetrics
from briefgen.model.labelwrap import wrap_lines
from briefgen.model.legend_fit import wrap_to_width
from briefgen.model.network_fit import PAGE_TEXT_H, PAGE_TEXT_W

Measure = Callable[..., tuple[float, float]]

PAD_IN = 0.06       # inches kept around a drawing (caption and source are printed by the layout)
LAYOUT_PAD = 0.04   # inches between an axes' labels and the figure's edges or the title
TITLE_GAP = 0.1     # inches between the title and the drawing
LINE_EM = 1.37      # estimated line height, in ems (see the module's docstring)
BOLD_WIDER = 1.08   # bold text is this much wider
DOT_RANGE_LEGEND = "dot: value as reported; hollow: an estimate; band: the range given; dashed arrow: open-ended"
ROW_IN = 0.2        # dot-range: inches, the least height of a row ...
DOT_ROW_LINES = 1.1  # ... and of its label's line height, the larger
DOT_LABEL_GAP = 6.0  # dot-range: points between a row's label and the axis
DOT_NOTE_GAP = 6.0   # dot-range: points between a mark and its value note
DOT_LEAST_PLOT = 1.0  # dot-range: inches, the least width of the axis between labels and notes
BAR_LABEL_WRAP = 28  # bar: category labels wrap at this many characters ...
BAR_WIDE_WRAP = 44   # ... or at this many, when rows are too low for the first
BAR_MIN_SIZE = 7.0   # bar: points, category labels are never drawn smaller
BAR_ROW_FILL = 0.9   # bar: share of a bar's row its label may take
BAR_TICK_ROOM = 7.0  # bar: points, x tick length and pad below the axis
BAR_LABEL_PAD = 4.0  # bar: points between the x tick labels and the axis label
TABLE_MIN_SIZE = 6.0  # table: points, the least size of cell text
TABLE_CELL_PAD = 0.05  # table: inches, left and right padding inside a cell
TABLE_ROW_PAD = 0.035  # table: inches, top and bottom padding inside a cell
TABLE_LINESPACING = 1.1


def char_em(ch: str) -> float:
    """Estimated advance of ``ch`` in ems (see the module's docstring)."""
    if unicodedata.combining(ch):
        return 0.0
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return 1.0
    if ch == " " or ch in "iljI.,:;'|!`()[]":
        return 0.34
    if ch.isupper():
        return 0.74
    if ch.isdigit():
        return 0.64
    return 0.6


def estimate_size(text: str, size: float, bold: bool = False, linespacing: float | None = None) -> tuple[float, float]:
    """Estimated width and height in inches of ``text`` (lines split at newlines) at
    ``size`` points: a measure for :mod:`briefgen.model.chart_fit` without font files."""
    if not text:
        return 0.0, 0.0
    lines = str(text).split("\n")
    em = size / 72
    width = max(sum(char_em(ch) for ch in line) for line in lines) * em * (BOLD_WIDER if bold else 1.0)
    return width, len(lines) * LINE_EM * max(linespacing or 1.0, 1.0) * em


class FontMeasure:
    """A measure by the metrics of the font files a chart draws with (``regular`` and
    ``bold`` faces, :mod:`briefgen.model.font_metrics`): widths as the sum of advances,
    heights stacked as the charts stack lines; :func:`estimate_size` when a face is missing."""

    def __init__(self, regular: FaceMetrics | None, bold: FaceMetrics | None) -> None:
        self.regular, self.bold = regular, bold or regular

    def __call__(self, text: str, size: float, bold: bool = False,
                 linespacing: float | None = None) -> tuple[float, float]:
        face = self.bold if bold else self.regular
        if face is None:
            return estimate_size(text, size, bold, linespacing)
        if not text:
            return 0.0, 0.0
        lines = str(text).split("\n")
        wider = BOLD_WIDER if bold else 1.0
        width = max(sum(face.advance(ch) or char_em(ch) * wider for ch in line) for line in lines)
        gap = face.gap if len(lines) > 1 else 0.0
        if linespacing is None:
            per_pt = len(lines) * (face.ascent + face.descent + gap)
        else:
            per_pt = len(lines) * linespacing * (face.ascent + face.descent)
        return width * size / 72, per_pt * size / 72


def wrap(text: str, width: int, *, max_lines: int | None = None) -> str:
    """``text`` wrapped to lines of at most ``width`` characters, joined by newlines
    (:func:`briefgen.model.labelwrap.wrap_lines`: long words broken with a hyphen; ``max_lines``
    cuts with an ellipsis)."""
    return "\n".join(wrap_lines(text, width, max_lines))


def chars_per_line(width_in: float, font_size: float) -> int:
    """Roughly how many average characters of ``font_size`` points fit in ``width_in``
    inches (average glyph ~0.55 em)."""
    return max(int(width_in * 72 / (font_size * 0.55)), 8)


def wrapped_title(title: str, width: float, title_size: float, measure: Measure) -> str:
    """``title`` wrapped (by measured width, bold, line spacing 1.15) to a chart ``width``
    inches wide less the margins, as the chart draws it."""
    avail = width - 2 * PAD_IN
    chars = chars_per_line(avail, title_size) + 12
    text = wrap(title, chars)
    while chars > 10:
        text = wrap(title, chars)
        if measure(text, title_size, bold=True, linespacing=1.15)[0] <= avail:
            break
        chars -= 2
    return text


def title_top(title: str, width: float, height: float, title_size: float, measure: Measure) -> float:
    """Inches from a chart's bottom to just below its title: the top of its drawing."""
    text = wrapped_title(title, width, title_size, measure)
    return height - PAD_IN - measure(text, title_size, bold=True, linespacing=1.15)[1] - TITLE_GAP


@dataclass(frozen=True)
class ChartFit:
    """How a chart's items compare with its height: ``items`` to draw (``noun``: "rows",
    "bars", ...), how many ``fits`` at this height, and ``need``: the height in inches that
    holds them all (None when no height does: the labels are too wide)."""

    items: int
    fits: int
    need: float | None
    noun: str
    ok: bool


def dot_range_fit(rows: int, top: float, height: float, size: float, small: float, key: str, unit: str,
                  measure: Measure) -> ChartFit:
    """The :class:`ChartFit` of a dot-range chart of ``rows`` rows (measures and reports),
    ``height`` inches tall with its drawing's top at ``top`` (:func:`title_top`), text at
    ``size`` and its ``key`` and ``unit`` as wrapped (:func:`dot_range_texts`; the key at
    ``small`` points). Each row needs ROW_IN, or DOT_ROW_LINES of its line's height when
    more (large text: so that the row labels do not overlap)."""
    axes_h = top - LAYOUT_PAD - dot_range_bottom(size, small, key, unit, measure)
    row_in = max(ROW_IN, measure("0", size)[1] * DOT_ROW_LINES)
    fits = max(int(axes_h / row_in + 1e-9), 0)
    return ChartFit(rows, fits, height + rows * row_in - axes_h, "rows (measures and reports)",
                    not axes_h < rows * row_in)


def dot_range_bottom(size: float, small: float, key: str, unit: str, measure: Measure) -> float:
    """Inches below a dot-range chart's rows: its ``key`` (at ``small`` points), tick labels
    and ``unit`` label."""
    line_h = measure("0", size)[1]
    key_h = measure(key, small)[1] + 0.06
    unit_h = measure(unit, size)[1] if unit else line_h
    return LAYOUT_PAD + key_h + line_h + unit_h + 0.1 + (0.02 if unit else 0.0)


def dot_range_texts(unit_label: str, across: "Across", width: float, size: float, small: float,
                    measure: Measure, marks: str = "") -> tuple[str, str]:
    """A dot-range chart's key (DOT_RANGE_LEGEND, then the legend of its portion ``marks``)
    wrapped to the chart's ``width`` less its margins at ``small`` points, and its ``unit_label``
    wrapped to the room beside the axis' centre (``across``) at ``size``: ``(key, unit)``, both
    inside the figure."""
    key = wrap_to_width(f"{DOT_RANGE_LEGEND}. {marks}" if marks else DOT_RANGE_LEGEND, width - 2 * LAYOUT_PAD,
                        small, measure)
    centre = (across.left + across.right) / 2
    room = 2 * min(centre - LAYOUT_PAD, width - LAYOUT_PAD - centre)
    return key, wrap_to_width(unit_label, max(room, 0.0), size, measure) if unit_label else ""


@dataclass(frozen=True)
class Across:
    """Where a chart's plot goes across it: ``left`` and ``right`` edges (inches from the
    chart's left), what ``least`` width the plot needs, and the ``widest`` label (for messages)."""

    left: float
    right: float
    least: float
    widest: str

    @property
    def ok(self) -> bool:
        """Whether the plot is at least ``least`` wide."""
        return not self.right - self.left < self.least


def dot_range_across(labels: Sequence[str], notes: Sequence[str], width: float, size: float,
                     measure: Measure, bold: Sequence[bool] = ()) -> Across:
    """The plot of a dot-range chart ``width`` inches wide between its row ``labels`` (at
    ``size`` points, on the left; those flagged in ``bold``, the groups' headings, bold) and
    its value ``notes`` (at 0.9 of it, on the right)."""
    flags = list(bold) + [False] * (len(labels) - len(bold))
    widths = [measure(text, size, bold=b)[0] for text, b in zip(labels, flags)]
    left = LAYOUT_PAD + max(widths) + DOT_LABEL_GAP / 72
    note_w = max(measure(text, size * 0.9)[0] for text in notes) + DOT_NOTE_GAP / 72
    widest = labels[widths.index(max(widths))]
    return Across(left, width - LAYOUT_PAD - note_w, DOT_LEAST_PLOT, widest)


def dot_range_width_message(chart_id: str, across: Across, width: float) -> str:
    """The error for a dot-range chart whose labels and values leave its axis less than
    DOT_LEAST_PLOT inches (:func:`dot_range_across`): the width that holds them, when a page
    allows it, and which label is the widest."""
    need = width - (across.right - across.left) + across.least
    room = (f"the source labels and values leave {max(across.right - across.left, 0.0):.2f} in for the axis, "
            f"which needs {across.least:g} in")
    return too_narrow_message(chart_id, "dot-range", width, room, need,
                              f"shorten the labels (the widest: {across.widest!r}; a source's 'publisher:' or a "
                              f"figure's 'label:')")


def too_narrow_message(chart_id: str, kind: str, width: float, room: str, need: float, shorten: str) -> str:
    """The error for a chart whose labels leave its plot too little width (``room``: what
    they leave, and what the plot needs): ``need`` inches (rounded up) when a page allows
    it (PAGE_TEXT_W), and ``shorten`` (how)."""
    head = f"{kind} chart {chart_id!r} ({width:g} in wide): {room}"
    if round_up(need) <= PAGE_TEXT_W:
        return f"{head}. Set 'width: {round_up(need):g}' (a page allows up to {PAGE_TEXT_W:g} in), or {shorten}"
    return f"{head}, and no width a page allows (up to {PAGE_TEXT_W:g} in) holds them: {shorten}"


def bar_bottom(size: float, has_unit: bool, measure: Measure, legend_h: float = 0.0) -> float:
    """Inches below a bar chart's bars: tick labels and, with a unit, the axis label, above
    ``legend_h`` inches of its marks' legend (:func:`briefgen.model.bar_fit.bar_legend`)."""
    line_h = measure("0", size)[1]
    bottom = LAYOUT_PAD + line_h + BAR_TICK_ROOM / 72
    if has_unit:
        bottom += line_h + BAR_LABEL_PAD / 72
    return bottom + legend_h if legend_h else bottom


def bar_fit(categories: Sequence[str], top: float, height: float, size: float, has_unit: bool,
            measure: Measure, legend_h: float = 0.0) -> ChartFit:
    """The :class:`ChartFit` of a bar chart of ``categories``, ``height`` inches tall with
    its drawing's top at ``top``: each bar's row must hold its label, wrapped at
    BAR_WIDE_WRAP characters, at BAR_MIN_SIZE points in BAR_ROW_FILL of its height."""
    axes_h = top - LAYOUT_PAD - bar_bottom(size, has_unit, measure, legend_h)
    n = len(categories)
    tall = max((measure(wrap(c, BAR_WIDE_WRAP), BAR_MIN_SIZE)[1] for c in categories), default=0.0)
    per_row = tall / BAR_ROW_FILL
    fits = max(int(axes_h / per_row + 1e-9), 0) if per_row > 0 else n
    ok = axes_h > 0 and (n == 0 or tall <= axes_h / n * BAR_ROW_FILL + 1e-3)
    return ChartFit(n, fits, height - axes_h + n * per_row, "bars", ok)


def table_widths(cells: Sequence[Sequence[str]], size: float, area_w: float, measure: Measure) -> list[float]:
    """Column widths in inches of a table of ``cells`` (the header row first): natural
    widths scaled to fill ``area_w``, with a floor per column."""
    ncol = len(cells[0])
    natural = []
    for c in range(ncol):
        w = max(measure(row[c] or " ", size, bold=r == 0, linespacing=TABLE_LINESPACING)[0]
                for r, row in enumerate(cells))
        natural.append(w + 2 * TABLE_CELL_PAD + 0.02)
    total = sum(natural)
    if total <= area_w:
        return [w * area_w / total for w in natural]
    floor = area_w / ncol * 0.6
    fixed = [min(w, floor) for w in natural]
    extra = area_w - sum(fixed)
    want = [w - f for w, f in zip(natural, fixed)]
    return [f + (extra * x / sum(want) if sum(want) else 0) for f, x in zip(fixed, want)]


def fit_cell(text: str, width_in: float, size: float, bold: bool, measure: Measure) -> str:
    """``text`` wrapped so that its widest line, measured, fits ``width_in`` inches."""
    if not text:
        return ""
    chars = max(int(width_in * 72 / (size * 0.5)), 4)
    while True:
        out = wrap(text, chars)
        if chars <= 4 or measure(out, size, bold=bold, linespacing=TABLE_LINESPACING)[0] <= width_in:
            return out
        chars = max(4, chars - max(1, chars // 12))


def table_rows(cells: Sequence[Sequence[str]], size: float, area_w: float,
               measure: Measure) -> tuple[list[float], list[list[str]], list[float]]:
    """A table of ``cells`` (header row first) laid out at ``size`` points in ``area_w``
    inches: its column widths, its cells wrapped to them and its row heights, in inches."""
    widths = table_widths(cells, size, area_w, measure)
    wrapped = [[fit_cell(text, w - 2 * TABLE_CELL_PAD, size, r == 0, measure) for text, w in zip(row, widths)]
               for r, row in enumerate(cells)]
    heights = [max(measure(t or " ", size, bold=r == 0, linespacing=TABLE_LINESPACING)[1] for t in row)
               + 2 * TABLE_ROW_PAD for r, row in enumerate(wrapped)]
    return widths, wrapped, heights


def table_fit(cells: Sequence[Sequence[str]], top: float, width: float, height: float,
              measure: Measure) -> ChartFit:
    """The :class:`ChartFit` of a table chart of ``cells`` (header row first) at its least
    size, TABLE_MIN_SIZE points, ``width`` x ``height`` inches with its drawing's top at ``top``."""
    area_h = top - PAD_IN
    heights = table_rows(cells, TABLE_MIN_SIZE, width - 2 * PAD_IN, measure)[2]
    used, fits = 0.0, -1  # the header row is not counted
    for h in heights:
        if used + h > area_h:
            break
        used += h
        fits += 1
    need = sum(heights)
    return ChartFit(len(cells) - 1, max(fits, 0), need + height - area_h, "rows", need <= area_h)


def round_up(inches: float) -> float:
    """``inches`` rounded up to a tenth (a height to suggest)."""
    return math.ceil(inches * 10 - 1e-6) / 10


def too_small_message(chart_id: str, kind: str, fit: ChartFit, width: float, height: float, fewer: str,
                      no_height: str = "") -> str:
    """The error for a chart whose items do not fit its height: how many it draws, how many
    fit, and only remedies the page allows: a height that holds them up to the page's
    (PAGE_TEXT_H; a taller chart is printed scaled down), else fewer items (``fewer``: how,
    for this chart, e.g. "narrow 'select:'"). ``no_height``: why, when no height at all holds
    them (``fit.need`` None), else it says no height a page allows does."""
    head = (f"{kind} chart {chart_id!r} ({width:g} x {height:g} in) draws {_counted(fit.items, fit.noun)}; at "
            f"this size it holds about {fit.fits}")
    if fit.fits == 0:
        head = (f"{kind} chart {chart_id!r} ({width:g} x {height:g} in) has no room for "
                + (f"its only {_counted(1, fit.noun)[2:]}" if fit.items == 1 else f"any of its {fit.items} {fit.noun}"))
    if fit.need is not None and round_up(fit.need) <= PAGE_TEXT_H:
        return f"{head}. Set 'height: {round_up(fit.need):g}' (a page allows up to {PAGE_TEXT_H:g} in), or {fewer}"
    if fit.need is None and no_height:
        return f"{head}, and {no_height}: {fewer}"
    return f"{head}, and no height a page allows (up to {PAGE_TEXT_H:g} in) holds them all: {fewer}"


def _counted(n: int, noun: str) -> str:
    """``"3 bars"``, ``"1 bar"``, ``"1 entity"`` (``noun`` is plural)."""
    if n != 1:
        return f"{n} {noun}"
    return f"1 {noun[:-3] + 'y' if noun.endswith('ies') else noun[:-1] if noun.endswith('s') else noun}"


def too_wide_message(chart_id: str, kind: str, width: float, what: str, shorten: str) -> str:
    """The error for a chart whose labels leave no room across it: a wider chart only up to
    the page's text width (PAGE_TEXT_W), else ``shorten`` (how)."""
    wider = f"set 'width:' up to {PAGE_TEXT_W:g} in (the page's most) or " if width < PAGE_TEXT_W else ""
    return f"{kind} chart {chart_id!r} ({width:g} in wide): {what}; {wider}{shorten}"


def limit_hint(fit: ChartFit) -> str:
    """``" or 'limit: N'"`` for a chart that holds N > 0 of its items (one per claim), else ""."""
    return f" or 'limit: {fit.fits}'" if fit.fits > 0 else ""


def dot_range_message(chart_id: str, rows: ChartFit, width: float, height: float) -> str:
    """The error for a dot-range chart whose rows do not fit (:func:`dot_range_fit`)."""
    return too_small_message(chart_id, "dot-range", rows, width, height,
                             "draw fewer: narrow 'select:' to fewer measures or reports (e.g. 'tags:', "
                             "'claims:') or split the chart")


def bar_message(chart_id: str, bars: ChartFit, width: float, height: float) -> str:
    """The error for a bar chart whose bars do not fit (:func:`bar_fit`)."""
    return too_small_message(chart_id, "bar", bars, width, height,
                             f"draw fewer bars: narrow 'select:' (e.g. 'claims:', 'tags:'{limit_hint(bars)}), "
                             f"or shorten the figures' labels")


def table_message(chart_id: str, rows: ChartFit, width: float, height: float, from_csv: bool) -> str:
    """The error for a table chart whose rows do not fit (:func:`table_fit`)."""
    fewer = ("draw fewer rows: split the CSV file into two tables, or drop rows" if from_csv else
             f"draw fewer rows: narrow 'select:' (e.g. 'tags:', 'date_from:'{limit_hint(rows)})")
    return too_small_message(chart_id, "table", rows, width, height, fewer + ", or shorten the cells")
