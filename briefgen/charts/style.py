"""Chart style: fonts, sizes and colours shared by every chart kind.

Units: ``font_size`` in points; figure sizes elsewhere in inches. Colours are hex strings.

Fonts are TrueType files registered with matplotlib's font manager (once per path); the
charts use the *family names* of those files as a family list, so matplotlib's per-glyph
fallback draws a character missing from the main font (e.g. Han) with a later font. A
style's files lead the font manager's list in one fixed order, with their weights given
by name, so that font lookups stop at them and stay cached from chart to chart (see
:func:`register_fonts`). :class:`TextMeter` measures text as the PDF draws it, quickly.
Errors: :class:`briefgen.errors.RenderError` when a font file is missing or unreadable.
"""

from __future__ import annotations

import hashlib
import json
import os
import textwrap
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from briefgen.errors import RenderError

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
        from briefgen.charts.fonts import subset_for

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
    try:
        st = os.stat(path)
    except OSError as exc:
        raise RenderError(f"font file not found: {path} ({exc.strerror})") from None
    from briefgen.charts.fonts import _sha256  # one hash per font file and process, shared

    return _sha256(os.fsdecode(path), st.st_size, st.st_mtime_ns)[:24]


# --------------------------------------------------------------------------- fonts
_FONT_LOCK = threading.Lock()
_FAMILIES: dict[str, str] = {}  # path -> family name


_ENTRIES: dict[str, list] = {}
"""matplotlib font-list entries of every file briefgen registered, by path (kept so that a
file set aside for one style can be put back for another)."""

REGISTERED: set[str] = set()
"""Paths of every font file briefgen registered with matplotlib: the styles' files and
their chart subsets (see :mod:`briefgen.charts.embed`)."""


def register_fonts(style: ChartStyle, files=None) -> list[str]:
    """Register the style's font files with matplotlib (once per path) and return the
    family list of ``files`` (default: all of the style's files), in order, without
    duplicates.

    The style's files are moved to the front of the font manager's list so that they win
    over same-named system fonts. Raises RenderError for a missing/unreadable file.
    """
    from matplotlib import font_manager as fm

    from briefgen.charts.embed import install

    install()  # chart PDFs embed these fonts without their layout tables
    families: list[str] = []
    every = [os.fsdecode(p) for p in style.fonts]
    paths = every if files is None else [os.fsdecode(p) for p in files]
    with _FONT_LOCK:
        ttf = fm.fontManager.ttflist
        for path in dict.fromkeys(every + paths):
            if path in _FAMILIES:
                continue
            if not os.path.isfile(path):
                raise RenderError(f"font file not found: {path}")
            try:
                fm.fontManager.addfont(path)
                name = fm.FontProperties(fname=path).get_name()
            except (OSError, RuntimeError, ValueError) as exc:
                raise RenderError(f"cannot read font file {path}: {exc}") from None
            _FAMILIES[path] = name
            ttf[:] = [_named_weight(e) if os.fsdecode(e.fname) == path else e for e in ttf]
            _ENTRIES[path] = [e for e in ttf if os.fsdecode(e.fname) == path]
            REGISTERED.add(path)
        for path in paths:
            if _FAMILIES[path] not in families:
                families.append(_FAMILIES[path])
        # Which file draws a family (and its bold and italic) must depend on this style
        # only, never on what this process drew before: put exactly the style's files
        # first, in the style's order, and set aside files registered for other styles
        # under the same family names (matplotlib picks the first of equally good
        # candidates). The order is the same for every chart of the style, whichever
        # fonts it uses, so matplotlib's font lookup cache is cleared only when the
        # style changes.
        order = list(dict.fromkeys(every + paths))
        wanted = set(order)
        ours = [e for p in order for e in _ENTRIES[p]]
        clash = {e.name for e in ours}
        rest = [e for e in ttf if os.fsdecode(e.fname) not in wanted
                and not (e.name in clash and os.fsdecode(e.fname) in _ENTRIES)]
        if ttf != ours + rest:
            ttf[:] = ours + rest
            cache = getattr(fm.fontManager, "_findfont_cached", None)
            if cache is not None and hasattr(cache, "cache_clear"):
                cache.cache_clear()
    return families


def _named_weight(entry):
    """``entry`` (a matplotlib font-list entry) with its weight 400 or 700 given by name.

    matplotlib scores candidate fonts for each new (family, size, weight, style) asked
    for, and stops at a perfect score, which a weight only gets when both sides name it
    ("bold" == "bold"; 700 against "bold" scores 0.05): with numbers, every lookup scores
    all ~400 fonts of the system (~1.3 ms), with names it stops at the style's own font,
    which is first in the list. The font chosen is the same.
    """
    from dataclasses import replace

    name = {400: "normal", 700: "bold"}.get(entry.weight)
    return replace(entry, weight=name) if name else entry


COMBOS = (("normal", "normal"), ("bold", "normal"), ("normal", "italic"), ("bold", "italic"))
"""The (weight, style) pairs chart kinds draw text in."""
_SUBSET_FAMILIES: dict[tuple[str, tuple[str, ...]], str | None] = {}


def register_choice(style: ChartStyle, choice) -> list[str]:
    """Register the fonts of ``choice`` (from :func:`briefgen.charts.fonts.choose`) with
    matplotlib and return the family list: per family, the name its subsets are
    registered under when they may stand in for the faces, else its own name."""
    names: list[str] = []
    for faces, subset in choice:
        name = register_fonts(style, faces)[0]
        if subset:
            name = _subset_family(name, tuple(os.fsdecode(f) for f in faces)) or name
        if name not in names:
            names.append(name)
    register_fonts(style, [])  # subsets registered just now went first: the style's order again
    return names


def _subset_family(name: str, faces: tuple[str, ...]) -> str | None:
    """Register the subsets of ``faces`` (one family, already registered) as a family of
    their own and return its name, or None when they may not replace the faces: some
    (weight, style) of :data:`COMBOS` resolves to a font outside ``faces``."""
    from dataclasses import replace

    from matplotlib import font_manager as fm

    from briefgen.charts.fonts import subset_for

    key = (name, faces)
    with _FONT_LOCK:
        if key in _SUBSET_FAMILIES:
            return _SUBSET_FAMILIES[key]
        resolved = set()
        for weight, slant in COMBOS:
            prop = fm.FontProperties(family=[name], weight=weight, style=slant)
            try:
                found = fm.fontManager.findfont(prop, fallback_to_default=False)
                resolved.add(os.fsdecode(getattr(found, "path", found)))  # FontPath (3.11+) or str
            except ValueError:
                resolved.add(None)
        subsets = [subset_for(f) for f in faces]
        if not resolved <= set(faces) or not all(subsets):
            _SUBSET_FAMILIES[key] = None
            return None
        token = hashlib.sha256("\0".join(subsets).encode()).hexdigest()[:10]
        subset_name = f"{name} (briefgen subset {token})"
        ttf = fm.fontManager.ttflist
        originals = {os.fsdecode(e.fname): e for e in ttf if e.name == name}
        ours = [replace(originals[f], fname=sub, name=subset_name) for f, sub in zip(faces, subsets)
                if f in originals]
        ttf[:] = ours + [e for e in ttf if e.name != subset_name]
        REGISTERED.update(subsets)
        cache = getattr(fm.fontManager, "_findfont_cached", None)
        if cache is not None and hasattr(cache, "cache_clear"):
            cache.cache_clear()
        _SUBSET_FAMILIES[key] = subset_name
        return subset_name


def rc_params(style: ChartStyle, choice=None) -> dict[str, object]:
    """matplotlib rcParams for one render: literal text, Type 42 fonts, the style's look
    (``choice``: the fonts chosen by :func:`briefgen.charts.fonts.choose`; default: all of
    the style's fonts, full)."""
    return {
        "font.family": register_fonts(style) if choice is None else register_choice(style, choice),
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
def wrap(text: str, width: int) -> str:
    """Wrap ``text`` to lines of at most ``width`` characters (long words are broken only
    when longer than ``width``)."""
    width = max(int(width), 8)
    lines: list[str] = []
    for para in str(text).splitlines() or [""]:
        lines.extend(textwrap.wrap(para, width, break_long_words=True,
                                   break_on_hyphens=True) or [""])
    return "\n".join(lines)


def chars_per_line(width_in: float, font_size: float) -> int:
    """Roughly how many average characters of ``font_size`` points fit in ``width_in``
    inches (average glyph ~0.55 em)."""
    return max(int(width_in * 72 / (font_size * 0.55)), 8)


def format_number(value: float) -> str:
    """Thousands separators; integers without decimals, others with up to 2 (``1,300``,
    ``2.5``)."""
    if float(value).is_integer():
        return f"{int(value):,}"
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return text


COMPARATOR_PREFIX = {"=": "", "": "", ">": ">", ">=": "≥", "<": "<", "<=": "≤", "~": "~"}
"""Prefix drawn before a value for a figure comparator ('>' reads "more than")."""


def tint(hex_colour: str, amount: float) -> str:
    """Mix ``hex_colour`` with white; ``amount`` 0 (unchanged) to 1 (white)."""
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i:i + 2], 16) for i in (0, 2, 4))
    mix = [round(c + (255 - c) * amount) for c in (r, g, b)]
    return "#" + "".join(f"{c:02X}" for c in mix)


# --------------------------------------------------------------------------- figure helpers
PAD_IN = 0.06
"""Margin kept around the drawing, in inches (caption/source are printed by the layout)."""

LAYOUT_PAD = 0.04
"""Inches between an axes' tick and axis labels and the figure's edges or the title, in
the charts that place their axes from measured text (bar, line): what the constrained
layout of :func:`layout_below` keeps (that layout runs again on every draw, saving
included, so the built-in kinds do not use it)."""


def add_title(fig, title: str, style: ChartStyle) -> float:
    """Draw ``title`` literally at the top left of ``fig``, wrapped (by measured width) to
    the figure width less the margins. Returns the inches from the figure bottom to just
    below the title: the top of the space left for the drawing."""
    width_in, height_in = fig.get_figwidth(), fig.get_figheight()
    avail = width_in - 2 * PAD_IN
    meter = TextMeter(fig, fontweight="bold", linespacing=1.15)
    chars = chars_per_line(avail, style.title_size) + 12
    text = wrap(title, chars)
    while chars > 10:
        text = wrap(title, chars)
        if meter.size_in(text, style.title_size)[0] <= avail:
            break
        chars -= 2
    fig.text(PAD_IN / width_in, 1 - PAD_IN / height_in, text, ha="left", va="top",
             color=style.text_colour, fontsize=style.title_size, fontweight="bold",
             linespacing=1.15)
    return height_in - PAD_IN - meter.size_in(text, style.title_size)[1] - 0.1


def layout_below(fig, top_in: float, pad_in: float = LAYOUT_PAD) -> None:
    """Use constrained layout for the figure's axes, legends and labels, inside the figure
    below ``top_in`` inches (the title's bottom) with ``PAD_IN`` margins."""
    h = fig.get_figheight()
    fig.set_layout_engine("constrained", h_pad=pad_in, w_pad=pad_in,
                          rect=(0, 0, 1, max(top_in, 0.1) / h))


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
        self._kw = {"fontweight": fontweight, "style": style, "linespacing": linespacing}
        self._paths: tuple | None = None

    def _fonts(self, fontsize: float) -> tuple:
        """The font files matplotlib draws this text with (looked up once, at the size the
        text is drawn at: matplotlib caches lookups by size, so this one is then reused)."""
        if self._paths is None:
            from matplotlib import font_manager as fm

            prop = fm.FontProperties(weight=self._kw["fontweight"], style=self._kw["style"],
                                     size=fontsize)
            find = getattr(fm.fontManager, "_find_fonts_by_props", None)  # matplotlib >= 3.6
            self._paths = tuple(find(prop)) if find is not None else (fm.findfont(prop),)
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
    import matplotlib
    from matplotlib import font_manager as fm

    if matplotlib.__version_info__ < (3, 11):
        return None
    font = fm.get_font(list(paths))
    upem = font.get_sfnt_table("head")["unitsPerEm"]
    for table, gap, asc, desc in (("OS/2", "sTypoLineGap", "sTypoAscender", "sTypoDescender"),
                                  ("hhea", "lineGap", "ascent", "descent")):
        values = font.get_sfnt_table(table)
        if values is not None:
            return values[asc] / upem, -values[desc] / upem, values[gap] / upem
    return None


@lru_cache(maxsize=8192)
def _line_metrics(paths: tuple, line: str) -> tuple[float, float, float]:
    """(width, ascent, descent) of one unhinted line, in points per point of size."""
    from matplotlib import font_manager as fm
    from matplotlib.ft2font import LoadFlags

    if not line:
        return 0.0, 0.0, 0.0
    font = fm.get_font(list(paths))
    font.clear()
    font.set_size(MEASURE_PT, 72)
    font.set_text(line, 0.0, flags=LoadFlags.NO_HINTING)
    w, h = font.get_width_height()
    d = font.get_descent()
    return w / 64 / MEASURE_PT, (h - d) / 64 / MEASURE_PT, d / 64 / MEASURE_PT


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


# --------------------------------------------------------------------------- font coverage
def _charmap(path: str) -> frozenset[int]:
    """The code points ``path`` has glyphs for (cached per path, shared with the choice of
    chart fonts)."""
    from briefgen.charts.fonts import _cmap

    return _cmap(path)


def _ignorable(ch: str) -> bool:
    import unicodedata

    return unicodedata.category(ch)[0] in "CZ"  # controls, format chars, spaces


def missing_glyph(texts, style: ChartStyle) -> tuple[str, str] | None:
    """The first ``(character, text)`` among ``texts`` that no font of ``style`` can draw,
    or None when every character is covered (whitespace and controls are ignored)."""
    maps = [_charmap(os.fsdecode(p)) for p in style.fonts]
    covered: set[str] = set()  # characters already checked
    for text in texts:
        for ch in str(text):
            if ch in covered:
                continue
            if not _ignorable(ch) and not any(ord(ch) in m for m in maps):
                return ch, str(text)
            covered.add(ch)
    return None


def strings_in(value) -> list[str]:
    """Every string inside a (nested) dataclass / tuple / list value, in order."""
    import dataclasses

    out: list[str] = []
    if isinstance(value, str):
        out.append(value)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            out += strings_in(getattr(value, f.name))
    elif isinstance(value, (tuple, list)):
        for item in value:
            out += strings_in(item)
    return out
