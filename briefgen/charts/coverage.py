"""Glyph coverage: whether a style's fonts can draw every character of a chart's text.

A chart whose text has a character no font of its style covers is an error
(:class:`briefgen.errors.FontCoverageError`, raised by :mod:`briefgen.charts.render`),
never a box drawn in its place. Whitespace and control characters need no glyph.
"""

from __future__ import annotations

import dataclasses
import os
import unicodedata
from typing import TYPE_CHECKING

from briefgen.charts.fonts import _cmap

if TYPE_CHECKING:  # pragma: no cover
    from briefgen.charts.style import ChartStyle


def _charmap(path: str) -> frozenset[int]:
    """The code points ``path`` has glyphs for (cached per path, shared with the choice of
    chart fonts)."""
    return _cmap(path)


def _ignorable(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "CZ"  # controls, format chars, spaces


def missing_glyph(texts, style: "ChartStyle") -> tuple[str, str] | None:
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
    """Every string inside a (nested) dataclass / tuple / list value, in order (the text a
    chart's data brings)."""
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
