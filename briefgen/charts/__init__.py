"""The chart stage: chart kinds drawn with matplotlib's object API into vector PDFs.

Modules, from the bottom up (each imports only modules listed before it):

* :mod:`~briefgen.charts.fonts` (chart subsets of the fonts, and which fonts a chart
  needs), :mod:`~briefgen.charts.recent` (which charts a spec's last build used); every
  use of matplotlib's private API is in :mod:`briefgen.compat.matplotlib`;
* :mod:`~briefgen.charts.embed` (lean font embedding), :mod:`~briefgen.charts.measure`
  (text sizes), :mod:`~briefgen.charts.fontlist` (a style's fonts in matplotlib's font
  list);
* :mod:`~briefgen.charts.style` (ChartStyle, rcParams, colours, text helpers), then
  :mod:`~briefgen.charts.coverage` (glyph coverage);
* :mod:`~briefgen.charts.registry`: the chart kinds as kind modules register them (the
  registry itself is :mod:`briefgen.model.chart_kinds`, below every stage: the model
  validates ``kind:`` against it, and it imports the kind modules by name when first
  read);
* the kinds, one module each: :mod:`~briefgen.charts.bar`, :mod:`~briefgen.charts.line`,
  :mod:`~briefgen.charts.timeline`, :mod:`~briefgen.charts.network` (with
  :mod:`~briefgen.charts.network_layout` and :mod:`~briefgen.charts.network_labels`),
  :mod:`~briefgen.charts.table`;
* :mod:`~briefgen.charts.render` (drawing and saving);
* :mod:`~briefgen.charts.keys` (cache keys), :mod:`~briefgen.charts.store` (the on-disk
  cache), :mod:`~briefgen.charts.worker` (drawing in other processes),
  :mod:`~briefgen.charts.cache` (the cache with background drawing).

This package re-exports the names most callers need (:func:`render_pdf`, :func:`draw`,
:func:`describe`, :func:`alt_text`, :func:`warm_up`, :class:`ChartStyle`,
:data:`RENDER_LOCK`, :data:`PDF_METADATA`, :data:`CHART_KINDS`, :class:`ChartKind`,
:func:`register_kind`), each imported when first asked for: importing the package, or
its registry, imports no drawing code.
"""

from __future__ import annotations

import importlib
import os
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from briefgen.charts.registry import CHART_KINDS, ChartKind, DrawFn, alt_text, describe, register_kind
    from briefgen.charts.render import PDF_METADATA, RENDER_LOCK, draw, render_pdf, warm_up
    from briefgen.charts.style import ChartStyle


def _reusable_matplotlib_dir() -> None:
    """Give matplotlib one reused folder when its own cannot be written.

    matplotlib keeps its font list in its config/cache folder; when that cannot be written
    (a read-only home, say) it makes a new temporary folder in every process and deletes
    it at exit, a clean-up briefgen commands skip (they leave with ``os._exit``), so
    folders piled up in /tmp. ``MPLCONFIGDIR`` then points at one folder per user in the
    temporary directory. An explicit ``MPLCONFIGDIR`` is left alone.
    """
    if os.environ.get("MPLCONFIGDIR"):
        return
    home = os.path.expanduser("~")
    wanted = [os.environ.get("XDG_CONFIG_HOME") or os.path.join(home, ".config"),
              os.environ.get("XDG_CACHE_HOME") or os.path.join(home, ".cache")]
    for base in wanted:
        folder = os.path.join(base, "matplotlib")
        try:
            os.makedirs(folder, exist_ok=True)
        except OSError:
            pass
        if not (os.path.isdir(folder) and os.access(folder, os.W_OK)):
            break
    else:
        return
    import tempfile

    uid = os.getuid() if hasattr(os, "getuid") else "user"
    shared = os.path.join(tempfile.gettempdir(), f"briefgen-matplotlib-{uid}")
    try:
        os.makedirs(shared, mode=0o700, exist_ok=True)
    except OSError:
        return  # matplotlib falls back to its own temporary folder
    os.environ["MPLCONFIGDIR"] = shared


# before anything imports matplotlib (which reads MPLCONFIGDIR once)
_reusable_matplotlib_dir()

_EXPORTS = {
    "alt_text": "briefgen.charts.registry", "describe": "briefgen.charts.registry",
    "CHART_KINDS": "briefgen.charts.registry", "ChartKind": "briefgen.charts.registry",
    "DrawFn": "briefgen.charts.registry", "register_kind": "briefgen.charts.registry",
    "PDF_METADATA": "briefgen.charts.render", "RENDER_LOCK": "briefgen.charts.render",
    "draw": "briefgen.charts.render", "render_pdf": "briefgen.charts.render",
    "warm_up": "briefgen.charts.render",
    "ChartStyle": "briefgen.charts.style",
}
"""Name -> the module it comes from, imported on first use (PEP 562)."""


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later reads (and monkeypatching) see a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))


__all__ = ["CHART_KINDS", "ChartKind", "ChartStyle", "DrawFn", "PDF_METADATA", "RENDER_LOCK", "alt_text",
           "describe", "draw", "register_kind", "render_pdf", "warm_up"]
