"""fontTools imported for a chart process without lxml.

Written for and checked against fontTools 4.69 (:data:`SUPPORTED`, the range of the
``fonttools`` pin in ``pyproject.toml``). What is relied on: ``fontTools.subset.svg`` imports
``lxml`` inside ``try/except ImportError`` and needs it only to subset a font's ``SVG `` table
(raising then). Outside the range nothing is left out. (``uharfbuzz`` is kept: fontTools
writes GSUB/GPOS tables with its repacker when it is importable, and a font embedded with its
layout tables, one without a lean twin, must come out the same in every process.)
"""

from __future__ import annotations

import sys

from briefgen.compat import VersionRange, in_range, installed

SUPPORTED: VersionRange = ((4, 22), (5, 0))

VERSION: str = installed.version("fonttools")
VERSION_OK: bool = in_range(VERSION, SUPPORTED)

LEFT_OUT = ("lxml",)
"""Optional modules a chart process does without (~15 ms of import): chart fonts with an SVG
table are rare, and one that reaches the subsetter fails in the chart process, so the chart is
drawn by the build's own process, which has lxml (the same bytes either way)."""


def import_subsetter_lean() -> None:
    """Import ``fontTools.subset`` (what matplotlib's PDF backend embeds fonts with) without
    :data:`LEFT_OUT`, in a chart process briefgen owns. The modules left out stay importable
    afterwards."""
    if not VERSION_OK or "fontTools.subset" in sys.modules:
        import fontTools.subset  # noqa: F401
        return
    blocked = [name for name in LEFT_OUT if name not in sys.modules]
    for name in blocked:
        sys.modules[name] = None  # type: ignore[assignment]  # makes the import fail
    try:
        import fontTools.subset  # noqa: F401
    finally:
        for name in blocked:
            if name in sys.modules and sys.modules[name] is None:
                del sys.modules[name]
