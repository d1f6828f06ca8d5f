"""The Unicode Bidirectional Algorithm (UAX #9) for one line of text: levels and visual order.

ReportLab lays text out left to right in the order it is written. For right-to-left scripts
(Hebrew, Arabic, Persian, ...) the order on the page differs from the written (logical) order:
:func:`resolve_levels` gives each character its embedding level (rules P2-P3, X1-X10, W1-W7,
N1-N2, I1-I2, through python-bidi's reference implementation ``bidi.algorithm``), and
:func:`visual_order` the order in which to draw them (rules L1-L2: whitespace at the end of the
line goes to the paragraph's level, then every run at a level >= k is reversed, from the highest
level down to the lowest odd one). Lines are broken on logical text first; the levels are
resolved per line with the paragraph's base direction (UAX #9 3.4: reordering is per line).

Approximations, none of which changes text without explicit controls: the directional isolates
(U+2066-2069) are resolved as the embeddings they resemble (LRI as LRE, RLI and FSI by their
first strong character as RLE or LRE, PDI as PDF); an explicit embedding is not carried over a
line break. No ReportLab here: characters in, levels and indices out. :func:`has_rtl` and
:func:`base_level` come from :mod:`briefgen.document.direction` (shared with the HTML edition).
"""

from __future__ import annotations

import unicodedata

from bidi import algorithm as _uax9

from briefgen.document.direction import base_level, has_rtl

__all__ = ["FORMAT_CONTROLS", "MIRRORED", "base_level", "has_rtl", "mirror", "resolve_levels", "visual_order"]

FORMAT_CONTROLS = frozenset("\u200c\u200d\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
"""Invisible characters that bidi ordering (marks, embeddings, isolates) or shaping (ZWNJ, ZWJ)
reads: kept in text with right-to-left characters, read, and never drawn."""

_ISOLATES = {"\u2066": "\u202a", "\u2067": "\u202b", "\u2069": "\u202c"}  # LRI->LRE, RLI->RLE, PDI->PDF

MIRRORED = _uax9.MIRRORED
"""Bidi_Mirroring_Glyph pairs: ``(`` <-> ``)`` etc. (rule L4)."""


def resolve_levels(text: str, base: int) -> list[int]:
    """Embedding level of each character of ``text`` (one line) in a paragraph of level
    ``base`` (0 or 1), rules X1-I2 and L1. Characters the algorithm removes (X9: embeddings,
    boundary neutrals such as ZWJ and ZWNJ) get the level of the character before them (the
    base level at the start), so that they stay inside the run they are in."""
    if not text:
        return []
    storage = _uax9.get_empty_storage()
    storage["base_level"] = base
    storage["base_dir"] = ("L", "R")[base]
    _uax9.get_embedding_levels(_as_embeddings(text), storage)
    for n, ch in enumerate(storage["chars"]):
        ch["index"] = n
    _uax9.explicit_embed_and_overrides(storage)
    _uax9.resolve_weak_types(storage)
    _uax9.resolve_neutral_types(storage, False)
    _uax9.resolve_implicit_levels(storage, False)
    levels: list[int | None] = [None] * len(text)
    for ch in storage["chars"]:
        levels[ch["index"]] = ch["level"]
    out: list[int] = []
    previous = base
    for level in levels:
        previous = previous if level is None else level
        out.append(previous)
    # L1: a segment separator (tab), and whitespace before it or at the end of the line, at the base level
    reset = True
    for i in range(len(text) - 1, -1, -1):
        kind = unicodedata.bidirectional(text[i])
        if kind in ("S", "B"):
            out[i], reset = base, True
        elif reset and (kind in ("WS", "BN") or text[i] in FORMAT_CONTROLS):
            out[i] = base
        else:
            reset = False
    return out


def visual_order(levels: list[int]) -> list[int]:
    """Indices of the characters in the order they are drawn, left to right (UAX #9 L2):
    from the highest level to the lowest odd level, reverse every run of characters at that
    level or higher."""
    order = list(range(len(levels)))
    if not levels:
        return order
    highest = max(levels)
    odd = [lv for lv in levels if lv % 2]
    if not odd:
        return order
    lowest_odd = min(odd)
    for level in range(highest, lowest_odd - 1, -1):
        i = 0
        while i < len(order):
            if levels[order[i]] >= level:
                j = i
                while j < len(order) and levels[order[j]] >= level:
                    j += 1
                order[i:j] = order[i:j][::-1]
                i = j
            else:
                i += 1
    return order


def mirror(char: str, level: int) -> str:
    """``char`` as drawn at ``level`` (L4): its mirrored twin at an odd level, if it has one."""
    return MIRRORED.get(char, char) if level % 2 else char


def _as_embeddings(text: str) -> str:
    """``text`` with isolates written as the embeddings the algorithm knows (see module doc);
    same length, so indices stay."""
    if not any("\u2066" <= c <= "\u2069" for c in text):
        return text
    out = []
    for i, c in enumerate(text):
        if c == "\u2068":  # FSI: by the first strong character after it
            out.append("\u202b" if base_level(text[i + 1:]) else "\u202a")
        else:
            out.append(_ISOLATES.get(c, c))
    return "".join(out)
