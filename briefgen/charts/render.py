"""Drawing a chart: its kind's draw function (looked up in :mod:`briefgen.charts.registry`)
onto a matplotlib figure, saved as a one-page vector PDF.

* :func:`draw` returns a :class:`matplotlib.figure.Figure` of ``chart.spec.width`` x
  ``chart.spec.height`` **inches** with the title drawn inside (caption and source line
  are not drawn: the layout prints them under the figure).
* :func:`render_pdf` returns the one-page vector PDF (bytes; fonts embedded as TrueType
  Type 42 subsets, text literal, byte-deterministic).
* :func:`warm_up` imports and prepares what drawing needs (before a process forks);
  :func:`import_drawing` only imports.

``matplotlib.pyplot`` is never imported. rcParams are global in matplotlib, so drawing
and saving run under one process-wide lock (:data:`RENDER_LOCK`): threads may call these
functions concurrently but charts are produced one at a time; use processes for
parallel rendering.

Errors: :class:`briefgen.errors.RenderError` for an unknown kind (with a did-you-mean),
data that does not fit the kind, labels that cannot fit the chart's size (the message
says what height would do), a missing font file, or any failure inside matplotlib (the
message names the chart id, kind and size in inches);
:class:`briefgen.errors.FontCoverageError` (a RenderError) when no font of the style has
a glyph for a character of the chart's text, instead of drawing a box;
:class:`briefgen.model.kinds.KindPluginError` when the kind's plugin cannot be loaded.
"""

from __future__ import annotations

import codecs
import contextlib
import io
import logging
import os
import threading
import warnings
from collections.abc import Iterator
from typing import TYPE_CHECKING

from briefgen.charts.coverage import missing_glyph, strings_in
from briefgen.charts.embed import twin_of
from briefgen.charts.fontlist import Slant
from briefgen.charts.fonts import chars_of, choose, subset_for
from briefgen.charts.registry import draw_function
from briefgen.charts.style import ChartStyle, rc_params
from briefgen.compat import matplotlib as compat
from briefgen.document.direction import has_rtl
from briefgen.errors import BriefgenError, FontCoverageError, RenderError

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from briefgen.model.resolved import ResolvedChart

RENDER_LOCK = threading.RLock()

PDF_METADATA = {"Creator": "briefgen", "Producer": None, "CreationDate": None,
                "ModDate": None}
"""Info dictionary of chart PDFs: no dates, so the bytes are deterministic."""

SAFETY_CHARS = frozenset(chr(c) for c in range(0x21, 0x7F)) | frozenset("−–—…≥≤·•’")
"""Characters the chart kinds make up themselves (numbers, signs, dates, dashes): chosen
fonts cover them from the start, so a chart is rarely drawn twice (see :func:`_drawn`)."""

SUBSET_TABLES = ("head", "hhea", "maxp", "OS/2", "hmtx", "cmap", "loca", "glyf", "post", "name",
                 "cvt ", "fpgm", "prep", "gasp")
"""Tables of a TrueType font that embedding it (subsetting it) reads."""


class _QuietFallbackWeights(logging.Filter):
    """Drop font_manager's "Failed to find font weight bold for <fallback font>" notes:
    a Han fallback font usually has one weight, and using it is intended."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "Failed to find font weight" not in record.getMessage()


logging.getLogger("matplotlib.font_manager").addFilter(_QuietFallbackWeights())


def _where(chart: "ResolvedChart") -> str:
    return f"chart {chart.id!r} ({chart.kind}, {chart.spec.width:g} x {chart.spec.height:g} in)"


def _check_coverage(chart: "ResolvedChart", style: ChartStyle, texts) -> None:
    """Raise FontCoverageError for text the chart cannot draw: right-to-left text (matplotlib
    neither shapes Arabic nor orders right-to-left text, so it would draw the letters unjoined
    and backwards), or a character no font of the style has."""
    rtl = next((str(t) for t in texts if t and has_rtl(str(t))), None)
    if rtl is not None:
        raise FontCoverageError(
            f"{_where(chart)}: chart labels in right-to-left scripts (Arabic, Hebrew, Persian) are not "
            f"supported: {rtl!r}; write it in Latin script (a transliteration such as 'Mohammad Javad Zarif'): "
            f"the chart's title, a timeline claim's 'label:', a bar figure's 'label:', a network entity's "
            f"'name:' (entities have no separate chart label), or the CSV file's text")
    miss = missing_glyph(texts, style)
    if miss:
        ch, text = miss
        raise FontCoverageError(
            f"chart {chart.id!r}: no font of the chart style has a glyph for {ch!r} "
            f"(U+{ord(ch):04X}), used in {text!r}; add a font covering it to the style's "
            f"font_files (fonts: {', '.join(p.rsplit('/', 1)[-1] for p in style.fonts)})")


def _draw_unlocked(chart: "ResolvedChart", style: ChartStyle) -> "Figure":
    """Draw under the rcParams in force (the caller's ``rc_context``)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fn = draw_function(chart)
    _check_coverage(chart, style, [chart.title, *strings_in(chart.data)])
    fig = Figure(figsize=(chart.spec.width, chart.spec.height), dpi=100)
    FigureCanvasAgg(fig)  # a renderer for measuring text; never registered with pyplot
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="Glyph .* missing from")
            fn(fig, chart, style)
    except BriefgenError:
        _dispose(fig)
        raise
    except Exception as exc:  # matplotlib / numpy failures become user-facing errors
        _dispose(fig)
        raise RenderError(f"{_where(chart)}: drawing failed: {exc}") from exc
    # text the kind made up (date forms, dashes, comparator signs) must be drawable too
    _check_coverage(chart, style, _drawn_texts(fig))
    return fig


def _dispose(fig: "Figure") -> None:
    """Drop what ``fig`` holds (as ``fig.clear()``, without resetting each Axes first,
    which would make new ticks only to drop them: ~3 ms per Axes)."""
    for ax in list(fig.axes):
        fig.delaxes(ax)
    fig.clear()


def _drawn_texts(fig: "Figure") -> list[str]:
    """The strings of the figure's Text artists, in ``findobj`` order, leaving out the
    axis artists (ticks, axis labels) of an Axes drawn without axes (``set_axis_off``):
    they are never drawn, and listing them would make matplotlib create ticks (~1 ms
    each)."""
    import matplotlib.axis
    import matplotlib.text

    out: list[str] = []

    def walk(artist) -> None:
        for child in artist.get_children():
            if isinstance(child, matplotlib.axis.Axis) and not child.axes.axison:
                continue
            walk(child)
        if isinstance(artist, matplotlib.text.Text):
            out.append(artist.get_text())

    walk(fig)
    return out


@contextlib.contextmanager
def _drawn(chart: "ResolvedChart", style: ChartStyle) -> Iterator["Figure"]:
    """Draw ``chart`` under the style's rcParams with the fonts it needs (see
    :func:`briefgen.charts.fonts.choose`: small subsets of the fonts when they have every
    character, no fallback font that adds nothing) and yield the figure, still under those
    rcParams; the figure is cleared afterwards. Should the drawn text need characters
    the chosen fonts were not chosen for, the chart is drawn again with the right ones,
    so the result is always what the full fonts would give."""
    import matplotlib

    chars = chars_of([chart.title, *strings_in(chart.data)]) | SAFETY_CHARS
    choice = choose(style.fonts, chars)
    while True:
        with matplotlib.rc_context(rc_params(style, choice)):
            fig = _draw_unlocked(chart, style)
            drawn = chars_of(_drawn_texts(fig))
            if drawn <= chars or choose(style.fonts, chars | drawn) == choice:
                try:
                    yield fig
                finally:
                    _dispose(fig)
                return
            _dispose(fig)
        chars |= drawn
        choice = choose(style.fonts, chars)


_WARMED: set[ChartStyle] = set()
"""The chart styles :func:`warm_up` has prepared in this process (and its forks)."""


def import_drawing() -> None:
    """Import what drawing and saving any chart needs (matplotlib's figure, Agg and PDF
    backends, fontTools' table modules), so that the first chart does not pay for it.
    Idempotent and cheap once done."""
    import matplotlib  # noqa: F401
    import matplotlib.backends.backend_agg  # noqa: F401
    import matplotlib.backends.backend_pdf  # noqa: F401
    import matplotlib.collections  # noqa: F401
    import matplotlib.figure  # noqa: F401
    import matplotlib.legend  # noqa: F401
    import matplotlib.lines  # noqa: F401
    import matplotlib.patches  # noqa: F401
    import matplotlib.text  # noqa: F401
    import matplotlib.ticker  # noqa: F401
    from fontTools.ttLib import getTableModule

    for tag in SUBSET_TABLES:  # fontTools imports a module per table on first use
        getTableModule(tag)
    codecs.lookup("utf_32_be")  # the PDF backend's first text needs it


def warm_up(style: ChartStyle | None = None) -> None:
    """Import what drawing and saving need (:func:`import_drawing`), register the style's
    fonts and find (or make) their embedding twins (:mod:`briefgen.charts.embed`), so that
    a process forked afterwards starts drawing at once. A style already prepared in this
    process is not prepared again."""
    import matplotlib
    from matplotlib import font_manager

    import_drawing()
    style = style or ChartStyle()
    if style in _WARMED:
        return
    choice = choose(style.fonts, SAFETY_CHARS)
    rc = rc_params(style, choice)
    for faces, subset in choice:
        for face in faces:
            twin_of(os.fsdecode((subset and subset_for(face)) or face))
    # matplotlib looks fonts up per (family, weight, style, size) and rcParams, scoring
    # every font of the system for a combination a family has no face for: make the
    # usual ones now, under the rcParams charts drawn with these fonts have
    if compat.can_find_font_lists():
        with matplotlib.rc_context(rc):
            looks: tuple[tuple[str, Slant, float], ...] = (("bold", "normal", style.title_size),
                                                           ("normal", "normal", style.font_size),
                                                           ("normal", "normal", style.small_size),
                                                           ("normal", "italic", style.small_size))
            for weight, slant, size in looks:
                compat.font_files_for(font_manager.FontProperties(weight=weight, style=slant, size=size))
    _WARMED.add(style)


def draw(chart: "ResolvedChart", style: ChartStyle | None = None) -> "Figure":
    """Draw ``chart`` and return the figure (``spec.width`` x ``spec.height`` inches).

    Text properties are fixed when drawn, so the figure can be saved later; saving under
    the style's rcParams (as :func:`render_pdf` does) is still recommended.
    Raises RenderError (unknown kind, bad data, labels that do not fit, missing font,
    matplotlib failure) or FontCoverageError.
    """
    import matplotlib

    style = style or ChartStyle()
    with RENDER_LOCK, matplotlib.rc_context(rc_params(style)):
        return _draw_unlocked(chart, style)


def render_pdf(chart: "ResolvedChart", style: ChartStyle | None = None) -> bytes:
    """The chart as a one-page vector PDF (bytes), byte-for-byte reproducible.

    Fonts are embedded as TrueType (Type 42) subsets, so text is selectable and
    extractable; no raster images are produced. The figure is dropped afterwards.
    Raises RenderError or FontCoverageError, as :func:`draw`.
    """
    from matplotlib.backends.backend_pdf import FigureCanvasPdf

    style = style or ChartStyle()
    buf = io.BytesIO()
    with RENDER_LOCK, _drawn(chart, style) as fig:
        try:
            FigureCanvasPdf(fig).print_figure(buf, format="pdf", metadata=PDF_METADATA)
        except BriefgenError:
            raise
        except Exception as exc:
            raise RenderError(f"{_where(chart)}: saving PDF failed: {exc}") from exc
    return buf.getvalue()
