"""How a chart's legend or key line is laid out so that it stays inside the figure: entries
flow left to right in rows as wide as the room given, and a name wider than a row is wrapped
(by measured width) onto more lines. The rule ``validate`` applies and the one the charts
draw by (pure: no matplotlib).

Units: inches; font sizes in points. ``measure`` as in :mod:`briefgen.model.chart_fit`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from briefgen.model.labelwrap import wrap_lines
from briefgen.model.tlp import TLP

Measure = Callable[..., tuple[float, float]]
"""``(text, size, bold=False, linespacing=None) -> (width, height)`` in inches: as
:data:`briefgen.model.chart_fit.Measure` (which imports this module)."""

LEAST_CHARS = 6
"""A wrapped name's lines are never cut shorter than this many characters (a wider name
then sticks out of its row, and the layout says so: :attr:`LegendLayout.fits`)."""


def wrap_to_width(text: str, width: float, size: float, measure: Measure, bold: bool = False) -> str:
    """``text`` wrapped at word boundaries (long words broken with a hyphen) so that its
    widest line, measured at ``size`` points, is at most ``width`` inches; the text
    unchanged when it fits, and lines of LEAST_CHARS characters when nothing narrower does."""
    if not text or measure(text, size, bold=bold)[0] <= width:
        return text
    chars = max(len(text) - 1, LEAST_CHARS)
    while True:
        out = "\n".join(wrap_lines(text, chars))
        if chars <= LEAST_CHARS or measure(out, size, bold=bold)[0] <= width:
            return out
        chars = max(LEAST_CHARS, chars - max(1, chars // 12))


@dataclass(frozen=True)
class LegendEntry:
    """One placed entry: its ``text`` (wrapped), its left edge ``x`` (inches from the
    legend's left) and its ``row`` (0: the top row)."""

    text: str
    x: float
    row: int


@dataclass(frozen=True)
class LegendLayout:
    """Entries placed in rows: ``row_tops`` (inches below the legend's top, per row),
    ``line_h`` (one line's height), the legend's ``width`` and ``height`` (inches) and
    whether every entry ``fits`` the room it was given."""

    entries: tuple[LegendEntry, ...]
    row_tops: tuple[float, ...]
    line_h: float
    width: float
    height: float
    fits: bool


def flow_legend(names: Sequence[str], room: float, size: float, measure: Measure, *,
                handle: float | Sequence[float] = 0.0, spacing: float = 0.0, row_gap: float = 0.0) -> LegendLayout:
    """Lay out entries named ``names`` at ``size`` points in rows at most ``room`` inches
    wide: each entry is a ``handle`` (inches: the swatch or line and the gap after it; one
    for all or one per entry) and its name; entries in a row are ``spacing`` inches apart
    and rows ``row_gap`` apart. A name wider than a row is wrapped (:func:`wrap_to_width`)."""
    handles = [handle] * len(names) if isinstance(handle, (int, float)) else list(handle)
    line_h = measure("0", size)[1]
    entries: list[LegendEntry] = []
    heights: list[float] = [0.0]
    x, row, widest, fits = 0.0, 0, 0.0, True
    for name, lead in zip(names, handles):
        text = wrap_to_width(name, room - lead, size, measure)
        w, h = measure(text, size)
        w = lead + w
        if entries and entries[-1].row == row and x + w > room:
            row, x = row + 1, 0.0
            heights.append(0.0)
        fits = fits and w <= room + 1e-9
        entries.append(LegendEntry(text, x, row))
        heights[row] = max(heights[row], h, line_h)
        widest = max(widest, x + w)
        x += w + spacing
    tops, y = [], 0.0
    for h in heights:
        tops.append(y)
        y += h + row_gap
    return LegendLayout(tuple(entries), tuple(tops), line_h, widest, y - row_gap if names else 0.0, fits)


def short_mark(marking: str) -> str:
    """``TLP:AMBER`` -> ``(AMBER)``: the mark drawn beside a network link or timeline event."""
    return f"({marking.removeprefix('TLP:')})"


def marks_legend(markings: Iterable[str], floor: str) -> str:
    """The legend of marked links or events: ``(GREEN) = TLP:GREEN, (AMBER) = TLP:AMBER;
    unmarked: TLP:CLEAR`` (levels in order of restrictiveness, ``floor`` the briefing's TLP
    floor); empty when nothing is marked."""
    levels = sorted({TLP.parse(m) for m in markings if m})
    if not levels:
        return ""
    return ", ".join(f"{short_mark(t.label)} = {t.label}" for t in levels) + f"; unmarked: {floor or TLP.CLEAR.label}"
