"""Registering a theme's TrueType files with ReportLab: the body faces at once, a fallback
font only when some text needs it.

ReportLab reads a font's tables when it is registered (from the per-user face cache:
:func:`briefgen.compat.reportlab_faces.ttfont`), and the default theme's fallbacks are large: the
Han fallback alone is 1.5 MB of parsed tables, ~60 ms to read back, for briefings that
rarely contain a Chinese character. So a fallback is only *named* when a
:class:`~briefgen.layout.fonts.FontSet` is built: its coverage comes from its ``cmap`` table
(:mod:`briefgen.model.font_cmap`, the same reading ``validate`` checks coverage with, with
ReportLab's own space / no-break-space rule), and ReportLab registers it the first time a
character is given to it (:func:`ensure`, called by the FontSet and the shaper). A font's name
is fixed when it is named, so the PDF is the same whichever way it was registered.

ReportLab's font registry (``pdfmetrics``) is global to the process: names and registrations
are kept here per font file, under one lock.
"""

from __future__ import annotations

import threading
from hashlib import sha1
from pathlib import Path

from briefgen.errors import RenderError
from briefgen.model.font_cmap import Coverage, coverage

_LOCK = threading.RLock()
_NAMES: dict[Path, str] = {}  # font file -> its ReportLab font name (registered or not yet)
_FILES: dict[str, Path] = {}  # the reverse
_REGISTERED: set[Path] = set()
_PENDING: dict[str, tuple[Path, Path | None]] = {}  # named, not registered yet: (file, face cache)
_BOLD: dict[str, str] = {}  # font name -> the font its bold text is drawn in (see family())


def font_name(path: Path) -> str:
    """The ReportLab font name of TrueType file ``path``: its file stem, or the stem and a
    hash of the path when another file already has that name in this process."""
    from reportlab.pdfbase import pdfmetrics

    with _LOCK:
        name = _NAMES.get(path)
        if name is None:
            name = path.stem
            if name in pdfmetrics.getRegisteredFontNames() or name in _FILES:
                name = f"{path.stem}-{sha1(str(path).encode()).hexdigest()[:8]}"
            _NAMES[path] = name
            _FILES[name] = path
        return name


def font_file(name: str) -> Path | None:
    """The TrueType file of font ``name`` (registered or only named), else None."""
    return _FILES.get(name)


def register(path: Path, cache_dir: Path | None) -> str:
    """Register ``path`` with ReportLab now (once per process); return its name.

    Raises :class:`~briefgen.errors.RenderError` if the file cannot be read as a TrueType font.
    """
    from reportlab.pdfbase import pdfmetrics

    from briefgen.compat.reportlab_faces import ttfont

    with _LOCK:
        name = font_name(path)
        if path not in _REGISTERED:
            try:
                pdfmetrics.registerFont(ttfont(name, path, cache_dir))
            except Exception as exc:  # TTFError, OSError, struct errors from a damaged file
                raise RenderError(f"cannot load font {path}: {exc}") from None
            _REGISTERED.add(path)
            if name in _BOLD:
                _map_family(name)
        _PENDING.pop(name, None)
        return name


def family(name: str, bold: str) -> None:
    """Make font ``name`` a family of its own whose bold (and bold italic) text is drawn in
    ``bold`` and italic in ``name`` itself, now or as soon as ``name`` is registered: ReportLab
    resets a TrueType font's family to itself when it registers it."""
    with _LOCK:
        _BOLD[name] = bold
        if name not in _PENDING:
            _map_family(name)


def _map_family(name: str) -> None:
    from reportlab.pdfbase import pdfmetrics

    bold = _BOLD[name]
    pdfmetrics.registerFontFamily(name, normal=name, bold=bold, italic=name, boldItalic=bold)


def register_later(path: Path, cache_dir: Path | None) -> str:
    """Name ``path`` now; register it with ReportLab when :func:`ensure` is first called for
    that name. Returns the name."""
    with _LOCK:
        name = font_name(path)
        if path not in _REGISTERED:
            _PENDING[name] = (path, cache_dir)
        return name


def ensure(name: str) -> None:
    """Make sure font ``name`` is registered with ReportLab if it was only named so far (any
    other name is left alone). Raises RenderError for a damaged file, every time it is asked."""
    if name in _PENDING:
        with _LOCK:
            pending = _PENDING.get(name)
            if pending is not None:
                register(*pending)


def unread_coverage(path: Path) -> Coverage:
    """The code points ReportLab will find in ``path``, read from its cmap without
    registering it (see the module docstring)."""
    return coverage(str(path)).with_space_twins()


def bold_twin(name: str, names: tuple[str, ...]) -> str:
    """The bold face of fallback ``name`` among ``names`` (``X-Bold`` for ``X-Regular``, so that
    ``<b>`` text in a fallback script is bold), else ``name`` itself."""
    if name.endswith("-Regular"):
        twin = name[: -len("Regular")] + "Bold"
        if twin in names:
            return twin
    return name
