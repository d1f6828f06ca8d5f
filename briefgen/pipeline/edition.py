"""The formats a build writes, and the HTML edition of one variant.

:func:`formats_for`: the more specific setting wins: ``--format``
(:attr:`BuildOptions.formats`) when given, else the audience's own ``formats:`` list, else the
project's ``[project] formats`` (:attr:`BuildOptions.project_formats`), else ``[pdf]``.
:func:`html_edition`: the document as one HTML file (:func:`briefgen.html.render.render_html`)
in the variant's theme, its charts as SVG from the chart cache folder
(:class:`briefgen.html.svgcache.SvgStore`), drawn with the same
:class:`~briefgen.charts.style.ChartStyle` as the PDF's charts. :func:`changes_json`: what
changed since the edition a build compared with, as ``--json`` shows it. Nothing here
imports ReportLab or pikepdf: a build that writes only HTML never loads them (unless the
audience has a page budget, which only the PDF layout can check).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from briefgen.document.model import Document
from briefgen.load.project import LoadedSpec
from briefgen.model.models import OUTPUT_FORMATS, Audience
from briefgen.model.resolved import Briefing


def formats_for(options: Any, audience: Audience, published: tuple[str, ...] = ()) -> tuple[str, ...]:
    """What to write for ``audience``: ``options.formats`` (``--format``) if set, else the
    audience's ``formats`` when its file sets them, else ``options.project_formats``
    (``briefgen.toml``) if set, else the audience's default (``pdf``); each once, in
    :data:`~briefgen.model.models.OUTPUT_FORMATS` order. ``options.with_formats`` are added
    to them (``email``: ``pdf``, the message carries it), and with ``options.keep_published``
    the ``published`` ones too (the formats of the variant already in the output folder)."""
    wanted = getattr(options, "formats", None)
    if not wanted:
        own = "formats" in audience.model_fields_set  # written in the audience, not the model's default
        wanted = audience.formats if own else (getattr(options, "project_formats", None) or audience.formats)
    wanted = (*wanted, *getattr(options, "with_formats", ()))
    if getattr(options, "keep_published", False):
        wanted = (*wanted, *published)
    return tuple(f for f in OUTPUT_FORMATS if f in wanted)


def html_edition(loaded: LoadedSpec, briefing: Briefing, document: Document, options: Any) -> bytes:
    """The HTML edition of ``document`` (UTF-8 bytes). ``options``: a
    :class:`~briefgen.pipeline.build.BuildOptions` (its ``cache`` and ``cache_dir``).
    Raises :class:`~briefgen.errors.RenderError` or
    :class:`~briefgen.errors.FontCoverageError` for a chart that cannot be drawn or an image
    that cannot be read, :class:`~briefgen.errors.SpecError` for a theme that is not valid."""
    from briefgen.charts.recent import default_root
    from briefgen.html.render import render_html
    from briefgen.pipeline.endnote_checks import refuse_dangling_citations

    refuse_dangling_citations(document, loaded)  # its links would lead nowhere
    from briefgen.html.svgcache import SvgStore
    from briefgen.pipeline.variant import chart_style_for, variant_theme

    theme = variant_theme(loaded, briefing)
    charts = [(fig.id, fig.chart) for fig in document.figures() if fig.chart is not None]
    svgs: dict[str, bytes] = {}
    if charts:
        store = SvgStore(options.cache_dir or default_root(), enabled=options.cache)
        svgs = store.get_many([chart for _, chart in charts], chart_style_for(theme))
    return render_html(document, charts={fig_id: svgs[chart.id] for fig_id, chart in charts}, theme=theme)


def changes_json(result: Any) -> dict | None:
    """What changed since the edition a build (a :class:`~briefgen.pipeline.build.BuildResult`)
    compared with (``--since``), or None: the shape of ``briefgen diff --json``'s ``diff``
    (briefing, audience, ``old``/``new`` with ``date`` and ``file``, ``counts``, ``changes``)
    and ``summary``, the lines of the document's "What changed since ..." box, every one
    (the box shows at most twelve). ``new.file`` is the edition filed, else the manifest; both
    files as :func:`shown_path` gives them."""
    diff = getattr(result, "changes", None)
    if diff is None:
        return None
    from briefgen.document.changes import summary_of

    box = summary_of(result.document) if getattr(result, "document", None) is not None else None
    new_file = getattr(result, "edition_path", None) or result.manifest_path
    since = getattr(result, "since_path", None)
    return {**diff.to_json(), "old": {"date": diff.old_date, "file": shown_path(since) if since is not None else None},
            "new": {"date": diff.new_date, "file": shown_path(new_file)},
            "summary": list(box.lines) if box is not None else []}


def shown_path(path: str | Path) -> str:
    """A path as ``--json`` and messages show it: an absolute path relative to the current folder
    (the project root when run from there, as the output paths are: ``editions/b/a/2025-05-12.json``),
    a relative one as given."""
    text = str(path)
    return os.path.relpath(text) if os.path.isabs(text) else text
