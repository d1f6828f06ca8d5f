"""Lean font embedding: chart PDFs carry fonts without the OpenType layout tables.

matplotlib embeds each font face a chart uses as a TrueType (Type 42) subset made with
fontTools (``get_glyphs_subset`` of its PDF/PS backends, once per face and chart).
fontTools also reads, closes over and rewrites the layout tables (GSUB, GPOS, GDEF,
...): ~10 ms per face even for a chart subset font (briefgen.charts.fonts), two thirds
of the embedding time, for tables no PDF viewer reads: the page's content stream already
fixes every glyph and its position (matplotlib shapes text itself, with the full font:
kerning, ligatures and marks are in the drawing).

:func:`install` wraps that function, once and for the rest of the process (it is called
when briefgen registers fonts; the wrapping itself, private API of matplotlib, is in
:mod:`briefgen.compat.matplotlib`). When matplotlib embeds a font file briefgen
registered (:data:`REGISTERED`) that has layout tables, it subsets a *twin* of
the file instead: a copy without the tables of :data:`DROPPED` (the same glyphs in the
same order, the same outlines, metrics, hinting, character map and names). The embedded
program differs from before only by those tables (and by glyphs only they reached); the
drawing and the extracted text are unchanged, and the bytes are as reproducible as
before. Any other font, a font collection, or a font fontTools cannot rewrite passes
through untouched: embedded whole, as matplotlib does. A twin the cache folder cannot take
(a full disk, no permission) is written to a temporary folder of the process instead:
what a chart embeds, and so its bytes and the bytes of every briefing showing it, never
depend on what the machine's caches could hold (the chart cache's keys cover the inputs
only).

Twins are kept in matplotlib's cache folder (``matplotlib.get_cachedir()``, where it keeps
its own font list), under ``briefgen-font-twins/<name>.<sha12>.<tables>.ttf``: named by
the original's content hash, written once (atomically) and shared by every process.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import threading
from pathlib import Path

from briefgen.charts.fonts import sha12
from briefgen.compat.matplotlib import hook_glyph_subsetting, keep_code_zero_for_notdef

DROPPED = ("GSUB", "GPOS", "GDEF", "BASE", "JSTF", "MATH", "kern")
"""Tables a twin leaves out: text layout only, never read when a PDF is shown."""

_log = logging.getLogger(__name__)
_LOCK = threading.Lock()
_TWINS: dict[str, str | None] = {}  # original path -> twin path, or None (no twin)

FAILED: set[str] = set()
"""Registered fonts whose twin could not be made in this process: charts drawn since embed
them whole, unlike everywhere else, and are not stored in the chart cache
(:mod:`briefgen.charts.store`)."""

REGISTERED: set[str] = set()
"""Paths of every font file briefgen registered with matplotlib: the styles' files and
their chart subsets (added by :mod:`briefgen.charts.fontlist`). Only these get twins."""


def _twin_path(path: str) -> Path:
    import matplotlib

    tables = hashlib.sha256(" ".join(DROPPED).encode()).hexdigest()[:6]
    return (Path(matplotlib.get_cachedir()) / "briefgen-font-twins"
            / f"{Path(path).stem}.{sha12(path)}.{tables}.ttf")


def _make_twin(path: str) -> str | None:
    """Write the twin of ``path`` unless it exists; None when ``path`` needs none."""
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True, recalcTimestamp=False, recalcBBoxes=False) as font:
        present = [tag for tag in DROPPED if tag in font]
        if not present or "glyf" not in font:
            return None
        target = _twin_path(path)
        if target.is_file():
            return str(target)
        for tag in present:
            del font[tag]
        try:
            return _save(font, target)
        except OSError:  # a full or read-only cache folder: the same twin, in a folder of this process
            return _save(font, _private_folder() / target.name)


def _save(font, target: Path) -> str:
    """Write ``font`` to ``target`` atomically. Raises OSError."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            font.save(fh)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return str(target)


_PRIVATE: list[Path] = []


def _private_folder() -> Path:
    """A temporary folder of this process for twins the cache folder cannot take (removed
    at exit), so that what a chart embeds never depends on whether a cache was writable."""
    if not _PRIVATE:
        import atexit
        import shutil

        folder = Path(tempfile.mkdtemp(prefix="briefgen-font-twins-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        _PRIVATE.append(folder)
    return _PRIVATE[0]


def twin_of(path: str) -> str | None:
    """The embedding twin of font file ``path`` (made on first use), or None when the file
    is not one briefgen registered, has no layout tables, or the twin cannot be made."""
    if path not in REGISTERED or path.lower().endswith((".ttc", ".otc")):
        return None
    with _LOCK:
        twin = _TWINS.get(path, "")
        if twin is None or (twin and os.path.isfile(twin)):
            return twin
        try:
            twin = _make_twin(path)
        except Exception as exc:  # no folder takes it, a font fontTools cannot rewrite, ...
            _log.debug("no embedding twin for %s: %s", path, exc)
            twin = None
            FAILED.add(path)
        _TWINS[path] = twin
        return twin


def install() -> None:
    """Make matplotlib's PDF/PS backends embed registered fonts through their twins (once
    per process; does nothing if this matplotlib has no ``get_glyphs_subset``), and never show
    character code 0 (``.notdef`` by convention, which PDF/UA-1 7.21.8 forbids showing; see
    :func:`briefgen.compat.matplotlib.keep_code_zero_for_notdef`)."""
    hook_glyph_subsetting(twin_of)
    keep_code_zero_for_notdef()
