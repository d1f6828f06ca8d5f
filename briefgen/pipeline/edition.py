"""The formats a build writes, and the HTML edition of one variant.

:func:`formats_for`: ``--format`` (:attr:`BuildOptions.formats`) when given, else the
audience's ``formats:`` list (default ``[pdf]``). :func:`html_edition`: the document as
one HTML file (:func:`briefgen.html.render.render_html`) in the variant's theme, its charts
as SVG from the chart cache folder (:class:`briefgen.html.svgcache.SvgStore`), drawn with
the same :class:`~briefgen.charts.style.ChartStyle` as the PDF's charts. Nothing here
imports ReportLab or pikepdf: a build that writes only HTML never loads them (unless the
audience has a page budget, which only the PDF layout can check).
"""

from __future__ import annotations

from typing import Any

from briefgen.document.model import Document
from briefgen.load.project import LoadedSpec
from briefgen.model.models import OUTPUT_FORMATS, Audience
from briefgen.model.resolved import Briefing


def formats_for(options: Any, audience: Audience) -> tuple[str, ...]:
    """What to write for ``audience``: ``options.formats`` if set, else the audience's
    ``formats``; each once, in :data:`~briefgen.model.models.OUTPUT_FORMATS` order."""
    wanted = getattr(options, "formats", None) or audience.formats
    return tuple(f for f in OUTPUT_FORMATS if f in wanted)


def html_edition(loaded: LoadedSpec, briefing: Briefing, document: Document, options: Any) -> bytes:
    """The HTML edition of ``document`` (UTF-8 bytes). ``options``: a
    :class:`~briefgen.pipeline.build.BuildOptions` (its ``cache`` and ``cache_dir``).
    Raises :class:`~briefgen.errors.RenderError` or
    :class:`~briefgen.errors.FontCoverageError` for a chart that cannot be drawn or an image
    that cannot be read, :class:`~briefgen.errors.SpecError` for a theme that is not valid."""
    from briefgen.charts.recent import default_root
    from briefgen.html.render import render_html
    from briefgen.html.svgcache import SvgStore
    from briefgen.pipeline.variant import chart_style_for, variant_theme

    theme = variant_theme(loaded, briefing)
    charts = [(fig.id, fig.chart) for fig in document.figures() if fig.chart is not None]
    svgs: dict[str, bytes] = {}
    if charts:
        store = SvgStore(options.cache_dir or default_root(), enabled=options.cache)
        svgs = store.get_many([chart for _, chart in charts], chart_style_for(theme))
    return render_html(document, charts={fig_id: svgs[chart.id] for fig_id, chart in charts}, theme=theme)
