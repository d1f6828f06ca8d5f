"""Invisible characters: which are never drawn, and which right-to-left text keeps.

Text reaches ReportLab through :class:`briefgen.layout.fonts.FontSet`, which takes out the
default-ignorable characters (:data:`IGNORABLE`) first: they have no visible form, and a font
without a glyph for one would draw a box. Text with right-to-left letters keeps the bidi
controls and joiners that ordering and shaping read (:data:`briefgen.layout.bidi.FORMAT_CONTROLS`);
:mod:`briefgen.layout.rtl` reads them and never draws them.
"""

from __future__ import annotations

import html
import re

from briefgen.layout.bidi import FORMAT_CONTROLS, has_rtl

__all__ = ["IGNORABLE", "without_ignorables"]

IGNORABLE = re.compile("[\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
                       "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8\U0001bca0-\U0001bca3"
                       "\U0001d173-\U0001d17a\U000e0000-\U000e0fff]"
                       "|&#(?:8203|820[4-7]|x200[bBcCdDeEfF]|8288|x2060|65279|x[fF][eE][fF][fF]);")
"""Default-ignorable code points (Unicode's DerivedCoreProperties; the soft hyphen aside,
which ReportLab hyphenates at): zero-width spaces and joiners, direction marks and
embeddings, the word joiner, variation selectors, the byte-order mark. They have no
visible form, so they are never drawn (a font that lacks them would show a box), as
characters or as the numeric entities of the common ones."""


def without_ignorables(text: str) -> str:
    """``text`` without the characters of :data:`IGNORABLE`; in text with right-to-left
    letters, the bidi marks, isolates and joiners of :data:`~briefgen.layout.bidi.FORMAT_CONTROLS`
    stay (the bidi algorithm and the shaper read them; :mod:`briefgen.layout.rtl` never draws
    them), the Arabic letter mark as the right-to-left mark it resembles; embeddings and
    overrides never do (the HTML edition never writes them either)."""
    if not IGNORABLE.search(text):
        return text
    if has_rtl(html.unescape(text) if "&" in text else text):
        return IGNORABLE.sub(_kept_control, text)
    return IGNORABLE.sub("", text)


def _kept_control(m: re.Match) -> str:
    found = m.group()
    char = html.unescape(found) if found.startswith("&") else found
    if char == "\u061c":
        return "\u200f"
    return char if char in FORMAT_CONTROLS and char not in _EMBEDDINGS else ""


_EMBEDDINGS = frozenset("\u202a\u202b\u202c\u202d\u202e")
"""Embeddings and overrides: never kept (the document model drops them from authored text; the
HTML edition never writes them), so that no edition reverses letters the other shows as written."""
