"""Measuring chart text: how much room a label takes, in inches, as the chart's PDF draws it.

:class:`TextMeter` is the fast, exact way (used by every layout that measures many
labels); :func:`text_size_in` and :func:`extent_in` measure artists on the figure's Agg
canvas. Sizes are in inches, font sizes in points. The fonts a text is drawn with are
those matplotlib picks under the rcParams in force (a style's, see
:func:`briefgen.charts.style.rc_params`).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from briefgen.compat import matplotlib as compat


def extent_in(fig, artist) -> tuple[float, float, float, float]:
    """``(x0, y0, x1, y1)`` of ``artist`` in inches from the figure's lower-left corner."""
    bb = artist.get_window_extent(fig.canvas.get_renderer())
    dpi = fig.dpi
    return bb.x0 / dpi, bb.y0 / dpi, bb.x1 / dpi, bb.y1 / dpi


def text_size_in(fig, text: str, fontsize: float, **kw) -> tuple[float, float]:
    """Width and height in inches that ``text`` takes at ``fontsize`` points."""
    t = fig.text(0, 0, text, fontsize=fontsize, **kw)
    x0, y0, x1, y1 = extent_in(fig, t)
    t.remove()
    return x1 - x0, y1 - y0


MEASURE_PT = 64.0
"""Points: :class:`TextMeter` shapes text once at this size and scales the result."""


class TextMeter:
    """Measures text quickly, as the chart's PDF draws it (for layouts that measure many
    labels, or the same labels at several sizes).

    Each line is laid out once per process and font with the font files matplotlib picks
    for the text's properties under the rcParams in force (shaped, kerned, with fallback
    fonts, *unhinted*: what the PDF backend measures and draws), at :data:`MEASURE_PT`,
    and scaled: unhinted layout is linear in the size. The width is the widest line's;
    the height stacks the lines as matplotlib (>= 3.11) does, from the first font's line
    metrics (and a line's own glyphs where they reach further, with the default line
    spacing). This agrees with the PDF backend's measure within ~0.002 in, in ~10 us
    once the lines are known; :func:`text_size_in` measures a Text artist on the Agg
    canvas instead (glyphs hinted at the figure's dpi: up to ~0.05 in off at small sizes,
    and ~1 ms a call). With an older matplotlib, heights come from a Text artist of as
    many lines, measured once at the rcParams' font size.
    """

    def __init__(self, fig, *, fontweight: str = "normal", style: str = "normal",
                 linespacing: float | None = None) -> None:
        self._fig = fig
        self._kw: dict[str, Any] = {"fontweight": fontweight, "style": style, "linespacing": linespacing}
        self._paths: tuple | None = None

    def _fonts(self, fontsize: float) -> tuple:
        """The font files matplotlib draws this text with (looked up once, at the size the
        text is drawn at: matplotlib caches lookups by size, so this one is then reused)."""
        if self._paths is None:
            from matplotlib import font_manager as fm

            prop = fm.FontProperties(weight=self._kw["fontweight"], style=self._kw["style"],
                                     size=fontsize)
            self._paths = compat.font_files_for(prop)
        return self._paths

    def size_in(self, text: str, fontsize: float) -> tuple[float, float]:
        """Width and height in inches that ``text`` (lines split at newlines) takes at
        ``fontsize`` points."""
        if not text:
            return 0.0, 0.0  # matplotlib's box of an empty text
        paths = self._fonts(fontsize)
        lines = [_line_metrics(paths, line) for line in str(text).split("\n")]
        width = max(w for w, _a, _d in lines) * fontsize / 72
        spacing = self._kw["linespacing"]
        font = _font_metrics(paths)
        if font is None:
            return width, self._calibrated(paths, len(lines)) * fontsize
        ascent, descent, gap = font
        if len(lines) == 1:
            gap = 0.0
        if spacing is None or spacing == "normal":
            per_pt = sum(max(a, ascent) + max(d, descent) + gap for _w, a, d in lines)
        else:
            per_pt = len(lines) * float(spacing) * (ascent + descent)
        return width, per_pt * fontsize / 72

    def _calibrated(self, paths: tuple, n_lines: int) -> float:
        """Height in inches per point of a text of ``n_lines`` lines, measured as a Text
        artist at the rcParams' font size (the style's: never a size measured before, so
        that results do not depend on what this process drew earlier)."""
        import matplotlib

        at = float(matplotlib.rcParams["font.size"])
        key = (paths, tuple(sorted(self._kw.items())), n_lines, at)
        if key not in _LINE_HEIGHTS:
            sample = "\n".join(["lp"] * n_lines)
            _LINE_HEIGHTS[key] = text_size_in(self._fig, sample, at, **self._kw)[1] / at
        return _LINE_HEIGHTS[key]


_LINE_HEIGHTS: dict[tuple, float] = {}
"""(fonts, text properties, lines, size measured at) -> text box height in inches per
point of size (matplotlib < 3.11 only)."""


@lru_cache(maxsize=64)
def _font_metrics(paths: tuple) -> tuple[float, float, float] | None:
    """(ascent, descent, line gap) in points per point of size of the first of ``paths``,
    which matplotlib >= 3.11 stacks text lines with (the OS/2 table's typographic
    metrics, else the hhea table's); None for an older matplotlib."""
    from matplotlib import font_manager as fm

    if not compat.stacks_lines_by_font_metrics():
        return None
    font = fm.get_font(list(paths))
    head = font.get_sfnt_table("head")
    assert head is not None  # every TrueType font has one
    upem = head["unitsPerEm"]
    os2 = font.get_sfnt_table("OS/2")
    if os2 is not None:
        return os2["sTypoAscender"] / upem, -os2["sTypoDescender"] / upem, os2["sTypoLineGap"] / upem
    hhea = font.get_sfnt_table("hhea")
    if hhea is not None:
        return hhea["ascent"] / upem, -hhea["descent"] / upem, hhea["lineGap"] / upem
    return None


@lru_cache(maxsize=8192)
def _line_metrics(paths: tuple, line: str) -> tuple[float, float, float]:
    """(width, ascent, descent) of one unhinted line, in points per point of size."""
    from matplotlib import font_manager as fm

    if not line:
        return 0.0, 0.0, 0.0
    font = fm.get_font(list(paths))
    font.clear()
    font.set_size(MEASURE_PT, 72)
    font.set_text(line, 0.0, flags=compat.no_hinting_flag())
    w, h = font.get_width_height()
    d = font.get_descent()
    return w / 64 / MEASURE_PT, (h - d) / 64 / MEASURE_PT, d / 64 / MEASURE_PT


class MeterMeasure:
    """A :data:`briefgen.model.chart_fit.Measure` (``(text, size, bold=False,
    linespacing=None) -> (width, height)`` in inches) by :class:`TextMeter`s of ``fig``:
    what the charts hand the fit rules they share with ``validate``."""

    def __init__(self, fig) -> None:
        self._fig = fig
        self._meters: dict[tuple[bool, float | None], TextMeter] = {}

    def __call__(self, text: str, size: float, bold: bool = False,
                 linespacing: float | None = None) -> tuple[float, float]:
        meter = self._meters.get((bold, linespacing))
        if meter is None:
            meter = self._meters[(bold, linespacing)] = TextMeter(
                self._fig, fontweight="bold" if bold else "normal", linespacing=linespacing)
        return meter.size_in(text, size)
