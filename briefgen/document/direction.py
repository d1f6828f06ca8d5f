"""Writing direction of text: does it hold right-to-left letters, and which way does it run.

Pure Unicode character data (bidi classes, UAX #9 rules P2-P3), format-neutral and shared by
every edition: the PDF layout reorders and shapes right-to-left text (:mod:`briefgen.layout.rtl`),
the HTML edition marks its direction (``dir``, ``<bdi>``), the charts refuse it.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["RTL_STRETCH", "base_level", "has_rtl"]

_RTL_BLOCKS = "\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\U00010800-\U00010fff\U0001e800-\U0001efff"
_RTL_RE = re.compile(f"[{_RTL_BLOCKS}]")
"""Blocks of right-to-left scripts (Hebrew, Arabic, Syriac, Thaana, N'Ko, their presentation
forms, ...): a quick test before the exact one (bidi class R or AL)."""

RTL_STRETCH = re.compile(f"[{_RTL_BLOCKS}](?:[{_RTL_BLOCKS}\u200c\u200d\\s0-9.,:;()\\-]*[{_RTL_BLOCKS}])?")
"""A stretch of right-to-left text inside other text: from a right-to-left letter to the last
one before anything else, with spaces, joiners, digits and punctuation between them (a quoted
Arabic sentence with a year in it is one stretch; the punctuation after it is not in it)."""


def has_rtl(text: str) -> bool:
    """True if ``text`` has a character of bidi class R or AL (a right-to-left letter)."""
    if not _RTL_RE.search(text):
        return False
    return any(unicodedata.bidirectional(c) in ("R", "AL") for c in text)


def base_level(text: str) -> int:
    """The paragraph embedding level of ``text`` (UAX #9 P2-P3): 1 if its first strong
    character (L, R or AL, skipping isolates) is right-to-left, else 0."""
    depth = 0
    for c in text:
        if c in "\u2066\u2067\u2068":
            depth += 1
        elif c == "\u2069":
            depth = max(0, depth - 1)
        elif not depth:
            kind = unicodedata.bidirectional(c)
            if kind in ("R", "AL"):
                return 1
            if kind == "L":
                return 0
    return 0
