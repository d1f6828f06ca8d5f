"""ReportLab imported the way a build needs it: what it compiles or runs at import and a build
seldom uses is left for first use (:func:`install`, called by the command line before anything
imports ReportLab).

Written for and checked against ReportLab 4.2 and 5.1 (:data:`SUPPORTED`, as
:mod:`briefgen.compat.reportlab`; read from the installed distribution, so that nothing of
ReportLab is imported before the hooks are in place). What is relied on:

- the regular expressions ``reportlab.platypus.paragraph.uri_pat`` (splits a URL wider than a
  line) and ``reportlab.lib.textsplit.rx`` (used by ``cjkwrap`` only), compiled when the modules
  are imported: ~30-45 ms for the first, a case-insensitive class over U+00A1-U+FFFF. Given in
  :data:`LAZY_PATTERNS` as ReportLab writes them; a pattern that differs is compiled as usual;
- ``reportlab.lib.utils`` imports Pillow's ``PIL.Image`` (~12 ms) when it is imported, and reads
  it only for a bitmap image (``ImageReader``).

Outside the range ReportLab is imported as usual.
"""

from __future__ import annotations

from briefgen.compat import VersionRange, in_range, installed
from briefgen.compat.lazyre import compile_lazily_on_import, run_on_first_use

SUPPORTED: VersionRange = ((4, 2), (5, 2))
VERSION: str = installed.version("reportlab")
VERSION_OK: bool = in_range(VERSION, SUPPORTED)

LAZY_PATTERNS: dict[str, tuple[tuple[str, int], ...]] = {"reportlab.platypus.paragraph": (
    ('(^(?:[a-z0-9\\.\\-\\+]*)://)(?:\\S+(?::\\S*)?@)?(?:(?:25[0-5]|2[0-4]\\d|[0-1]?\\d?\\d)(?:\\.(?:25[0-5]|2[0-4]\\d|[0-1]?\\d?\\d)){3}|\\[[0-9a-f:\\.]+\\]|([a-z\xa1-\uffff0-9](?:[a-z\xa1-\uffff0-9-]{0,61}[a-z\xa1-\uffff0-9])?(?:\\.(?!-)[a-z\xa1-\uffff0-9-]{1,63}(?<!-))*\\.(?!-)(?:[a-z\xa1-\uffff-]{2,63}|xn--[a-z0-9]{1,59})(?<!-)\\.?|localhost))(?::\\d{2,5})?(?:[/?#][^\\s]*)?\\Z', 2),  # noqa: E501  (re.I)
), "reportlab.lib.textsplit": (
    ("([\u2e80-\uffff])", 32),  # re.UNICODE
)}
"""ReportLab's import-time patterns, by the module that compiles them, compiled on first use
instead (:func:`install`)."""

RUN_ON_FIRST_USE = ("PIL.Image",)
"""Modules ReportLab imports at import time (``from PIL import Image``) but reads only on some
paths: Pillow's image module (~12 ms), for a bitmap image. (HarfBuzz, ~10 ms and read only for
shaping, cannot be left so: ReportLab imports it with ``import uharfbuzz``, which runs it.)"""



def install() -> bool:
    """Within :data:`SUPPORTED`, make ReportLab's import compile :data:`LAZY_PATTERNS` on first use
    and leave :data:`RUN_ON_FIRST_USE` to run when first read, whoever imports ReportLab later
    (:mod:`briefgen.cli.launch` calls it first thing). Imports nothing of ReportLab. Returns
    False when nothing was done (outside the range)."""
    if not VERSION_OK:
        return False
    for name in RUN_ON_FIRST_USE:
        run_on_first_use(name)
    compile_lazily_on_import(LAZY_PATTERNS)
    return True
