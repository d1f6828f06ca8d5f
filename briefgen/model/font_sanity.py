"""Whether a TrueType file is whole enough for ReportLab to draw and embed with it, checked
without a font library when a theme is loaded.

ReportLab reads a font when it is registered, and briefgen registers a theme's fallback fonts
only when some text needs them (:mod:`briefgen.layout.fontreg`), so a damaged file would
otherwise surface in the middle of a build, unlocated, or not at all. This reads the table
directory and the tables ReportLab relies on, as the OpenType specification lays them out
(https://learn.microsoft.com/typography/opentype/spec/otff): every table inside the file;
``head`` (its magic number, version and ``indexToLocFormat``), ``maxp`` (the glyph count),
``hhea`` and ``hmtx`` (the horizontal metrics), ``loca`` (every glyph's offset inside ``glyf``)
and ``cmap``. A glyph outline itself is not decoded. The verdict is cached per file (path, size
and modification time).
"""

from __future__ import annotations

import os
import struct
import sys
from array import array
from functools import lru_cache

from briefgen.model.font_cmap import table_directory
from briefgen.regular_files import open_regular

_REQUIRED = (b"head", b"hhea", b"maxp", b"hmtx", b"cmap", b"loca", b"glyf")
_HEAD_MAGIC = 0x5F0F3CF5


def font_problem(path: str) -> str | None:
    """Why TrueType file ``path`` cannot be used (``"the 'loca' table points outside the
    glyph data"``), or None when it looks whole. The file's first four bytes are assumed to be
    a TrueType signature (the caller checks that first)."""
    try:
        st = os.stat(path)
    except OSError as exc:
        return f"cannot be read: {exc.strerror or exc}"
    return _problem(path, st.st_size, st.st_mtime_ns)


@lru_cache(maxsize=64)
def _problem(path: str, size: int, _mtime: int) -> str | None:
    try:
        with open(open_regular(path), "rb") as f:  # a FIFO or device: refused, not waited on
            return _check(f, size)
    except OSError as exc:
        return f"cannot be read: {exc.strerror or exc}"
    except (struct.error, ValueError, IndexError):
        return "is cut short or damaged (a table cannot be read)"


def _check(f, size: int) -> str | None:
    tables = table_directory(f)
    for tag, (offset, length) in tables.items():
        if offset + length > size:
            return (f"is cut short: its '{tag.decode('latin-1').strip()}' table ends at byte {offset + length}, "
                    f"the file has {size}")
    missing = [t.decode("latin-1").strip() for t in _REQUIRED if t not in tables]
    if missing:
        return f"lacks the table(s) {', '.join(missing)} ReportLab needs (a TrueType font with glyf outlines)"

    def read(tag: bytes, start: int, n: int) -> bytes:
        offset, length = tables[tag]
        if start + n > length:
            raise ValueError(tag)
        f.seek(offset + start)
        return f.read(n)

    magic, = struct.unpack(">I", read(b"head", 12, 4))
    major, = struct.unpack(">H", read(b"head", 0, 2))
    loca_format, = struct.unpack(">h", read(b"head", 50, 2))
    if magic != _HEAD_MAGIC or major != 1 or loca_format not in (0, 1):
        return "has a damaged 'head' table"
    glyphs, = struct.unpack(">H", read(b"maxp", 4, 2))
    metrics, = struct.unpack(">H", read(b"hhea", 34, 2))
    if not 0 < metrics <= glyphs or tables[b"hmtx"][1] < 4 * metrics + 2 * (glyphs - metrics):
        return "has damaged horizontal metrics ('hhea' / 'hmtx')"
    width = 2 if loca_format == 0 else 4
    offsets = array("H" if width == 2 else "I")
    if offsets.itemsize != width:  # pragma: no cover - platforms without 2/4-byte array codes
        return None
    offsets.frombytes(read(b"loca", 0, width * (glyphs + 1)))
    if sys.byteorder == "little":
        offsets.byteswap()
    scale = 2 if width == 2 else 1
    if offsets[0] != 0 or max(offsets) * scale > tables[b"glyf"][1]:
        return "has a damaged 'loca' table (it points outside the glyph data)"
    return None
