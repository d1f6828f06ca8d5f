"""Whether a chart's content fits its size, checked when its data is resolved (so by
``validate`` and by every build, before anything is drawn): the rules of
:mod:`briefgen.model.chart_fit`, :mod:`briefgen.model.timeline_fit` and
:mod:`briefgen.model.line_fit`, with text measured by the font files of the theme the
audience being resolved is built with, at its chart font size
(:mod:`briefgen.resolve.chart_theme`). A chart that does not fit is refused with an error
located at its ``height`` (or its ``width``, when its labels leave the plot too little
width), saying how many items fit and what to change within what a page allows, and
naming the audience when its own theme decides. The network kind has its own rule
(:mod:`briefgen.model.network_fit`, applied where its data is built)."""

from __future__ import annotations

from briefgen.errors import ChartFitError, Problem, SpecError
from briefgen.load.project import LoadedSpec
from briefgen.model import bar_fit, line_fit
from briefgen.model import chart_fit as fit
from briefgen.model.chart_numbers import point_note
from briefgen.model.models import Audience, ChartSpec
from briefgen.model.resolved import BarData, ChartData, LineData, RangeData, TableData, TimelineData
from briefgen.model.timeline_fit import events_fit, timeline_message
from briefgen.resolve.chart_theme import chart_text, spec_font_size
from briefgen.resolve.context import figure_key


def check_chart_size(chart: ChartSpec, data: ChartData, loaded: LoadedSpec,
                     audience: tuple[str, Audience] | None = None) -> Problem | None:
    """The error (located at ``chart``'s ``height`` or ``width`` in ``loaded``'s spec) when
    ``data`` does not fit ``chart``'s size by the measure of ``audience``'s theme (``(name,
    Audience)``; None: the spec's theme); None for a chart that fits, draws nothing, or is
    of a kind without a size rule here."""
    if not isinstance(data, (RangeData, BarData, TableData, TimelineData, LineData)):
        return None
    text = chart_text(loaded, audience)
    found = fit_problem(chart, data, text.font_size, text.measure)
    if found is None:
        return None
    field, message = found
    return size_error(loaded, chart.id, field, text.whose(spec_font_size(loaded)) + message)


_FOUND: dict[tuple, tuple[str, str] | None] = {}
"""What :func:`fit_problem` found, by everything it depends on: the same chart data for
several audiences, or validated then built in one process, is measured once."""


def size_problem(chart: ChartSpec, data: ChartData, font_size: float,
                 measure: fit.Measure = fit.estimate_size) -> str | None:
    """The error message when ``data`` does not fit ``chart`` (:func:`fit_problem`); else None."""
    found = fit_problem(chart, data, font_size, measure)
    return None if found is None else found[1]


def fit_problem(chart: ChartSpec, data: ChartData, font_size: float,
                measure: fit.Measure = fit.estimate_size) -> tuple[str, str] | None:
    """``(field, message)`` when ``data`` does not fit ``chart`` (``width`` x ``height``
    inches; text at ``font_size`` points, measured by ``measure``): the field to change
    (``"height"`` or ``"width"``) and the error; else None. Memoised."""
    key = (chart.id, chart.title, chart.width, chart.height, bool(chart.csv), data, font_size, measure)
    if key not in _FOUND:
        if len(_FOUND) > 256:
            _FOUND.clear()
        _FOUND[key] = _fit_problem(chart, data, font_size, measure)
    return _FOUND[key]


def _fit_problem(chart: ChartSpec, data: ChartData, font_size: float, measure: fit.Measure) -> tuple[str, str] | None:
    width, height = chart.width, chart.height
    title_size = round(font_size * 1.15, 2)  # as briefgen.charts.style.ChartStyle sizes it
    small = round(max(font_size * 0.88, 6.0), 2)
    top = fit.title_top(chart.title, width, height, title_size, measure)
    if isinstance(data, RangeData) and data.points:
        return _dot_range_problem(chart, data, top, font_size, small, measure)
    if isinstance(data, BarData) and data.values:
        found = fit.bar_fit(data.labels, top, height, font_size, bool(data.unit_label), measure,
                            bar_fit.bar_legend(data, width, font_size, measure)[1])
        if not found.ok:
            return "height", fit.bar_message(chart.id, found, width, height)
        across = bar_fit.bar_across(data, top, width, font_size, measure)
        if across is None or across.ok:
            return None
        return "width", bar_fit.bar_width_message(chart.id, across, width, lambda w: bar_fit.bar_across(
            data, fit.title_top(chart.title, w, height, title_size, measure), w, font_size, measure))
    if isinstance(data, TableData) and data.columns and data.rows:
        cells = [list(data.columns)] + [list(r) for r in data.rows if len(r) == len(data.columns)]
        found = fit.table_fit(cells, top, width, height, measure)
        return None if found.ok else ("height", fit.table_message(chart.id, found, width, height, bool(chart.csv)))
    if isinstance(data, TimelineData) and data.events:
        events = sorted(data.events, key=lambda e: e.date.sort_key())
        try:
            found = events_fit(events, data.floor, width - 2 * fit.PAD_IN, top - fit.PAD_IN, height, font_size,
                               measure)
        except (ValueError, OverflowError):  # dates a timeline cannot draw: reported by validate's date check
            return None
        return None if found.ok else ("height", timeline_message(chart.id, found, width, height))
    if isinstance(data, LineData) and data.x and data.series and all(len(ys) == len(data.x) for _, ys in data.series):
        return line_fit.fit_problem(chart.id, data, chart.title, width, height, font_size, title_size, small,
                                    measure)[1]
    return None


def _dot_range_problem(chart: ChartSpec, data: RangeData, top: float, font_size: float, small: float,
                       measure: fit.Measure) -> tuple[str, str] | None:
    """A dot-range chart's labels and notes against its width, then its rows against its
    height (the order the chart checks them in: the key and unit wrap to the width)."""
    labels, bold, last = [], [], None
    for p in data.points:  # each group's heading (bold), then its points (they come grouped)
        if p.group != last:
            labels.append(p.group)
            bold.append(True)
            last = p.group
        labels.append(p.shown_label)
        bold.append(False)
    across = fit.dot_range_across(labels, [point_note(p) for p in data.points], chart.width, font_size, measure,
                                  bold)
    if not across.ok:
        return "width", fit.dot_range_width_message(chart.id, across, chart.width)
    key, unit = fit.dot_range_texts(data.unit_label, across, chart.width, font_size, small, measure, data.marks)
    found = fit.dot_range_fit(len(labels), top, chart.height, font_size, small, key, unit, measure)
    return None if found.ok else ("height", fit.dot_range_message(chart.id, found, chart.width, chart.height))


def size_error(loaded: LoadedSpec, chart_id: str, field: str, message: str) -> Problem:
    """The located error (at chart ``chart_id``'s ``field`` in ``loaded``'s spec, code
    ``chart-too-small``) for a chart whose content does not fit its size."""
    key = figure_key(loaded.spec.sections, chart_id, "charts")
    where = key + (field,) if key is not None else ("sections",)
    expected = (f"a height up to {fit.PAGE_TEXT_H:g} in that holds them, or fewer items"
                if field == "height" else f"a width up to the page's {fit.PAGE_TEXT_W:g} in, or shorter labels")
    return loaded.source.problem(where, message, expected=expected, code="chart-too-small")


def located(exc: ChartFitError, loaded: LoadedSpec) -> SpecError:
    """A chart's own fit failure (raised while drawing it) as the located error
    ``validate`` gives: at the chart's ``height`` or ``width`` in ``loaded``'s spec."""
    return SpecError([size_error(loaded, exc.chart_id, exc.field, str(exc))])
