"""Whether a chart shares its page with its heading and caption: checked when a section's
charts are resolved (so by ``validate`` and by every build, with the same decision), by the
rule of :mod:`briefgen.model.page_frame`, with the paper of the audience being resolved and
the page, margins and paragraph styles of the theme it is built with
(:mod:`briefgen.resolve.chart_theme`).

A chart too tall for that is refused with an error (code ``chart-too-tall``) located at its
``height``, saying what the paper leaves and the largest height that fits: ReportLab would
otherwise print it on a page of its own, away from its heading and caption, without a word.
The check across audiences (one height that fits every audience that fails) is
:mod:`briefgen.resolve.chart_advice`'s."""

from __future__ import annotations

from functools import partial
from operator import ge
from typing import Any

from briefgen.errors import Problem
from briefgen.model import page_frame
from briefgen.model.resolved import ResolvedChart
from briefgen.resolve.chart_advice import Advice, note, shown
from briefgen.resolve.chart_theme import chart_text
from briefgen.resolve.context import ResolveContext, figure_key

WIDEST_MARK = " (TLP:AMBER+STRICT)"
"""The longest portion mark a caption can end with (counted for an audience shown portion marks)."""


def page_problem(chart: ResolvedChart, heading: tuple[str, int] | None, ctx: ResolveContext) -> Problem | None:
    """The error (located at ``chart``'s ``height``) when ``chart`` with what the layout keeps
    with it does not fit one page of the audience being resolved (``ctx.audience``); None when
    it fits or its theme cannot be read (validate's theme check says why). ``heading``:
    ``(title, level)`` of its section when the chart is the section's first block, else None."""
    if ctx.audience is None or not _laid_out(ctx.audience[1]):
        return None
    room = chart_room(chart, heading, ctx)
    if room is None:
        return None
    name, _ = ctx.audience
    shown(ctx.loaded, name, chart.spec.id, room.most_height)
    height = chart.spec.height
    if height <= room.most_height:
        return None
    problem = too_tall(ctx, chart.spec.id, height, chart.spec.width, room)
    text = chart_text(ctx.loaded, ctx.audience)
    return note(problem, Advice(audience=name, field="height", current=height, most=room.most_height,
                                fits=partial(ge, room.most_height),  # most >= size
                                who=f"its theme {text.theme!r}" if text.audience else ""))


def _laid_out(audience: Any) -> bool:
    """False for an audience whose own ``formats:`` leave out the PDF: its HTML edition has no
    pages to keep a chart with its heading on (a ``--format html`` build of another audience is
    still checked: resolving does not see the command line)."""
    return "formats" not in audience.model_fields_set or "pdf" in audience.formats


def chart_room(chart: ResolvedChart, heading: tuple[str, int] | None,
               ctx: ResolveContext) -> page_frame.FigureRoom | None:
    """The room ``chart`` has on a page of the audience being resolved (None: no audience, or
    its theme cannot be read)."""
    if ctx.audience is None:
        return None
    _, aud = ctx.audience
    text = chart_text(ctx.loaded, ctx.audience)
    theme = text.page
    if theme is None:
        return None
    head = None
    if heading is not None:
        style = "h1" if heading[1] == 1 else "h2"  # as briefgen.layout.story draws a heading
        if page_frame.keeps_with_next(theme, style):
            head = page_frame.Paragraph(heading[0], style)
    spec = chart.spec
    written = getattr(spec, "caption", None)  # a resolved chart's spec is a ChartSpec (DrawSpec once drawn)
    caption = f"Figure {chart.number}. {spec.title}" + (f" — {written}" if written else "")
    if aud.marks_portions:
        caption += WIDEST_MARK
    return page_frame.figure_room(theme, aud.paper or None, spec.width, head,
                                  page_frame.Paragraph(caption, "caption"),
                                  page_frame.Paragraph(chart.source_line, "source_line"), text.measure)


def too_tall(ctx: ResolveContext, chart_id: str, height: float, width: float, room: page_frame.FigureRoom) -> Problem:
    """The located error for chart ``chart_id`` whose ``height`` (inches) ``room`` does not hold."""
    key = figure_key(ctx.loaded.spec.sections, chart_id, "charts")
    where = key + ("height",) if key is not None else ("sections",)
    return ctx.loaded.source.problem(where, room_message(chart_id, height, width, room),
                                     expected=f"height at most {room.most_height:g}", got=f"{height:g}",
                                     code="chart-too-tall")


def room_message(chart_id: str, height: float, width: float, room: page_frame.FigureRoom) -> str:
    """``letter paper leaves 8.43 in for chart 'x' with its section heading, caption and source
    line (...); height 9 in does not fit ...: at most 8.43 in``."""
    kept = "its section heading, caption and source line" if room.heading else "its caption and source line"
    scaled = (f"; at {width:g} in wide it is printed at {room.scale:.0%} of its size, to the frame's "
              f"{room.frame_w / 72:.2f} in width") if room.scale < 1 else ""
    return (f"{room.paper} paper leaves {room.most_height:g} in for chart {chart_id!r} with {kept} (its text frame, "
            f"between the theme's margins that hold the TLP banners, is {room.frame_h / 72:.2f} in high, and they "
            f"take {(room.heading + room.below) / 72:.2f} in{scaled}); height {height:g} in does not fit: the chart "
            f"would be printed on a page of its own, away from them. Set 'height:' at most {room.most_height:g}")
