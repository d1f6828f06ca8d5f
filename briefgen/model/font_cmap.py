"""The characters a TrueType / OpenType font file maps to glyphs, read from its ``cmap`` table.

``validate`` checks font coverage without importing a font library (it imports neither
ReportLab, matplotlib nor fontTools: tests/cli/test_imports.py): this reads the table
directory and the best Unicode subtable the way the OpenType specification lays them out
(https://learn.microsoft.com/typography/opentype/spec/cmap): format 12 (segmented coverage,
full Unicode) when present, else format 4 (segment mapping, the Basic Multilingual Plane).
A code point mapped to glyph 0 (``.notdef``) is not covered. Only the table directory and
the ``cmap`` table are read, not the whole file. Coverage is cached per file (path, size
and modification time). The layout uses it too, to decide which fallback fonts a briefing needs
before ReportLab reads any of them (:mod:`briefgen.layout.fonts`).
"""

from __future__ import annotations

import bisect
import os
import struct
from collections.abc import Iterator
from functools import lru_cache

from briefgen.regular_files import open_regular

# (platform, encoding, format) in order of preference: full-Unicode tables first
_PREFERRED = ((3, 10, 12), (0, 4, 12), (0, 6, 12), (3, 1, 4), (0, 3, 4), (0, 2, 4), (0, 1, 4), (0, 0, 4))


class Coverage:
    """Code points as sorted, disjoint inclusive ranges; ``cp in coverage`` by bisection."""

    def __init__(self, ranges: list[tuple[int, int]]) -> None:
        merged: list[list[int]] = []
        for lo, hi in sorted(ranges):
            if merged and lo <= merged[-1][1] + 1:
                merged[-1][1] = max(merged[-1][1], hi)
            else:
                merged.append([lo, hi])
        self._starts = [lo for lo, _ in merged]
        self._ends = [hi for _, hi in merged]

    def __contains__(self, cp: object) -> bool:
        if not isinstance(cp, int):
            return False
        i = bisect.bisect_right(self._starts, cp) - 1
        return i >= 0 and cp <= self._ends[i]

    def __iter__(self) -> Iterator[int]:
        """Every covered code point, ascending."""
        for lo, hi in zip(self._starts, self._ends):
            yield from range(lo, hi + 1)

    def with_space_twins(self) -> "Coverage":
        """This coverage as ReportLab sees the font: it draws U+00A0 NO-BREAK SPACE with the
        space's glyph when the font maps U+0020, and the space with U+00A0's when only that is
        mapped (``reportlab.pdfbase.ttfonts.TTFontFile.extractInfo``)."""
        extra = [(0xA0, 0xA0)] if 0x20 in self else [(0x20, 0x20)] if 0xA0 in self else []
        return Coverage(list(zip(self._starts, self._ends)) + extra) if extra else self


def coverage(path: str) -> Coverage:
    """The code points font file ``path`` draws (empty when the file cannot be read or has no
    Unicode ``cmap`` subtable: the theme check reports a bad font file)."""
    try:
        st = os.stat(path)
    except OSError:
        return Coverage([])
    return _coverage(path, st.st_size, st.st_mtime_ns)


@lru_cache(maxsize=64)
def _coverage(path: str, _size: int, _mtime: int) -> Coverage:
    try:
        with open(open_regular(path), "rb") as f:
            return Coverage(_read(f))
    except (OSError, struct.error, ValueError):
        return Coverage([])


def table_directory(f) -> dict[bytes, tuple[int, int]]:
    """``tag -> (offset, length)`` of every table of the open font file ``f`` (of the first
    font of a collection). Raises ``struct.error`` for a file too short to hold its directory."""
    head = f.read(12)
    if head[:4] == b"ttcf":  # a collection: its first font
        f.seek(12)
        (offset,) = struct.unpack(">I", f.read(4))
        f.seek(offset)
        head = f.read(12)
    (count,) = struct.unpack(">H", head[4:6])
    directory = f.read(16 * count)
    tables = {}
    for i in range(count):
        tag, _checksum, offset, length = struct.unpack(">4sIII", directory[16 * i:16 * i + 16])
        tables[tag] = (offset, length)
    return tables


def _read(f) -> list[tuple[int, int]]:
    found = table_directory(f).get(b"cmap")
    if found is None:
        return []
    f.seek(found[0])
    return _subtable(f.read(found[1]))


def _subtable(cmap: bytes) -> list[tuple[int, int]]:
    _version, count = struct.unpack(">HH", cmap[:4])
    found: dict[tuple[int, int, int], int] = {}
    for i in range(count):
        platform, encoding, offset = struct.unpack(">HHI", cmap[4 + 8 * i:12 + 8 * i])
        (fmt,) = struct.unpack(">H", cmap[offset:offset + 2])
        found.setdefault((platform, encoding, fmt), offset)
    for key in _PREFERRED:
        if key in found:
            offset = found[key]
            return _format12(cmap, offset) if key[2] == 12 else _format4(cmap, offset)
    return []


def _format12(cmap: bytes, offset: int) -> list[tuple[int, int]]:
    (groups,) = struct.unpack(">I", cmap[offset + 12:offset + 16])
    out = []
    for i in range(groups):
        start, end, glyph = struct.unpack(">III", cmap[offset + 16 + 12 * i:offset + 28 + 12 * i])
        if glyph == 0:  # the first code point maps to .notdef
            start += 1
        if start <= end:
            out.append((start, end))
    return out


def _format4(cmap: bytes, offset: int) -> list[tuple[int, int]]:
    (seg_x2,) = struct.unpack(">H", cmap[offset + 6:offset + 8])
    segs = seg_x2 // 2
    base = offset + 14
    ends = struct.unpack(f">{segs}H", cmap[base:base + seg_x2])
    starts = struct.unpack(f">{segs}H", cmap[base + seg_x2 + 2:base + 2 * seg_x2 + 2])
    deltas = struct.unpack(f">{segs}h", cmap[base + 2 * seg_x2 + 2:base + 3 * seg_x2 + 2])
    range_at = base + 3 * seg_x2 + 2
    range_offsets = struct.unpack(f">{segs}H", cmap[range_at:range_at + seg_x2])
    out: list[tuple[int, int]] = []
    for i in range(segs):
        start, end = starts[i], ends[i]
        if start == 0xFFFF or end < start:
            continue
        if range_offsets[i] == 0:
            # glyph (cp + delta) mod 65536: .notdef (0) for one code point at most, which splits the segment
            notdef = -deltas[i] & 0xFFFF
            if start <= notdef <= end:
                out += [r for r in ((start, notdef - 1), (notdef + 1, end)) if r[0] <= r[1]]
            else:
                out.append((start, end))
            continue
        at = range_at + 2 * i + range_offsets[i]  # glyph ids from the glyph id array, one per code point
        count = end - start + 1
        glyphs = struct.unpack(f">{count}H", cmap[at:at + 2 * count])
        run = -1  # first code point of the current run of covered ones
        for cp, glyph in zip(range(start, end + 1), glyphs):
            covered = glyph and (glyph + deltas[i]) & 0xFFFF
            if covered and run < 0:
                run = cp
            elif not covered and run >= 0:
                out.append((run, cp - 1))
                run = -1
        if run >= 0:
            out.append((run, end))
    return out
