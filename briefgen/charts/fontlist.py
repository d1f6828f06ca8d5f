"""The chart fonts in matplotlib's font list: registered once per file, in a fixed order.

Charts use the *family names* of a style's font files as a family list, so matplotlib's
per-glyph fallback draws a character missing from the main font (e.g. Han) with a later
font. A style's files lead the font manager's list in one fixed order, with their weights
given by name, so that font lookups stop at them and stay cached from chart to chart
(:func:`register_fonts`). The chart subsets of a family (:mod:`briefgen.charts.fonts`)
are registered as a family of their own when they may stand in for its faces
(:func:`register_choice`).

Functions take the style's font files (``ChartStyle.fonts``: absolute paths, the main
font first). The font list itself is reached through :mod:`briefgen.compat.matplotlib`.
Errors: :class:`briefgen.errors.RenderError` when a font file is missing or unreadable;
:class:`briefgen.compat.UnsupportedLibraryError` with a matplotlib briefgen was not
written for.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Sequence
from typing import Literal

from briefgen.charts.embed import REGISTERED, install
from briefgen.charts.fonts import Choice, subset_for
from briefgen.compat import matplotlib as compat
from briefgen.errors import RenderError

_FONT_LOCK = threading.Lock()
_FAMILIES: dict[str, str] = {}  # path -> family name

_ENTRIES: dict[str, list] = {}
"""matplotlib font-list entries of every file briefgen registered, by path (kept so that a
file set aside for one style can be put back for another)."""

Slant = Literal["normal", "italic"]
"""The font styles chart kinds draw text in (matplotlib's ``style`` of a font)."""

COMBOS: tuple[tuple[str, Slant], ...] = (
    ("normal", "normal"), ("bold", "normal"), ("normal", "italic"), ("bold", "italic"))
"""The (weight, style) pairs chart kinds draw text in."""
_SUBSET_FAMILIES: dict[tuple[str, tuple[str, ...]], str | None] = {}


def register_fonts(fonts: Sequence[str], files: Sequence[str] | None = None) -> list[str]:
    """Register a style's font files ``fonts`` with matplotlib (once per path) and return
    the family list of ``files`` (default: all of ``fonts``), in order, without
    duplicates.

    The style's files are moved to the front of the font manager's list so that they win
    over same-named system fonts. Raises RenderError for a missing/unreadable file.
    """
    from matplotlib import font_manager as fm

    install()  # chart PDFs embed these fonts without their layout tables
    families: list[str] = []
    every = [os.fsdecode(p) for p in fonts]
    paths = every if files is None else [os.fsdecode(p) for p in files]
    with _FONT_LOCK:
        ttf = compat.font_list()
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
            ttf[:] = [compat.with_named_weight(e) if os.fsdecode(e.fname) == path else e for e in ttf]
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
            compat.forget_font_lookups()
    return families


def register_choice(fonts: Sequence[str], choice: Choice) -> list[str]:
    """Register the fonts of ``choice`` (from :func:`briefgen.charts.fonts.choose`) of a
    style whose font files are ``fonts`` with matplotlib and return the family list: per
    family, the name its subsets are registered under when they may stand in for the
    faces, else its own name."""
    names: list[str] = []
    for faces, subset in choice:
        name = register_fonts(fonts, faces)[0]
        if subset:
            name = _subset_family(name, tuple(os.fsdecode(f) for f in faces)) or name
        if name not in names:
            names.append(name)
    register_fonts(fonts, [])  # subsets registered just now went first: the style's order again
    return names


def _subset_family(name: str, faces: tuple[str, ...]) -> str | None:
    """Register the subsets of ``faces`` (one family, already registered) as a family of
    their own and return its name, or None when they may not replace the faces: some
    (weight, style) of :data:`COMBOS` resolves to a font outside ``faces``."""
    from matplotlib import font_manager as fm

    key = (name, faces)
    with _FONT_LOCK:
        if key in _SUBSET_FAMILIES:
            return _SUBSET_FAMILIES[key]
        resolved: set[str | None] = set()
        for weight, slant in COMBOS:
            prop = fm.FontProperties(family=[name], weight=weight, style=slant)
            try:
                resolved.add(compat.found_path(fm.fontManager.findfont(prop, fallback_to_default=False)))
            except ValueError:
                resolved.add(None)
        subsets = [subset_for(f) for f in faces]
        if not resolved <= set(faces) or not all(subsets):
            _SUBSET_FAMILIES[key] = None
            return None
        token = hashlib.sha256("\0".join(s for s in subsets if s).encode()).hexdigest()[:10]
        subset_name = f"{name} (briefgen subset {token})"
        ttf = compat.font_list()
        originals = {os.fsdecode(e.fname): e for e in ttf if e.name == name}
        ours = [compat.renamed_entry(originals[f], fname=sub, name=subset_name)
                for f, sub in zip(faces, subsets) if f in originals and sub]
        ttf[:] = ours + [e for e in ttf if e.name != subset_name]
        REGISTERED.update(s for s in subsets if s)
        compat.forget_font_lookups()
        _SUBSET_FAMILIES[key] = subset_name
        return subset_name
