"""Text sizes from a font file's own metrics, without a font library: what ``validate``
measures chart text with (:mod:`briefgen.model.chart_fit`), so that it agrees with the
charts, which draw with the same files.

Reads the tables the OpenType specification lays out (https://learn.microsoft.com/typography/opentype/spec/):
``head`` (units per em), ``OS/2`` (typographic ascender, descender, line gap; ``hhea``'s when
there is no OS/2 table), ``hhea`` and ``hmtx`` (advance widths) and ``cmap`` (format 4 or 12:
which glyph a character is). A width is the sum of the characters' advances: matplotlib
kerns, which makes text a little narrower, never wider, so this errs on the large side. A
height stacks lines as :class:`briefgen.charts.measure.TextMeter` does (matplotlib >= 3.11:
the font's line metrics). A character the face does not map is estimated
(:func:`briefgen.model.chart_fit.char_em`). Units: inches; sizes in points.
"""

from __future__ import annotations

import bisect
import os
import struct
from functools import lru_cache

from briefgen.model.font_cmap import table_directory


class FaceMetrics:
    """One face's metrics in ems: ``ascent``, ``descent`` (positive), line ``gap``, and
    :meth:`advance` of a character (looked up when first asked: a face maps thousands)."""

    def __init__(self, ascent: float, descent: float, gap: float, upem: int, widths: tuple[int, ...],
                 glyph_of) -> None:
        self.ascent, self.descent, self.gap = ascent, descent, gap
        self._upem, self._widths, self._glyph_of = upem, widths, glyph_of
        self._advances: dict[str, float | None] = {}

    def advance(self, ch: str) -> float | None:
        """The advance of character ``ch`` in ems, or None when the face does not map it."""
        if ch not in self._advances:
            glyph = self._glyph_of(ord(ch))
            self._advances[ch] = (self._widths[min(glyph, len(self._widths) - 1)] / self._upem) if glyph else None
        return self._advances[ch]


def face_metrics(path: str) -> FaceMetrics | None:
    """The :class:`FaceMetrics` of the font file at ``path`` (cached per path, size and
    modification time), or None when it cannot be read as a TrueType/OpenType font."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return _face_metrics(path, st.st_size, st.st_mtime_ns)


@lru_cache(maxsize=16)
def _face_metrics(path: str, _size: int, _mtime: int) -> FaceMetrics | None:
    try:
        with open(path, "rb") as f:
            tables = table_directory(f)

            def read(tag: bytes) -> bytes:
                offset, length = tables[tag]
                f.seek(offset)
                return f.read(length)

            head, hhea, hmtx, cmap = read(b"head"), read(b"hhea"), read(b"hmtx"), read(b"cmap")
            os2 = read(b"OS/2") if b"OS/2" in tables else b""
        (upem,) = struct.unpack(">H", head[18:20])
        if len(os2) >= 74:
            asc, desc, gap = struct.unpack(">hhh", os2[68:74])
        else:
            asc, desc, gap = struct.unpack(">hhh", hhea[4:10])
        (n_metrics,) = struct.unpack(">H", hhea[34:36])
        widths = struct.unpack(f">{2 * n_metrics}H", hmtx[:4 * n_metrics])[::2]
        glyph_of = _glyph_lookup(cmap)
    except (OSError, KeyError, struct.error, IndexError):
        return None
    if not upem or not widths or glyph_of is None:
        return None
    return FaceMetrics(asc / upem, -desc / upem, gap / upem, upem, widths, glyph_of)


def _glyph_lookup(cmap: bytes):
    """A function code point -> glyph id (0: not mapped) by the best Unicode subtable
    (format 12, else 4), or None when the font has neither."""
    (count,) = struct.unpack(">H", cmap[2:4])
    subtables = []
    for i in range(count):
        platform, encoding, offset = struct.unpack(">HHI", cmap[4 + 8 * i:12 + 8 * i])
        if platform == 0 or (platform == 3 and encoding in (1, 10)):
            subtables.append((struct.unpack(">H", cmap[offset:offset + 2])[0], offset))
    for fmt, offset in sorted(subtables, key=lambda s: s[0] != 12):
        if fmt == 12:
            return _format12(cmap, offset)
        if fmt == 4:
            return _format4(cmap, offset)
    return None


def _segments(starts, ends, glyph):
    """code point -> ``glyph(segment, code point)`` for the segment holding it, else 0."""
    def lookup(cp: int) -> int:
        k = bisect.bisect_left(ends, cp)
        if k < len(ends) and starts[k] <= cp:
            return glyph(k, cp)
        return 0
    return lookup


def _format12(cmap: bytes, offset: int):
    (groups,) = struct.unpack(">I", cmap[offset + 12:offset + 16])
    flat = struct.unpack(f">{3 * groups}I", cmap[offset + 16:offset + 16 + 12 * groups])
    return _segments(flat[0::3], flat[1::3], lambda k, cp: flat[3 * k + 2] + cp - flat[3 * k])


def _format4(cmap: bytes, offset: int):
    (seg_x2,) = struct.unpack(">H", cmap[offset + 6:offset + 8])
    n = seg_x2 // 2
    ends_at = offset + 14
    starts_at = ends_at + seg_x2 + 2
    deltas_at = starts_at + seg_x2
    ranges_at = deltas_at + seg_x2
    ends = struct.unpack(f">{n}H", cmap[ends_at:ends_at + seg_x2])
    starts = struct.unpack(f">{n}H", cmap[starts_at:starts_at + seg_x2])
    deltas = struct.unpack(f">{n}h", cmap[deltas_at:deltas_at + seg_x2])
    ranges = struct.unpack(f">{n}H", cmap[ranges_at:ranges_at + seg_x2])

    def glyph(k: int, cp: int) -> int:
        if ranges[k] == 0:
            return (cp + deltas[k]) & 0xFFFF
        at = ranges_at + 2 * k + ranges[k] + 2 * (cp - starts[k])
        (g,) = struct.unpack(">H", cmap[at:at + 2])
        return (g + deltas[k]) & 0xFFFF if g else 0
    return _segments(starts, ends, glyph)
