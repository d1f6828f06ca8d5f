"""Chart style: fonts, sizes and colours shared by every chart kind, and small helpers.

Units: ``font_size`` in points; figure sizes elsewhere in inches. Colours are hex strings.

A style's fonts are TrueType files; :func:`rc_params` registers them with matplotlib
(:mod:`briefgen.charts.fontlist`) and gives the rcParams a chart is drawn under. Text is
measured with :mod:`briefgen.charts.measure`, glyph coverage checked with
:mod:`briefgen.charts.coverage`. Errors: :class:`briefgen.errors.RenderError` when a font
file is missing or unreadable.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from briefgen.charts.fontlist import register_choice, register_fonts
from briefgen.charts.fonts import Choice, _sha256, subset_for
from briefgen.charts.measure import MeterMeasure
from briefgen.errors import RenderError
from briefgen.model import chart_fit as fit
from briefgen.model.chart_fit import chars_per_line, wrap  # noqa: F401  (the charts' helpers)
from briefgen.model.chart_numbers import COMPARATOR_PREFIX, format_number  # noqa: F401  (likewise)

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.typing import RcKeyType

OKABE_ITO: tuple[str, ...] = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#D55E00",  # vermillion
    "#56B4E9",  # sky blue
    "#CC79A7",  # reddish purple
    "#F0E442",  # yellow (low contrast on white: last but one)
    "#000000",  # black
)
"""Okabe & Ito (2008) colour-blind-safe palette, ordered for use on a white page."""


def bundled_font() -> str:
    """Absolute path of DejaVu Sans as shipped inside matplotlib (always available)."""
    import matplotlib

    return str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf")


@dataclass(frozen=True)
class ChartStyle:
    """How charts look. Frozen and hashable.

    ``font_files``: absolute TTF/OTF paths; the first is the main font, later ones are
    fallbacks (e.g. a Han font) and/or other faces (bold) of the same families. Empty
    means DejaVu Sans from matplotlib. ``font_size`` in points (body text of the chart;
    the title is 1.15x). ``palette``: series/category colours in order.
    """

    font_files: tuple[str, ...] = ()
    font_size: float = 8.5
    palette: tuple[str, ...] = OKABE_ITO
    text_colour: str = "#222222"
    grid_colour: str = "#D9D9D9"
    background: str = "#FFFFFF"

    @property
    def fonts(self) -> tuple[str, ...]:
        """The font files actually used (the bundled DejaVu Sans when none are given)."""
        return self.font_files or (bundled_font(),)

    @property
    def title_size(self) -> float:
        """Title size in points."""
        return round(self.font_size * 1.15, 2)

    @property
    def small_size(self) -> float:
        """Size in points of secondary text (edge labels, legends of kinds)."""
        return round(max(self.font_size * 0.88, 6.0), 2)

    def colour(self, index: int) -> str:
        """The palette colour for series ``index`` (cycles)."""
        return self.palette[index % len(self.palette)]

    def cache_key(self) -> str:
        """A stable string identifying everything about the style that changes a drawing.

        Fonts are identified by file name and content hash (not by path), so the key is
        the same on every machine holding the same font files.
        """
        subsets = [subset_for(p) for p in self.fonts]
        payload = {
            "fonts": [[Path(p).name, _file_digest(p)] for p in self.fonts],
            # the chart subsets of the fonts (briefgen.charts.fonts) are drawn with too
            "subsets": [[Path(s).name, _file_digest(s)] for s in subsets if s],
            "font_size": self.font_size,
            "palette": list(self.palette),
            "text": self.text_colour,
            "grid": self.grid_colour,
            "background": self.background,
        }
        blob = json.dumps(payload, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(blob.encode()).hexdigest()


def _file_digest(path: str) -> str:
    """First 24 hex of the SHA-256 of a font file (one hash per file and process, shared
    with :mod:`briefgen.charts.fonts`). Raises RenderError when the file is missing."""
    try:
        st = os.stat(path)
    except OSError as exc:
        raise RenderError(f"font file not found: {path} ({exc.strerror})") from None
    return _sha256(os.fsdecode(path), st.st_size, st.st_mtime_ns)[:24]


def rc_params(style: ChartStyle, choice: Choice | None = None) -> dict[RcKeyType, Any]:
    """matplotlib rcParams for one render: literal text, Type 42 fonts, the style's look
    (``choice``: the fonts chosen by :func:`briefgen.charts.fonts.choose`; default: all of
    the style's fonts, full). Registers the fonts with matplotlib (RenderError for a
    missing or unreadable font file)."""
    fonts = style.fonts
    return {
        "font.family": register_fonts(fonts) if choice is None else register_choice(fonts, choice),
        "font.size": style.font_size,
        "text.parse_math": False,
        "text.usetex": False,
        "text.color": style.text_colour,
        "axes.labelcolor": style.text_colour,
        "axes.edgecolor": "#777777",
        "axes.linewidth": 0.6,
        "axes.titlesize": style.title_size,
        "axes.labelsize": style.font_size,
        "xtick.color": style.text_colour,
        "ytick.color": style.text_colour,
        "xtick.labelsize": style.font_size,
        "ytick.labelsize": style.font_size,
        "xtick.major.width": 0.6,
        "ytick.major.width": 0.6,
        "legend.fontsize": style.small_size,
        "legend.frameon": False,
        "grid.color": style.grid_colour,
        "grid.linewidth": 0.6,
        "figure.facecolor": style.background,
        "axes.facecolor": style.background,
        "savefig.facecolor": style.background,
        "pdf.fonttype": 42,
        "pdf.compression": 6,
        "svg.fonttype": "none",
        "path.simplify": False,
        "axes.unicode_minus": True,
        "axes.formatter.use_mathtext": False,
        "figure.dpi": 100,
    }


# --------------------------------------------------------------------------- text helpers
def tint(hex_colour: str, amount: float) -> str:
    """Mix ``hex_colour`` with white; ``amount`` 0 (unchanged) to 1 (white)."""
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i:i + 2], 16) for i in (0, 2, 4))
    mix = [round(c + (255 - c) * amount) for c in (r, g, b)]
    return "#" + "".join(f"{c:02X}" for c in mix)


# --------------------------------------------------------------------------- figure helpers
PAD_IN = fit.PAD_IN
"""Margin kept around the drawing, in inches (caption/source are printed by the layout)."""

LAYOUT_PAD = fit.LAYOUT_PAD
"""Inches between an axes' tick and axis labels and the figure's edges or the title, in
the charts that place their axes from measured text (bar, line): what matplotlib's
constrained layout would keep (that layout runs again on every draw, saving included,
so the built-in kinds do not use it)."""


def add_title(fig, title: str, style: ChartStyle) -> float:
    """Draw ``title`` literally at the top left of ``fig``, wrapped (by measured width) to
    the figure width less the margins. Returns the inches from the figure bottom to just
    below the title: the top of the space left for the drawing."""
    width_in, height_in = fig.get_figwidth(), fig.get_figheight()
    measure = MeterMeasure(fig)
    text = fit.wrapped_title(title, width_in, style.title_size, measure)
    fig.text(PAD_IN / width_in, 1 - PAD_IN / height_in, text, ha="left", va="top",
             color=style.text_colour, fontsize=style.title_size, fontweight="bold",
             linespacing=1.15)
    return height_in - PAD_IN - measure(text, style.title_size, bold=True, linespacing=1.15)[1] - fit.TITLE_GAP


def no_data(fig, style: ChartStyle, message: str = "No data to show") -> None:
    """Draw a centred note instead of an empty chart."""
    fig.text(0.5, 0.45, message, ha="center", va="center", fontsize=style.font_size,
             color="#777777", style="italic")


def join_limited(items, limit: int = 8) -> str:
    """``a, b, c`` or ``a, b, … and 7 more`` (for alternative text)."""
    items = list(items)
    if len(items) <= limit:
        return ", ".join(items)
    return ", ".join(items[:limit]) + f", … and {len(items) - limit} more"
