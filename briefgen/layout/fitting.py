"""One line of canvas text shortened to a width: cut at a word boundary, ended by an ellipsis.

Page furniture (running title, desk and date) is drawn directly on the canvas, on one line, in
a space it must not leave: the TLP banner beside it has to stay legible (TLP 2.0). Text wider
than its space is shortened by :func:`fit_line`: the longest start of it that fits with an
ellipsis after it, cut where a line could break -- before a space, or after a character of a
script written without spaces between words (Han, kana; Hangul syllables too) -- and only when no
such start fits, between any two characters that are not one grapheme (never before a
combining mark or inside a ZWJ sequence). The text is measured as it is drawn
(:meth:`briefgen.layout.fonts.FontSet.string_width`: each run in the font that has its
characters, right-to-left runs reordered and shaped), so fallback fonts and Arabic joining
forms count at their drawn widths. Cuts are made in logical (written) order: a right-to-left
line keeps its first words, and the ellipsis, a neutral character at the end of the line,
takes the line's direction (UAX #9), so it is drawn at its visual end, on the left.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import Any

__all__ = ["ELLIPSIS", "fit_line", "measure_with"]

ELLIPSIS = "\u2026"
"""What ends a shortened line (``...`` when the fonts lack U+2026)."""

_TRAILING = " \t\u00a0\u3000,;:\u00b7\u060c\u061b\u3001\uff0c\uff1a\uff1b-\u2013\u2014"
"""Stripped from the end of a cut start before the ellipsis (spaces, list punctuation, dashes)."""

_NO_SPACE_SCRIPTS = (
    (0x2E80, 0x2FDF),  # CJK radicals
    (0x3040, 0x30FF),  # Hiragana, Katakana
    (0x3100, 0x31FF),  # Bopomofo, Hangul compatibility jamo, kana extensions
    (0x3400, 0x4DBF),  # CJK Extension A
    (0x4E00, 0x9FFF),  # CJK Unified Ideographs
    (0xAC00, 0xD7AF),  # Hangul syllables
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0x20000, 0x3134F),  # CJK Extensions B-G
)


def fit_line(text: str, width: float, measure: Callable[[str], float], *, tail: str = "",
             ellipsis: str = ELLIPSIS) -> str:
    """``text`` if ``measure(text)`` (points) is at most ``width``; else its longest start that
    fits with ``ellipsis`` and ``tail`` after it (``tail``, e.g. " · 6 May 2025", is kept whole:
    it is the part of ``text`` the cut must not reach; if ``text`` does not end with it, or not
    even the ellipsis and the tail fit, the tail is cut like the rest). The start is cut at a
    word boundary when one fits (see the module doc), else between graphemes; an empty string
    when not even the ellipsis fits. ``measure`` may raise (a character no font has): the
    error is the caller's."""
    if measure(text) <= width:
        return text
    if tail and text.endswith(tail) and len(tail) < len(text):
        head = text[: -len(tail)]
        if measure(ellipsis + tail) <= width:
            return _longest(head, lambda start: measure(start + ellipsis + tail) <= width) + ellipsis + tail
    if measure(ellipsis) > width:
        return ""
    return _longest(text, lambda start: measure(start + ellipsis) <= width) + ellipsis


def _longest(text: str, fits: Callable[[str], bool]) -> str:
    """The longest start of ``text`` (trailing spaces and punctuation stripped) that ``fits``,
    cut at a word boundary if any such start fits, else between graphemes; "" if none fits."""
    for cuts in (_word_cuts(text), _grapheme_cuts(text)):
        starts = [s for s in dict.fromkeys(text[:n].rstrip(_TRAILING) for n in cuts) if s]
        best = _last_fitting(starts, fits)
        if best is not None:
            return best
    return ""


def _last_fitting(starts: list[str], fits: Callable[[str], bool]) -> str | None:
    """The last of ``starts`` (shortest first) that fits, by bisection: widths grow with length
    (where shaping makes them grow unevenly, the start returned still fits: it was measured)."""
    lo, hi = 0, len(starts)  # starts[:lo] fit, starts[hi:] do not
    while lo < hi:
        mid = (lo + hi) // 2
        if fits(starts[mid]):
            lo = mid + 1
        else:
            hi = mid
    return starts[lo - 1] if lo else None


def _word_cuts(text: str) -> list[int]:
    """Where ``text`` may be cut at a word boundary, in increasing order: before each run of
    spaces, and after each character of a script written without spaces."""
    cuts = []
    for n, char in enumerate(text):
        if char.isspace() and n and not text[n - 1].isspace():
            cuts.append(n)
        elif _no_space_script(char) and n + 1 < len(text) and _grapheme_boundary(text, n + 1):
            cuts.append(n + 1)
    return cuts


def _grapheme_cuts(text: str) -> list[int]:
    """Every position between two characters of ``text`` that are not one grapheme."""
    return [n for n in range(1, len(text)) if _grapheme_boundary(text, n)]


def _grapheme_boundary(text: str, n: int) -> bool:
    """False inside a grapheme: before a combining mark, a joiner or a variation selector, after
    a joiner, and between the two regional indicators of a flag."""
    after, before = text[n], text[n - 1]
    if unicodedata.category(after).startswith("M") or after in "\u200c\u200d\ufe0e\ufe0f":
        return False
    if before == "\u200d":
        return False
    if _regional(after):  # flags are pairs: a boundary after an even number of indicators
        indicators = 0
        while n - indicators - 1 >= 0 and _regional(text[n - indicators - 1]):
            indicators += 1
        return indicators % 2 == 0
    return True


def _regional(char: str) -> bool:
    return 0x1F1E6 <= ord(char) <= 0x1F1FF


def _no_space_script(char: str) -> bool:
    code = ord(char)
    return any(lo <= code <= hi for lo, hi in _NO_SPACE_SCRIPTS)


def measure_with(fonts: Any, size: float, font: str | None = None) -> Callable[[str], float]:
    """A ``measure`` for :func:`fit_line`: the drawn width in points of plain text at ``size``
    points in ``fonts`` (a :class:`~briefgen.layout.fonts.FontSet`), from ``font`` (default the
    regular face) with its fallbacks."""
    return lambda text: fonts.string_width(text, size, font=font)
