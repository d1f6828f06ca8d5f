"""The drawing stages for one variant: texts -> document -> charts and layout -> stamped, final PDF bytes.

:func:`render_variant` renders the texts and builds the format-neutral document; from
there on, :func:`layout_document` works from the document alone (its figures' charts, its
text, numbers and marking). Imports ReportLab, matplotlib and pikepdf (through the modules
it calls); commands that draw nothing never import this module.
"""

from __future__ import annotations

import calendar
import contextlib
import datetime
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefgen.document.build import build_document
from briefgen.document.model import Document, Figure
from briefgen.load.project import KnowledgeBase, LoadedSpec
from briefgen.model.resolved import Briefing
from briefgen.model.theme import Theme
from briefgen.model.tlp import TLP
from briefgen.pipeline.endnote_checks import refuse_dangling_citations
from briefgen.pipeline.stages import import_stages
from briefgen.text.templates import render_texts


@dataclass
class Variant:
    """A laid-out variant: final ``pdf`` bytes, page count, banner level, the ``document``
    it was laid out from (what it shows, numbered and marked) and the first/last page of
    each top-level section."""

    pdf: bytes
    pages: int
    banner: TLP
    document: Document
    section_pages: dict[str, tuple[int, int]]


@dataclass
class LaidOut:
    """A document laid out and its charts stamped in: final ``pdf`` bytes, ``pages`` and the
    first/last page of each top-level section (by section id)."""

    pdf: bytes
    pages: int
    section_pages: dict[str, tuple[int, int]]


@contextlib.contextmanager
def _source_date(epoch: int) -> Iterator[None]:
    """Fix ReportLab's timestamps (it honours SOURCE_DATE_EPOCH) unless the user set one."""
    if os.environ.get("SOURCE_DATE_EPOCH", "").strip():
        yield
        return
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    try:
        yield
    finally:
        os.environ.pop("SOURCE_DATE_EPOCH", None)


def chart_style_for(theme, fonts=None):
    """The :class:`~briefgen.charts.style.ChartStyle` matching a theme and its fonts
    (``fonts``: the theme's loaded FontSet, or None to take the files from the theme)."""
    from briefgen.charts.style import ChartStyle
    from briefgen.layout.fonts import font_files
    from briefgen.model.theme import color

    files = fonts.files() if fonts is not None else font_files(theme)
    return ChartStyle(font_files=tuple(str(p) for p in files), font_size=theme.chart.font_size,
                      palette=tuple(theme.chart.palette), text_colour=color(theme, theme.chart.text_color),
                      grid_colour=color(theme, theme.chart.grid_color))


def variant_theme(loaded: LoadedSpec, briefing: Briefing) -> Theme:
    """The theme of one audience's variant: the audience's ``theme`` file, else the spec's,
    else the default. Raises :class:`~briefgen.errors.SpecError` for a theme path outside the
    project or a theme that is not valid."""
    from briefgen.load import theme as theme_mod
    from briefgen.load.paths import resolve_inside
    from briefgen.load.project import origin_dir

    theme_written = briefing.audience.theme or loaded.spec.theme
    theme_path = None
    if theme_written:
        key = (("audiences", briefing.audience_name, "theme") if briefing.audience.theme else ("theme",))
        theme_path = resolve_inside(theme_written, base=origin_dir(loaded.source, key), root=loaded.root,
                                    doc=loaded.source, key=key, what="theme file")
    return theme_mod.load_theme(theme_path, loaded.root)


def render_variant(loaded: LoadedSpec, kb: KnowledgeBase, briefing: Briefing, options: Any,
                   dropped: tuple[str, ...] = (), *, earlier: dict | None = None,
                   box_items: int | None = None) -> Variant:
    """Render the texts, make the document, then lay it out with its charts stamped in
    (:func:`layout_document`): the variant's final PDF. ``dropped``: sections left out to
    fit the page budget; ``earlier``: the edition record to mark the changes since
    (:func:`briefgen.document.changes.mark_changes`), None for none; ``box_items``: at most
    that many lines in its box (None: :data:`~briefgen.document.changes.MAX_ITEMS`)."""
    theme = variant_theme(loaded, briefing)
    # the resolved briefing names its charts: the missing ones are sent to be drawn now,
    # while the texts are rendered and the document built, not after
    pending = start_charts([c.for_drawing() for c in briefing.charts()], theme, options)
    try:
        import_stages(("pdf",))  # the first variant: while the charts are drawn
        texts = render_texts(loaded, kb, briefing)
        document = build_document(briefing, texts, dropped=dropped)
        refuse_dangling_citations(document, loaded)  # a citation with no endnote: no link to make
        if earlier is not None:
            from briefgen.document.changes import mark_changes

            document, _ = mark_changes(document, kb, earlier, max_items=box_items)
    except BaseException:
        pending.cancel()
        raise
    laid = layout_document(document, theme, options, spec_path=loaded.path, pending=pending)
    return Variant(pdf=laid.pdf, pages=laid.pages, banner=TLP.parse(document.marking), document=document,
                   section_pages=laid.section_pages)


def start_charts(charts: list, theme: Theme, options: Any) -> Any:
    """Begin getting ``charts`` (drawable :class:`~briefgen.model.resolved.ResolvedChart`,
    as a document's figures hold them) in ``theme``'s chart style: a
    :class:`~briefgen.charts.worker.PendingCharts` whose misses are drawn in another process
    when ``options.parallel_charts`` allows (see :meth:`briefgen.charts.cache.ChartCache.start_many`)."""
    from briefgen.charts.cache import ChartCache

    cache = ChartCache(options.cache_dir or ChartCache.default_root(), enabled=options.cache)
    return cache.start_many(charts, chart_style_for(theme), background=getattr(options, "parallel_charts", True))


def layout_document(document: Document, theme: Theme, options: Any, *, spec_path: Path | str | None = None,
                    pending: Any = None) -> LaidOut:
    """Lay out ``document`` in ``theme`` and stamp its charts in: made from the document alone.

    ``options``: a :class:`~briefgen.pipeline.build.BuildOptions` (or anything with its
    ``cache``, ``cache_dir`` and ``parallel_charts``). Charts missing from the chart cache
    are drawn in a child process while this one lays out the pages (the layout only
    reserves their boxes); both meet at the stamping. ``spec_path``: the spec the document
    was built from, whose record of recently used cache entries is updated (none when None).
    ReportLab's timestamps are the document's date (unless SOURCE_DATE_EPOCH is set).
    ``pending``: the charts already started by :func:`start_charts` (used when they are the
    document's charts, else cancelled and started again).
    Raises :class:`~briefgen.errors.RenderError` or
    :class:`~briefgen.errors.FontCoverageError` for content that cannot be drawn.
    """
    from briefgen.layout import fonts as fonts_mod
    from briefgen.layout import styles as styles_mod
    from briefgen.layout import vector
    from briefgen.layout.pdf import assemble, finish

    charts = [fig.chart for fig in document.figures() if fig.chart is not None]
    if pending is not None and pending.charts != charts:
        pending.cancel()
        pending = None
    if pending is None:
        pending = start_charts(charts, theme, options)
    cache = pending.cache
    try:
        fonts = fonts_mod.load_fontset(theme, cache_dir=fonts_mod.face_cache_dir())
        styles = styles_mod.paragraph_styles(theme, fonts)
        page_size = styles_mod.page_size(theme, document.paper or None)
        log = vector.PlacementLog()
        day = datetime.date.fromisoformat(document.date_iso)
        with _source_date(calendar.timegm(day.timetuple())):
            layout = assemble(document, theme=theme, fonts=fonts, styles=styles, page_size=page_size,
                              placement_log=log, slot_factory=_chart_slot)
    except BaseException:
        pending.cancel()
        raise
    if pending.in_background:
        import pikepdf  # noqa: F401  (stamping needs it: imported while the charts are drawn)
    chart_pdfs = pending.result()
    if cache.enabled and spec_path is not None:  # a spec without charts too: its next build starts no chart worker
        from briefgen.charts.recent import remember

        remember(cache.root, spec_path, list(pending.keys.values()))
    # one pass over the laid-out file: the charts stamped in, then the structure tree (tagged PDF)
    return LaidOut(pdf=finish(layout, chart_pdfs), pages=layout.pages, section_pages=layout.section_pages)


def _chart_slot(figure: Figure, placement_log: Any) -> Any:
    """The flowable reserving chart ``figure``'s box (its width and height in inches), keyed
    by the chart's id: where :func:`briefgen.layout.vector.stamp` puts the chart's PDF."""
    from briefgen.layout.vector import ChartSlot

    key = figure.chart.id if figure.chart is not None else figure.id
    return ChartSlot(key, figure.width * 72, figure.height * 72, placement_log, alt=figure.alt)
