"""Whether a chart shares its page with its heading and caption: checked when a section's
charts are resolved (so by ``validate`` and by every build, with the same decision), by the
rule of :mod:`briefgen.model.page_frame`, with the paper of the audience being resolved and
the page, margins and paragraph styles of the theme it is built with
(:mod:`briefgen.resolve.chart_theme`).

A chart too tall for that is refused with an error (code ``chart-too-tall``) located at its
``height``, saying what the paper leaves and the largest height that fits: ReportLab would
otherwise print it on a page of its own, away from its heading and caption, without a word.
The check across audiences (one height that fits every audience that fails) is
:mod:`briefgen.resolve.chart_advice`'s.

Only a variant whose PDF is made is held to a page (an HTML edition has none): a build says
whether it makes one (its formats, ``--format`` included); ``validate`` goes by what a build
without ``--format`` makes (:mod:`briefgen.pipeline.variant_checks`). A chart after its
section's template text is checked here without the heading; when the text renders to nothing
the chart is its section's first block after all, which only the rendered document shows:
:func:`heading_problem` checks it then (:mod:`briefgen.pipeline.chart_checks`)."""

from __future__ import annotations

from functools import partial
from operator import ge
from typing import Any

from briefgen.errors import Problem
from briefgen.model import page_frame
from briefgen.model.resolved import ResolvedChart
from briefgen.resolve.chart_advice import AWAY, Advice, note, shown
from briefgen.resolve.chart_theme import chart_text
from briefgen.resolve.context import ResolveContext, figure_key

WIDEST_MARK = " (TLP:AMBER+STRICT)"
"""The longest portion mark a caption can end with (counted for an audience shown portion marks)."""


def page_problem(chart: ResolvedChart, heading: tuple[str, int] | None, ctx: ResolveContext) -> Problem | None:
    """The error (located at ``chart``'s ``height``) when ``chart`` with what the layout keeps
    with it does not fit one page of the audience being resolved (``ctx.audience``, made as a
    PDF when ``ctx.pdf`` says so); None when it fits, no PDF is made, or its theme cannot be
    read (validate's theme check says why). ``heading``: ``(title, level)`` of its section when
    the chart is the section's first block, else None."""
    if ctx.audience is None or not makes_pdf(ctx.audience[1], ctx.pdf):
        return None
    return _problem(chart, heading, ctx.loaded, ctx.audience, record=True)


def heading_problem(chart: ResolvedChart, heading: tuple[str, int], loaded: Any, audience: tuple[str, Any],
                    pdf: bool | None = None) -> Problem | None:
    """As :func:`page_problem`, for ``chart`` kept with its section's ``heading`` (``(title,
    level)``) on a page of ``audience`` (``(name, Audience)``) of ``loaded``'s spec: a chart that
    is its section's first block because the section's text rendered to nothing. ``pdf`` as
    :func:`resolve <briefgen.resolve.select.resolve>` takes it."""
    if not makes_pdf(audience[1], pdf):
        return None
    return _problem(chart, heading, loaded, audience, record=False)


def makes_pdf(audience: Any, pdf: bool | None) -> bool:
    """``pdf`` when it is known (a build's formats); else False only for an audience whose own
    ``formats:`` leave out the PDF (validate: an audience without them gets a PDF)."""
    if pdf is not None:
        return pdf
    return "formats" not in audience.model_fields_set or "pdf" in audience.formats


def _problem(chart: ResolvedChart, heading: tuple[str, int] | None, loaded: Any, audience: tuple[str, Any],
             record: bool) -> Problem | None:
    """The error of :func:`page_problem`, noted with its advice across audiences; ``record``:
    keep the room as what this audience's page allows the chart (:func:`chart_advice.shown`)."""
    room = chart_room(chart, heading, loaded, audience)
    if room is None:
        return None
    name, _ = audience
    if record:
        shown(loaded, name, chart.spec.id, room.most_height)
    height = chart.spec.height
    if height <= room.most_height:
        return None
    problem = too_tall(loaded, chart.spec.id, height, chart.spec.width, room)
    text = chart_text(loaded, audience)
    return note(problem, Advice(audience=name, field="height", current=height, most=room.most_height,
                                fits=partial(ge, room.most_height),  # most >= size
                                who=f"its theme {text.theme!r}" if text.audience else "",
                                page=partial(page_clause, room, width=chart.spec.width)))


def chart_room(chart: ResolvedChart, heading: tuple[str, int] | None, loaded: Any,
               audience: tuple[str, Any]) -> page_frame.FigureRoom | None:
    """The room ``chart`` has on a page of ``audience`` (``(name, Audience)``) of ``loaded``'s
    spec (None: its theme cannot be read)."""
    _, aud = audience
    text = chart_text(loaded, audience)
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


def too_tall(loaded: Any, chart_id: str, height: float, width: float, room: page_frame.FigureRoom) -> Problem:
    """The located error for chart ``chart_id`` of ``loaded``'s spec whose ``height`` (inches)
    ``room`` does not hold."""
    key = figure_key(loaded.spec.sections, chart_id, "charts")
    where = key + ("height",) if key is not None else ("sections",)
    return loaded.source.problem(where, room_message(chart_id, height, width, room),
                                 expected=f"height at most {room.most_height:g}", got=f"{height:g}",
                                 code="chart-too-tall")


def room_message(chart_id: str, height: float, width: float, room: page_frame.FigureRoom) -> str:
    """``letter paper leaves 8.43 in for chart 'x' with its section heading, caption and source
    line (...); height 9 in does not fit ...: at most 8.43 in``."""
    return (f"{page_clause(room, f'chart {chart_id!r}', width)}; height {height:g} in does not fit: the chart "
            f"{AWAY}. Set 'height:' at most {room.most_height:g}")


def page_clause(room: page_frame.FigureRoom, whom: str, width: float) -> str:
    """``letter paper leaves 8.43 in for {whom} with its section heading, caption and source
    line (its text frame ... is 9.19 in high, and they take 0.76 in)``: what ``room`` leaves a
    chart ``width`` inches wide."""
    kept = "its section heading, caption and source line" if room.heading else "its caption and source line"
    scaled = (f"; at {width:g} in wide it is printed at {room.scale:.0%} of its size, to the frame's "
              f"{room.frame_w / 72:.2f} in width") if room.scale < 1 else ""
    return (f"{room.paper} paper leaves {room.most_height:g} in for {whom} with {kept} (its text frame, between "
            f"the theme's margins that hold the TLP banners, is {room.frame_h / 72:.2f} in high, and they take "
            f"{(room.heading + room.below) / 72:.2f} in{scaled})")
