"""The drawing stages for one variant: texts -> charts -> layout -> stamped, final PDF bytes.

Imports ReportLab, matplotlib and pikepdf (through the modules it calls); commands that
draw nothing never import this module.
"""

from __future__ import annotations

import calendar
import contextlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from briefgen.load.project import KnowledgeBase, LoadedSpec
from briefgen.resolve.marking import banner_level
from briefgen.model.resolved import Briefing
from briefgen.text.templates import Texts, render_texts
from briefgen.model.tlp import TLP


@dataclass
class Variant:
    """A laid-out variant: final ``pdf`` bytes, page count, banner level, endnote numbers,
    section page spans and what it showed (for the manifest)."""

    pdf: bytes
    pages: int
    banner: TLP
    texts: Texts
    source_numbers: dict[str, int]
    section_pages: dict[str, tuple[int, int]]
    shown_claims: list[str]
    shown_entities: list[str]


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
    from briefgen.layout.theme import color

    files = fonts.files() if fonts is not None else font_files(theme)
    return ChartStyle(font_files=tuple(str(p) for p in files), font_size=theme.chart.font_size,
                      palette=tuple(theme.chart.palette), text_colour=color(theme, theme.chart.text_color),
                      grid_colour=color(theme, theme.chart.grid_color))


def render_variant(loaded: LoadedSpec, kb: KnowledgeBase, briefing: Briefing, options) -> Variant:
    """Render texts and charts, lay out, stamp the charts in: the variant's final PDF."""
    from briefgen.layout import fonts as fonts_mod
    from briefgen.layout import theme as theme_mod
    from briefgen.layout import vector
    from briefgen.charts.cache import ChartCache
    from briefgen.layout.pdf import assemble

    theme_written = briefing.audience.theme or loaded.spec.theme
    theme_path = None
    if theme_written:
        from briefgen.load.paths import resolve_inside

        key = (("audiences", briefing.audience_name, "theme") if briefing.audience.theme else ("theme",))
        from briefgen.load.project import origin_dir

        theme_path = resolve_inside(theme_written, base=origin_dir(loaded.source, key), root=loaded.root,
                                    doc=loaded.source, key=key, what="theme file")
    theme = theme_mod.load_theme(theme_path, loaded.root)

    # charts missing from the cache are drawn in a child process while this one lays out
    # the pages (the layout only reserves their boxes); both meet at the stamping
    cache = ChartCache(options.cache_dir or ChartCache.default_root(), enabled=options.cache)
    pending = cache.start_many(list(briefing.charts()), chart_style_for(theme),
                               background=getattr(options, "parallel_charts", True))
    try:
        texts = render_texts(loaded, kb, briefing)
        fonts = fonts_mod.load_fontset(theme, cache_dir=fonts_mod.face_cache_dir())
        styles = theme_mod.paragraph_styles(theme, fonts)
        page_size = theme_mod.page_size(theme, briefing.audience.paper)
        banner = banner_level(briefing, texts)
        log = vector.PlacementLog()
        day = briefing.meta.date.midpoint()
        with _source_date(calendar.timegm(day.timetuple())):
            layout = assemble(briefing, texts, banner=banner, theme=theme, fonts=fonts, styles=styles,
                              page_size=page_size, placement_log=log,
                              slot_factory=lambda chart, registry: vector.ChartSlot(
                                  chart.id, chart.spec.width * 72, chart.spec.height * 72, registry, alt=chart.alt))
    except BaseException:
        pending.cancel()
        raise
    if pending.in_background:
        import pikepdf  # noqa: F401  (stamping needs it: imported while the charts are drawn)
    chart_pdfs = pending.result()
    if cache.enabled and chart_pdfs:
        from briefgen.charts.recent import remember

        remember(cache.root, loaded.path, list(pending.keys.values()))
    pdf = vector.stamp(layout.pdf, log.placements, chart_pdfs) if chart_pdfs else layout.pdf
    return Variant(pdf=pdf, pages=layout.pages, banner=banner, texts=texts,
                   source_numbers=layout.source_numbers, section_pages=layout.section_pages,
                   shown_claims=layout.shown_claims, shown_entities=layout.shown_entities)
