"""Chart SVGs kept in the chart cache folder, beside the chart PDFs.

:class:`SvgStore` is a :class:`~briefgen.charts.store.ChartStore` (same locking, memo,
atomic writes, size bound and ``enabled`` switch) whose entries are the SVG files of
:func:`briefgen.html.svg.render_svg`: ``root/<2 hex>/<entry>.svg``, where ``entry`` is the
SHA-256 of the chart's PDF cache key (:func:`briefgen.charts.keys.chart_key`: kind, data,
title, size, style, versions, chart code) and of this package's SVG settings and code, so a
change to either draws the SVG again. The SVG entries are bounded on their own
(``max_bytes``), and never counted or evicted by the PDF store (nor it by this one).
Drawing an SVG costs about as much as drawing the PDF (0.03-0.3 s a chart); a build that
writes PDF and HTML draws each chart missing from the cache twice, once per format.
Entries are signed like the PDFs' (kind ``charts.svg``, see :mod:`briefgen.charts.store`): a
copied or planted SVG is drawn again, never shown; ``BRIEFGEN_NO_CACHE`` / ``--no-cache``
turn the store off.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from briefgen.charts.store import ChartStore
from briefgen.html.svg import looks_like_svg, render_svg


@lru_cache(maxsize=1)
def _svg_code_digest() -> str:
    """Digest of the code that makes a chart's SVG (this package's ``svg.py``)."""
    return hashlib.sha256((Path(__file__).parent / "svg.py").read_bytes()).hexdigest()[:16]


class SvgStore(ChartStore):
    """Render-or-reuse for chart SVGs (bytes), keyed like the chart PDFs (see the module
    docstring). ``get_many(charts, style)`` returns ``chart.id -> SVG bytes``."""

    SUFFIX = ".svg"
    looks_whole = staticmethod(looks_like_svg)

    def __init__(self, root: Path | str | None = None, **kwargs) -> None:
        kwargs.setdefault("render", render_svg)
        super().__init__(root, **kwargs)

    def path_for(self, key: str) -> Path:
        """Where the SVG for chart key ``key`` lives: ``root/<2 hex>/<entry>.svg``."""
        entry = hashlib.sha256(f"{key}:svg:{_svg_code_digest()}".encode()).hexdigest()
        return self.root / entry[:2] / f"{entry}.svg"
