"""The chart cache a build uses: the on-disk store of chart PDFs
(:mod:`briefgen.charts.store`), and drawing the charts it misses in another process while
the caller lays out the pages (:mod:`briefgen.charts.worker`).

Entries are keyed by the SHA-256 of what changes the drawing (:mod:`briefgen.charts.keys`):
chart kind, data, title, size (inches), the style's
:meth:`~briefgen.charts.style.ChartStyle.cache_key`, the matplotlib version,
``briefgen.__version__`` and a digest of the chart-drawing source code. Not the figure
number, caption, source line, alt text or chart id: one chart shown to several audiences
is rendered once. Cache I/O failures never fail a build: the chart is rendered and
returned anyway.

Default root: ``$BRIEFGEN_CACHE_DIR`` if set, else ``.briefgen-cache/charts`` under the
current directory.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from briefgen.charts.keys import chart_key
from briefgen.charts.recent import default_root
from briefgen.charts.store import (
    DEFAULT_MAX_BYTES,
    LOCK_TIMEOUT,
    MEMO_MAX_BYTES,
    STALE_TMP_SECONDS,
    ChartStore,
    MiB,
    looks_like_pdf,
)
from briefgen.charts.worker import PendingCharts

if TYPE_CHECKING:  # pragma: no cover
    from briefgen.charts.style import ChartStyle
    from briefgen.model.resolved import ResolvedChart


class ChartCache(ChartStore):
    """Render-or-reuse for chart PDFs (see :class:`~briefgen.charts.store.ChartStore`), and
    :meth:`start_many`: the misses drawn in another process meanwhile."""

    def start_many(self, charts: "list[ResolvedChart]", style: "ChartStyle", *,
                   background: bool = True) -> PendingCharts:
        """Begin :meth:`get_many`: with ``background``, the misses are drawn in another
        process (the pre-started worker, else a child forked now: see
        :mod:`briefgen.charts.worker`) while the caller goes on (lays out the pages), and
        :meth:`PendingCharts.result` collects them. Without a usable ``fork`` (other
        threads running, no ``os.fork``) or without misses, everything happens in
        :meth:`~PendingCharts.result`, in this process. The bytes are the same either way."""
        return PendingCharts(self, list(charts), style, background)


__all__ = ["DEFAULT_MAX_BYTES", "LOCK_TIMEOUT", "MEMO_MAX_BYTES", "STALE_TMP_SECONDS", "ChartCache", "MiB",
           "PendingCharts", "chart_key", "default_root", "looks_like_pdf"]
