"""PyYAML imported (by the command line) with a regular expression it compiles at import, and briefgen seldom uses,
compiled on first use instead.

Written for and checked against PyYAML 5.1 to 6 (:data:`SUPPORTED`). What is relied on:
``yaml.reader.Reader.NON_PRINTABLE``, compiled when the ``yaml`` package is imported (~8-16 ms:
a negated class up to U+10FFFF), is used only by the pure-Python reader, which briefgen runs
only when libyaml is missing or to word an error (:mod:`briefgen.load.yamlcompose`). Outside
the range, or when the pattern differs, PyYAML is imported as usual.
"""

from __future__ import annotations

from briefgen.compat import VersionRange, in_range, installed
from briefgen.compat.lazyre import compile_lazily_on_import

SUPPORTED: VersionRange = ((5, 1), (7, 0))
VERSION: str = installed.version("PyYAML")
VERSION_OK: bool = in_range(VERSION, SUPPORTED)

LAZY_PATTERNS: tuple[tuple[str, int], ...] = (
    ("[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\U00010000-\U0010ffff]", 0),
)
"""PyYAML's import-time pattern compiled on first use (as PyYAML writes it)."""


def install() -> bool:
    """Within :data:`SUPPORTED`, make the import of ``yaml.reader`` (whoever imports PyYAML later)
    compile :data:`LAZY_PATTERNS` on first use (:mod:`briefgen.cli.launch` calls it first thing).
    Imports nothing of PyYAML. Returns False when nothing was done (outside the range)."""
    if not VERSION_OK:
        return False
    compile_lazily_on_import({"yaml.reader": LAZY_PATTERNS})
    return True
