"""Every use of matplotlib's private API, in one place, with the versions it was written for.

Written for and checked against matplotlib 3.11 (:data:`SUPPORTED`, the same range as the
``matplotlib`` pin in ``pyproject.toml``; the code paths for 3.8 to 3.10 are kept but
were not run here). :data:`VERSION_OK` says whether the installed matplotlib is in that
range. Outside it, each section says what it does. matplotlib itself is imported by the
functions, never by importing this module (``briefgen validate`` imports no matplotlib):
the version is read from the installed package's metadata (its folder's name when that says,
:mod:`briefgen.compat.installed`).

Sections: imports (the 3D axes left out), fonts in the font manager (the font list, its lookup cache, weights by name,
the files a text is drawn with), text layout (load flags, line stacking), font
embedding (``get_glyphs_subset``), then character codes (``CharacterTracker``).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from briefgen.compat import VersionRange, in_range, installed, require

SUPPORTED: VersionRange = ((3, 8), (3, 12))


@lru_cache(maxsize=1)
def installed_version() -> str:
    """matplotlib's version from its installed metadata ("0" when there is none: then
    nothing private is relied on, and drawing refuses in :func:`font_list`). Read once per
    process (:func:`briefgen.compat.installed.version`)."""
    return installed.version("matplotlib")


VERSION: str = installed_version()
VERSION_OK: bool = in_range(VERSION, SUPPORTED)


def require_supported(feature: str) -> None:
    """Raise :class:`~briefgen.compat.UnsupportedLibraryError` naming ``feature`` if the
    installed matplotlib is outside :data:`SUPPORTED` (for internals that have no fallback)."""
    require("matplotlib", VERSION, SUPPORTED, feature)


# =========================================================================== imports
def import_without_3d_axes() -> None:
    """Import ``matplotlib.projections`` without its 3D axes (``mpl_toolkits.mplot3d``,
    about a tenth of matplotlib's import): for a chart process that briefgen owns and that
    never draws in 3D. ``matplotlib.projections`` (3.8 to 3.11) imports ``Axes3D`` inside
    ``try/except Exception`` and registers no 3D projection when that fails, with a warning
    that is silenced here. Outside :data:`SUPPORTED`, or when matplotlib's projections are
    already imported, it imports them as they come. Afterwards ``mpl_toolkits.mplot3d``
    can still be imported explicitly."""
    import sys
    import warnings

    if not VERSION_OK or "matplotlib.projections" in sys.modules or "mpl_toolkits.mplot3d" in sys.modules:
        import matplotlib.projections  # noqa: F401
        return
    sys.modules["mpl_toolkits.mplot3d"] = None  # type: ignore[assignment]  # makes the import fail
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="Unable to import Axes3D")
            import matplotlib.projections  # noqa: F401
    finally:
        if sys.modules.get("mpl_toolkits.mplot3d", False) is None:
            del sys.modules["mpl_toolkits.mplot3d"]


# =========================================================================== fonts
# Internals used: ``fontManager.ttflist`` (reordered in place: of equally good candidates
# matplotlib picks the first), its entries' ``weight`` (given by name), ``fontManager.
# _findfont_cached`` (cleared after a reorder), ``fontManager._find_fonts_by_props`` (the files a
# text with fallback families is drawn with). Outside SUPPORTED: the font list raises (which
# file draws a family would depend on what the process drew before); the rest falls back
# (lookups are not primed; a text is measured with the first font of its family list only).

def font_list() -> list[Any]:
    """The font manager's list of font entries (``fontManager.ttflist``), to be reordered in
    place. Raises UnsupportedLibraryError outside :data:`SUPPORTED`."""
    require_supported("the choice of chart fonts (matplotlib's font list)")
    from matplotlib import font_manager as fm

    return fm.fontManager.ttflist


def forget_font_lookups() -> None:
    """Clear the font manager's cache of lookups (after :func:`font_list` was reordered)."""
    from matplotlib import font_manager as fm

    cache = getattr(fm.fontManager, "_findfont_cached", None)
    if cache is not None and hasattr(cache, "cache_clear"):
        cache.cache_clear()


def with_named_weight(entry: Any) -> Any:
    """``entry`` (a font-list entry) with its weight 400 or 700 given by name.

    matplotlib scores candidate fonts for each new (family, size, weight, style) asked
    for, and stops at a perfect score, which a weight only gets when both sides name it
    ("bold" == "bold"; 700 against "bold" scores 0.05): with numbers, every lookup scores
    all ~400 fonts of the system (~1.3 ms), with names it stops at the style's own font,
    which is first in the list. The font chosen is the same.
    """
    name = {400: "normal", 700: "bold"}.get(entry.weight)
    return dataclasses.replace(entry, weight=name) if name else entry


def renamed_entry(entry: Any, *, fname: str, name: str) -> Any:
    """A copy of the font-list ``entry`` for the file ``fname`` under the family ``name``."""
    return dataclasses.replace(entry, fname=fname, name=name)


def found_path(found: Any) -> str:
    """The path ``findfont`` returned (a ``FontPath`` from matplotlib 3.11, a str before)."""
    return os.fsdecode(getattr(found, "path", found))


def can_find_font_lists() -> bool:
    """True when :func:`font_files_for` gives a text's whole family list (and primes
    matplotlib's lookup of it)."""
    from matplotlib import font_manager as fm

    return VERSION_OK and getattr(fm.fontManager, "_find_fonts_by_props", None) is not None


def font_files_for(prop: Any) -> tuple[str, ...]:
    """The font files matplotlib draws text of the FontProperties ``prop`` with, fallback
    fonts of its family list included; without :func:`can_find_font_lists`, the one file
    ``findfont`` gives."""
    from matplotlib import font_manager as fm

    if can_find_font_lists():
        return tuple(fm.fontManager._find_fonts_by_props(prop))
    return (found_path(fm.findfont(prop)),)


# =========================================================================== text layout
@lru_cache(maxsize=1)
def no_hinting_flag() -> Any:
    """The FT2Font load flag for unhinted outlines (``LoadFlags.NO_HINTING`` from matplotlib
    3.10, ``LOAD_NO_HINTING`` before)."""
    from matplotlib import ft2font

    flags = getattr(ft2font, "LoadFlags", None)
    return flags.NO_HINTING if flags is not None else ft2font.LOAD_NO_HINTING  # type: ignore[attr-defined]


@lru_cache(maxsize=1)
def stacks_lines_by_font_metrics() -> bool:
    """True when matplotlib (>= 3.11) stacks the lines of a text by the first font's line
    metrics (so :class:`briefgen.charts.measure.TextMeter` can compute heights)."""
    import matplotlib

    return tuple(matplotlib.__version_info__[:2]) >= (3, 11)


# =========================================================================== font embedding
# Internal used: ``matplotlib.backends._backend_pdf_ps.get_glyphs_subset(fontfile, characters)``,
# the function the PDF and PS backends subset a font with (``fontfile`` a str, or from 3.11 a
# ``FontPath`` with ``face_index``). Outside SUPPORTED it is left alone: fonts are embedded whole
# (larger chart PDFs, drawn the same).

def hook_glyph_subsetting(substitute: Callable[[str], str | None]) -> bool:
    """Make the PDF and PS backends subset the file ``substitute(path)`` instead of the font
    file at ``path`` whenever it returns a path (once per process). Returns False when
    nothing was hooked (outside :data:`SUPPORTED`, or no ``get_glyphs_subset``)."""
    if not VERSION_OK:
        return False
    try:
        from matplotlib.backends import _backend_pdf_ps as pdf_ps
    except ImportError:  # pragma: no cover - another matplotlib
        return False
    original = getattr(pdf_ps, "get_glyphs_subset", None)
    if original is None:  # pragma: no cover - another matplotlib
        return False
    if getattr(original, "_briefgen_lean", False):
        return True

    def get_glyphs_subset(fontfile, *args, **kwargs):
        twin = substitute(os.fsdecode(str(fontfile)))
        if twin is not None and getattr(fontfile, "face_index", 0) == 0:
            # the same kind of path matplotlib passed (FontPath(path, face_index) or str)
            fontfile = type(fontfile)(twin, 0) if hasattr(fontfile, "face_index") else twin
        return original(fontfile, *args, **kwargs)

    get_glyphs_subset._briefgen_lean = True  # type: ignore[attr-defined]
    get_glyphs_subset.__wrapped__ = original  # type: ignore[attr-defined]
    get_glyphs_subset.__doc__ = original.__doc__
    pdf_ps.get_glyphs_subset = get_glyphs_subset
    return True


# =========================================================================== character codes
# Internals used: ``matplotlib.backends._backend_pdf_ps.CharacterTracker.track_glyph`` (wrapped), its
# ``used`` (font path -> list of subsets, each character code -> glyph index) and ``glyph_maps`` (font
# path -> ``GlyphMap`` with ``add``), keyed by ``font_manager.FontPath``: matplotlib 3.11. Earlier
# versions number a font's codes by Unicode (no code 0) and have no such tracker: nothing to do.

def keep_code_zero_for_notdef() -> bool:
    """Make the PDF backend never show character code 0 of a Type 42 font (once per process).

    matplotlib 3.11 puts glyphs that are not the font's default glyph for a character (ligatures
    such as "ff", alternates) in extra subsets whose codes -- CIDs under Identity-H -- count from
    0. CID 0 is the CID-keyed fonts' ``.notdef`` by convention, and PDF/UA-1 (ISO 14289-1 7.21.8;
    Matterhorn 31) forbids showing ``.notdef``; checkers that go by the CID report those glyphs.
    Wrapped, an extra subset starts at code 1; its code 0 maps to glyph 0 (``.notdef``, Unicode
    U+FFFD in the ToUnicode map) and is never shown. The drawing is the same. Returns False when
    nothing was wrapped (another matplotlib)."""
    if not VERSION_OK:
        return False
    try:
        from matplotlib import font_manager
        from matplotlib.backends import _backend_pdf_ps as pdf_ps
    except ImportError:  # pragma: no cover - another matplotlib
        return False
    tracker = getattr(pdf_ps, "CharacterTracker", None)
    original = getattr(tracker, "track_glyph", None)
    font_path = getattr(font_manager, "FontPath", None)
    if tracker is None or original is None or font_path is None or not hasattr(tracker(), "glyph_maps"):
        return False
    if getattr(original, "_briefgen_notdef", False):
        return True

    def track_glyph(self, font, chars, glyph):
        subset, code = original(self, font, chars, glyph)
        if subset == 0 or code != 0:
            return subset, code
        key = font_path(font.fname, font.face_index)
        codes = self.used[key][subset]
        codes[1], codes[0] = codes[0], 0
        self.glyph_maps[key].add(chars if isinstance(chars, str) else chr(chars), glyph, subset, 1)
        self.glyph_maps[key].add("\ufffd", 0, subset, 0)
        return subset, 1

    track_glyph._briefgen_notdef = True  # type: ignore[attr-defined]
    track_glyph.__wrapped__ = original  # type: ignore[attr-defined]
    tracker.track_glyph = track_glyph
    return True
