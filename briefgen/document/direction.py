"""Writing direction of text: does it hold right-to-left letters, and which way does it run.

Pure Unicode character data (bidi classes, UAX #9 rules P2-P3), format-neutral and shared by
every edition: the PDF layout reorders and shapes right-to-left text (:mod:`briefgen.layout.rtl`),
the HTML edition marks its direction (``dir``, ``<bdi>``), the charts refuse it.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["EXPLICIT_CONTROLS", "FSI", "PDI", "RTL_STRETCH", "base_level", "first_strong_outside_isolates",
           "has_rtl", "isolated", "without_explicit_controls"]

FSI, PDI = "\u2068", "\u2069"
"""First strong isolate and pop directional isolate (UAX #9 2.4): an inserted value between them
runs in its own direction and leaves the text around it alone."""

_RTL_BLOCKS = "\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\U00010800-\U00010fff\U0001e800-\U0001efff"
_RTL_RE = re.compile(f"[{_RTL_BLOCKS}]")
"""Blocks of right-to-left scripts (Hebrew, Arabic, Syriac, Thaana, N'Ko, their presentation
forms, ...): a quick test before the exact one (bidi class R or AL)."""

RTL_STRETCH: re.Pattern[str]
"""A stretch of right-to-left text inside other text: from a right-to-left letter to the last
one before anything else, with spaces, joiners, digits and punctuation between them (a quoted
Arabic sentence with a year in it is one stretch; the punctuation after it is not in it).
Compiled when first read (:func:`__getattr__`): only the HTML edition uses it, and its three
classes of the right-to-left blocks take ~1 ms to compile."""


def __getattr__(name: str) -> re.Pattern[str]:
    """:data:`RTL_STRETCH`, compiled on first use (PEP 562); then a plain module attribute."""
    if name != "RTL_STRETCH":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    pattern = re.compile(f"[{_RTL_BLOCKS}](?:[{_RTL_BLOCKS}\u200c\u200d\\s0-9.,:;()\\-]*[{_RTL_BLOCKS}])?")
    globals()["RTL_STRETCH"] = pattern
    return pattern


EXPLICIT_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
"""The explicit bidi formatting characters (UAX #9 2.1-2.4): embeddings LRE RLE, overrides LRO
RLO, PDF, isolates LRI RLI FSI, PDI; the "Trojan Source" characters (CVE-2021-42574)."""
_VALUE = re.compile("\u2068[^\u202a-\u202e\u2066-\u2069]*\u2069")


def without_explicit_controls(text: str) -> str:
    """``text`` without explicit bidi controls (:data:`EXPLICIT_CONTROLS`), which the editions
    would otherwise show differently (an override reverses letters in a browser); only the
    isolates of inserted values stay (FSI, text without controls, PDI: :func:`isolated`, the
    template printing of :mod:`briefgen.text.printing`). Direction marks (LRM, RLM, ALM), ZWJ and
    ZWNJ stay: they only nudge the order or the shaping of the text."""
    if not EXPLICIT_CONTROLS.search(text):
        return text
    out: list[str] = []
    pos = 0
    for m in _VALUE.finditer(text):
        out.append(EXPLICIT_CONTROLS.sub("", text[pos:m.start()]))
        out.append(m.group())
        pos = m.end()
    out.append(EXPLICIT_CONTROLS.sub("", text[pos:]))
    return "".join(out)


def has_rtl(text: str) -> bool:
    """True if ``text`` has a character of bidi class R or AL (a right-to-left letter)."""
    if not _RTL_RE.search(text):
        return False
    return any(unicodedata.bidirectional(c) in ("R", "AL") for c in text)


def base_level(text: str) -> int:
    """The paragraph embedding level of ``text`` (UAX #9 P2-P3): 1 if its first strong
    character (L, R or AL, skipping isolates) is right-to-left, else 0. Text whose only strong
    characters are inside isolates (a template that prints one value) takes the first of those:
    the value is the paragraph."""
    found = first_strong_outside_isolates(text)
    if found is not None:
        return found
    for c in text:
        kind = unicodedata.bidirectional(c)
        if kind in ("R", "AL", "L"):
            return int(kind != "L")
    return 0


def first_strong_outside_isolates(text: str, *, stop_at_unmatched_pdi: bool = False) -> int | None:
    """1 if the first strong character of ``text`` outside its isolates (LRI, RLI, FSI ... PDI)
    is right-to-left (R, AL), 0 if it is left-to-right (L), None when there is none (UAX #9 P2).
    ``stop_at_unmatched_pdi``: ``text`` is an isolate's content read on to the end of its line,
    so a PDI without its initiator ends the search (None); else such a PDI is ignored."""
    depth = 0
    for c in text:
        if c in "\u2066\u2067\u2068":
            depth += 1
        elif c == PDI:
            if depth:
                depth -= 1
            elif stop_at_unmatched_pdi:
                return None
        elif not depth:
            kind = unicodedata.bidirectional(c)
            if kind in ("R", "AL"):
                return 1
            if kind == "L":
                return 0
    return None


def isolated(text: str) -> str:
    """``text`` between FSI and PDI when it has right-to-left letters (a value inserted into other
    text: a source title in an endnote), so that its direction does not spill into the neutral
    punctuation and numbers around it (UAX #9 X5c, BD13); other text unchanged. Explicit bidi
    controls written in ``text`` are dropped first (:func:`without_explicit_controls`)."""
    text = EXPLICIT_CONTROLS.sub("", text)
    return FSI + text + PDI if text and has_rtl(text) else text
