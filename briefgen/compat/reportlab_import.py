"""ReportLab imported the way a build needs it: what it compiles or runs at import and a build
seldom uses is left for first use (the ``briefgen.layout`` package calls :func:`import_platypus`
before any of its modules imports ReportLab).

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

import sys

from briefgen.compat import VersionRange, in_range, installed
from briefgen.compat.lazyre import lazy_patterns

SUPPORTED: VersionRange = ((4, 2), (5, 2))
VERSION: str = installed.version("reportlab")
VERSION_OK: bool = in_range(VERSION, SUPPORTED)

LAZY_PATTERNS: tuple[tuple[str, int], ...] = (
    ('(^(?:[a-z0-9\\.\\-\\+]*)://)(?:\\S+(?::\\S*)?@)?(?:(?:25[0-5]|2[0-4]\\d|[0-1]?\\d?\\d)(?:\\.(?:25[0-5]|2[0-4]\\d|[0-1]?\\d?\\d)){3}|\\[[0-9a-f:\\.]+\\]|([a-z\xa1-\uffff0-9](?:[a-z\xa1-\uffff0-9-]{0,61}[a-z\xa1-\uffff0-9])?(?:\\.(?!-)[a-z\xa1-\uffff0-9-]{1,63}(?<!-))*\\.(?!-)(?:[a-z\xa1-\uffff-]{2,63}|xn--[a-z0-9]{1,59})(?<!-)\\.?|localhost))(?::\\d{2,5})?(?:[/?#][^\\s]*)?\\Z', 2),  # noqa: E501  (re.I)
    ("([\u2e80-\uffff])", 32),  # re.UNICODE
)
"""ReportLab's import-time patterns compiled on first use instead (:func:`import_platypus`)."""


def import_platypus() -> None:
    """Import ``reportlab.platypus`` (the flowables, paragraphs and tables the layout is made of),
    compiling :data:`LAZY_PATTERNS` on first use rather than at import, and with Pillow's
    ``PIL.Image`` run only when first used (:func:`_pillow_on_first_use`); within
    :data:`SUPPORTED` (outside it, a plain import). Once per process; :mod:`briefgen.layout`
    calls it first."""
    if not VERSION_OK or "reportlab.platypus" in sys.modules:
        import reportlab.platypus  # noqa: F401
        return
    _pillow_on_first_use()
    with lazy_patterns(LAZY_PATTERNS):
        import reportlab.platypus  # noqa: F401


def _pillow_on_first_use() -> None:
    """Put ``PIL.Image`` in ``sys.modules`` as a module whose code runs when one of its names is
    first read (:class:`importlib.util.LazyLoader`). ReportLab imports it at import time
    (``reportlab.lib.utils``: ``from PIL import Image``, ~12 ms) but reads it only for a bitmap
    image (``ImageReader``); a briefing without one never runs it. Nothing is done when Pillow
    is imported already or cannot be found (ReportLab's own import then says so)."""
    import importlib.util

    if "PIL.Image" in sys.modules:
        return
    try:
        spec = importlib.util.find_spec("PIL.Image")  # imports the small PIL package itself
    except ImportError:
        return
    if spec is None or spec.loader is None:
        return
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules["PIL.Image"] = module
    spec.loader.exec_module(module)
    setattr(sys.modules["PIL"], "Image", module)  # noqa: B010  (as an import of the submodule would)
