"""The Unicode Bidirectional Algorithm (UAX #9) for one line of text: levels and visual order.

ReportLab lays text out left to right in the order it is written. For right-to-left scripts
(Hebrew, Arabic, Persian, ...) the order on the page differs from the written (logical) order:
:func:`resolve_levels` gives each character its embedding level (rules P2-P3, X1-X10, W1-W7,
N1-N2, I1-I2, through python-bidi's reference implementation ``bidi.algorithm``), and
:func:`visual_order` the order in which to draw them (rules L1-L2: whitespace at the end of the
line goes to the paragraph's level, then every run at a level >= k is reversed, from the highest
level down to the lowest odd one). Lines are broken on logical text first; the levels are
resolved per line with the paragraph's base direction (UAX #9 3.4: reordering is per line).

Directional isolates (U+2066-2069: LRI, RLI, FSI ... PDI; a value a template prints, a source
title in an endnote) are resolved as UAX #9 wants and ``bidi.algorithm`` (which predates them)
does not: the text outside an isolate is resolved with the isolate standing in as one neutral
character (BD13, X5a-X6a: the initiator and its PDI are neutrals of the outer isolating run
sequence, so that a number or bracket after a right-to-left value keeps the direction of the
sentence around it), and the text inside at the next level of its own direction (LRI: even, RLI:
odd, FSI: by its first strong character, P2-P3), isolates inside it likewise. An isolate a line
break cuts is carried to the next line (:func:`open_isolates`: the caller starts the line with
the initiators still open). Approximation, which changes no text without explicit controls: an
explicit embedding (LRE ... PDF) is not carried over a line break (the editions drop embeddings
from what an author writes: :func:`briefgen.document.direction.without_explicit_controls`).
No ReportLab here: characters in, levels and indices out. :func:`has_rtl` and :func:`base_level`
come from :mod:`briefgen.document.direction` (shared with the HTML edition).
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata

from bidi import algorithm as _uax9

from briefgen.document import direction
from briefgen.document.direction import base_level, has_rtl

__all__ = ["FORMAT_CONTROLS", "MIRRORED", "base_level", "has_rtl", "isolate_rtl_stretches", "mirror", "open_isolates",
           "resolve_levels", "visual_order"]

FORMAT_CONTROLS = frozenset("\u200c\u200d\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
"""Invisible characters that bidi ordering (marks, embeddings, isolates) or shaping (ZWNJ, ZWJ)
reads: kept in text with right-to-left characters, read, and never drawn."""

LRI, RLI, FSI, PDI = "\u2066", "\u2067", "\u2068", "\u2069"
_INITIATORS = LRI + RLI + FSI
_STAND_IN = "\ufffc"  # an isolate's initiator and PDI in the text around it: a neutral (bidi class ON)

MIRRORED = _uax9.MIRRORED
"""Bidi_Mirroring_Glyph pairs: ``(`` <-> ``)`` etc. (rule L4)."""


def resolve_levels(text: str, base: int) -> list[int]:
    """Embedding level of each character of ``text`` (one line) in a paragraph of level
    ``base`` (0 or 1), rules X1-I2 and L1, isolates as the module doc says. Characters the
    algorithm removes (X9: embeddings, boundary neutrals such as ZWJ and ZWNJ) get the level of
    the character before them (the base level at the start), so that they stay inside the run
    they are in."""
    if not text:
        return []
    out = _isolated_levels(text, base)
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


def isolate_rtl_stretches(markup: str) -> str:
    """Paragraph ``markup`` (ReportLab's: tags, entities) with each right-to-left stretch of
    left-to-right text between FSI and PDI, as the HTML edition puts it in ``<bdi>``
    (:data:`briefgen.document.direction.RTL_STRETCH`: a heading "Strike on مستشفى النور (2025)"
    keeps its brackets around the year). Left-to-right text: a paragraph whose base direction is
    (UAX #9 P2-P3), and the inside of an isolate whose direction is (LRI; FSI by its first strong
    character: a claim's English statement with an Arabic name in it). Unchanged: markup without
    right-to-left letters, right-to-left text, tags."""
    if (markup.isascii() or not has_rtl(markup)) and "&#" not in markup:
        return markup  # the common case, without reading the markup (a tag or entity holds no letter)
    plain = _plain(markup)
    if not has_rtl(plain):
        return markup
    pieces = re.split(r"(<[^<>]*>)", markup)
    out: list[str] = []
    directions = [base_level(plain)]  # the direction of the text being read, innermost last
    for n, piece in enumerate(pieces):
        if piece.startswith("<"):
            out.append(piece)
            continue
        pos = 0
        for m in _control_or_stretch().finditer(piece):
            out.append(piece[pos:m.start()])
            found = m.group()
            if found == PDI:
                if len(directions) > 1:
                    directions.pop()
            elif found in _INITIATORS:
                rest = piece[m.end():] + "".join(p for p in pieces[n + 1:] if not p.startswith("<"))
                directions.append(0 if found == LRI else 1 if found == RLI else _first_strong(_plain(rest)))
            elif not directions[-1]:
                found = FSI + found + PDI
            out.append(found)
            pos = m.end()
        out.append(piece[pos:])
    return "".join(out)


def _plain(markup: str) -> str:
    """The text of paragraph markup: tags out, entities read."""
    text = re.sub(r"<[^<>]*>", "", markup)
    return html.unescape(text) if "&" in text else text


@functools.cache
def _control_or_stretch() -> re.Pattern[str]:
    """An isolate initiator, a PDI, or a right-to-left stretch; compiled on first use (as
    :data:`~briefgen.document.direction.RTL_STRETCH` is: only text with right-to-left letters needs it)."""
    return re.compile(f"[{_INITIATORS}{PDI}]|{direction.RTL_STRETCH.pattern}")


def open_isolates(lines: list[str]) -> list[str]:
    """For each line of a paragraph (its text, in order), the isolates a line break left open
    before it: their initiators, outermost first, FSI written as the LRI or RLI it resolves to
    (by the first strong character up to its PDI, in this line or the ones after it)."""
    text = "".join(lines)
    out: list[str] = []
    stack: list[str] = []
    pos = 0
    for line in lines:
        out.append("".join(stack))
        for n, c in enumerate(line):
            if c in _INITIATORS:
                stack.append(c if c != FSI else (RLI if _first_strong(text[pos + n + 1:]) else LRI))
            elif c == PDI and stack:
                stack.pop()
        pos += len(line)
    return out


def _isolated_levels(text: str, level: int) -> list[int]:
    """Levels of ``text`` at embedding ``level`` (any level >= 0): the text outside its isolates
    resolved with each isolate as one neutral (its initiator and PDI), each isolate's content at
    the next level of its direction, recursively. An initiator without a PDI runs to the end of
    ``text``; a PDI without an initiator is a neutral."""
    if not any("\u2066" <= c <= "\u2069" for c in text):
        return _plain_levels(text, level)
    spans = _top_isolates(text)
    inside = bytearray(len(text))
    for start, end in spans:
        inside[start + 1:end] = b"\x01" * (end - start - 1)
    outer = [i for i in range(len(text)) if not inside[i]]  # the indices resolved at this level
    stand_in = "".join(_STAND_IN if text[i] in _INITIATORS or text[i] == PDI else text[i] for i in outer)
    levels = [level] * len(text)
    for i, lv in zip(outer, _plain_levels(stand_in, level), strict=True):
        levels[i] = lv
    for start, end in spans:
        content = text[start + 1:end]
        if not content:
            continue
        kind = text[start]
        rtl = kind == RLI or (kind == FSI and _first_strong(content))
        inner = level + 1 if (level + 1) % 2 == rtl else level + 2
        levels[start + 1:end] = _isolated_levels(content, inner)
    return levels


def _top_isolates(text: str) -> list[tuple[int, int]]:
    """``(initiator, PDI)`` index pairs of the outermost isolates of ``text`` (the PDI index is
    ``len(text)`` for an isolate that runs to the end)."""
    spans: list[tuple[int, int]] = []
    depth, start = 0, 0
    for i, c in enumerate(text):
        if c in _INITIATORS:
            if not depth:
                start = i
            depth += 1
        elif c == PDI and depth:
            depth -= 1
            if not depth:
                spans.append((start, i))
    if depth:
        spans.append((start, len(text)))
    return spans


def _plain_levels(text: str, level: int) -> list[int]:
    """``bidi.algorithm``'s levels of isolate-free ``text`` at embedding ``level`` (resolved at the
    level's parity, then raised by the even difference: the rules look only at parities)."""
    if not text:
        return []
    storage = _uax9.get_empty_storage()
    parity = level % 2
    storage["base_level"] = parity
    storage["base_dir"] = ("L", "R")[parity]
    _uax9.get_embedding_levels(text, storage)
    for n, ch in enumerate(storage["chars"]):
        ch["index"] = n
    _uax9.explicit_embed_and_overrides(storage)
    _uax9.resolve_weak_types(storage)
    _uax9.resolve_neutral_types(storage, False)
    _uax9.resolve_implicit_levels(storage, False)
    resolved: list[int | None] = [None] * len(text)
    for ch in storage["chars"]:
        resolved[ch["index"]] = ch["level"] + level - parity
    out: list[int] = []
    previous = level
    for lv in resolved:
        previous = previous if lv is None else lv
        out.append(previous)
    return out


def _first_strong(text: str) -> int:
    """1 if the first strong character of ``text`` outside the isolates in it is right-to-left
    (UAX #9 P2-P3, up to the end of an isolate's content), else 0 (also when there is none)."""
    return direction.first_strong_outside_isolates(text, stop_at_unmatched_pdi=True) or 0
    return 0
