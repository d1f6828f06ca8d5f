"""pikepdf imported (by the command line) with a regular expression it compiles at import, and briefgen never uses,
compiled on first use instead.

Written for and checked against pikepdf 9 and 10 (:data:`SUPPORTED`). What is relied on:
``pikepdf.models.metadata._constants.re_xml_illegal_chars``, compiled when pikepdf is imported
(~10-17 ms: a negated class up to U+10FFFF), is used only by ``clean()`` when XMP metadata is
edited through ``Pdf.open_metadata``; briefgen writes its XMP packet itself
(:mod:`briefgen.layout.structure`). Outside the range, or when the pattern differs, pikepdf is
imported as usual.
"""

from __future__ import annotations

from briefgen.compat import VersionRange, in_range, installed
from briefgen.compat.lazyre import compile_lazily_on_import

SUPPORTED: VersionRange = ((9, 0), (11, 0))
VERSION: str = installed.version("pikepdf")
VERSION_OK: bool = in_range(VERSION, SUPPORTED)

LAZY_PATTERNS: tuple[tuple[str, int], ...] = (
    (r"(?u)[^\x09\x0A\x0D\x20-\U0000D7FF\U0000E000-\U0000FFFD\U00010000-\U0010FFFF]", 0),
)
"""pikepdf's import-time pattern compiled on first use (as pikepdf writes it)."""


def install() -> bool:
    """Within :data:`SUPPORTED`, make the import of ``pikepdf.models.metadata._constants``
    (whoever imports pikepdf later) compile :data:`LAZY_PATTERNS` on first use
    (:mod:`briefgen.cli.launch` calls it first thing).
    Imports nothing of pikepdf. Returns False when nothing was done (outside the range)."""
    if not VERSION_OK:
        return False
    compile_lazily_on_import({"pikepdf.models.metadata._constants": LAZY_PATTERNS})
    return True
