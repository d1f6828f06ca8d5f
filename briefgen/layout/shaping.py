"""Shape right-to-left runs with HarfBuzz into characters ReportLab can draw.

ReportLab draws a character with the glyph its font's cmap gives it, one after another. Arabic
script needs the glyph of each letter's joining form (initial, medial, final, isolated) and
ligatures such as lam-alef; only a shaping engine knows which. :func:`shape_rtl` shapes a run
with HarfBuzz (uharfbuzz; direction right-to-left, so its glyphs come out in visual order) and
writes each glyph as a character the font maps to it: the font's own code point when its cmap
has one (Noto Sans Arabic maps its joining forms and lam-alef ligatures to the Arabic
Presentation Forms), else a private-use code point of plane 15, ``U+F0000 + glyph id``, added
to ReportLab's copy of the font (:func:`briefgen.compat.reportlab.add_glyph_code`) -- the same
code point in every process, so output does not depend on what was drawn before.

Glyphs are drawn at their own advance widths: HarfBuzz's positioning (kerning, mark offsets)
is not applied. Default-ignorable characters (ZWNJ, ZWJ, direction marks) are seen by the
shaper, which joins or does not join by them, and removed from its output: never drawn.
Extraction of the text as written is the job of ``/ActualText`` (see
:mod:`briefgen.layout.tagged`), since these characters no longer say it.
"""

from __future__ import annotations

import threading

import uharfbuzz as hb
from reportlab.pdfbase.pdfmetrics import stringWidth

from briefgen.layout import fontreg

__all__ = ["PRIVATE_BASE", "needs_shaping", "shape_rtl", "shaped_width"]

PRIVATE_BASE = 0xF0000
"""Glyph id ``g`` without a code point of its own is drawn as ``chr(PRIVATE_BASE + g)``."""

_FONTS: dict[str, tuple[hb.Font, dict[int, int]]] = {}  # font name -> (HarfBuzz font, glyph id -> code point)
_LOCK = threading.Lock()


def needs_shaping(text: str) -> bool:
    """True if ``text`` has characters whose form depends on their neighbours (Arabic,
    Syriac, N'Ko, Mandaic scripts: joining types D, R, L, C)."""
    return any("\u0600" <= c <= "\u08ff" or "\ufb50" <= c <= "\ufdff" or "\ufe70" <= c <= "\ufefc" for c in text)


def shape_rtl(text: str, font_name: str) -> str:
    """``text`` (a right-to-left run in logical order, drawn in ReportLab font ``font_name``)
    as the characters that draw its shaped glyphs, left to right. Default-ignorable
    characters are not in the result. A font the shaper was not told about
    (:func:`briefgen.layout.fontreg.font_name`) gives ``text`` reversed, unshaped."""
    shaper = _shaper(font_name)
    if shaper is None:
        return "".join(c for c in reversed(text) if c not in "\u200c\u200d\u200e\u200f\u061c")
    font, codes = shaper
    buf = hb.Buffer()
    buf.add_str(text)
    buf.guess_segment_properties()
    buf.direction = "rtl"
    buf.flags = hb.BufferFlags.REMOVE_DEFAULT_IGNORABLES
    hb.shape(font, buf, {"kern": True, "liga": True})
    out = []
    for info in buf.glyph_infos:
        gid = info.codepoint
        code = codes.get(gid)
        if code is None:
            code = _private_code(font_name, gid)
            codes[gid] = code
        out.append(chr(code))
    return "".join(out)


def shaped_width(text: str, font_name: str, font_size: float, encoding: str = "utf8") -> float:
    """The width in points of ``text`` (logical order) in ReportLab font ``font_name`` at
    ``font_size`` as drawn: shaped (:func:`shape_rtl`) when it has joining characters and the
    shaper knows the font, else ``stringWidth``'s value. Isolated Arabic letter forms are wider
    than joined ones; glyphs are drawn at their own advances, so this is the drawn width. The
    same signature as ``stringWidth`` (line breaking measures words with it)."""
    if fontreg.font_file(font_name) is not None and needs_shaping(text):
        return stringWidth(shape_rtl(text, font_name), font_name, font_size)
    return stringWidth(text, font_name, font_size, encoding)


def _shaper(font_name: str) -> tuple[hb.Font, dict[int, int]] | None:
    with _LOCK:
        found = _FONTS.get(font_name)
        if found is None:
            path = fontreg.font_file(font_name)
            if path is None:
                return None
            from briefgen.compat.reportlab import glyph_codes

            fontreg.ensure(font_name)

            face = hb.Face(hb.Blob.from_file_path(str(path)))
            found = _FONTS[font_name] = (hb.Font(face), glyph_codes(font_name))
        return found


def _private_code(font_name: str, gid: int) -> int:
    from briefgen.compat.reportlab import add_glyph_code

    code = PRIVATE_BASE + gid
    add_glyph_code(font_name, code, gid)
    return code
