"""Whether a chart's content fits its size, checked when its data is resolved (so by
``validate`` and by every build, before anything is drawn): the rules of
:mod:`briefgen.model.chart_fit` and :mod:`briefgen.model.timeline_fit`, with text sizes
estimated from the characters (:func:`~briefgen.model.chart_fit.estimate_size`) at the
chart font size of the spec's theme. A chart that does not fit is refused with an error
located at its ``height``, saying how many items fit and what to change within what a
page allows. The network kind has its own rule (:mod:`briefgen.model.network_fit`,
applied where its data is built)."""

from __future__ import annotations

from briefgen.errors import ChartFitError, Problem, SpecError
from briefgen.load.project import LoadedSpec
from briefgen.model import chart_fit as fit
from briefgen.model.models import ChartSpec
from briefgen.model.resolved import BarData, ChartData, RangeData, TableData, TimelineData
from briefgen.model.timeline_fit import TimeScale, event_text, has_legend, timeline_fit, timeline_message
from briefgen.resolve.context import figure_key

DEFAULT_CHART_FONT_SIZE = 8.0
"""Points: the default theme's chart font size (used when the spec's theme cannot be read;
validate reports why)."""


def check_chart_size(chart: ChartSpec, data: ChartData, loaded: LoadedSpec) -> Problem | None:
    """The error (located at ``chart``'s ``height`` in ``loaded``'s spec) when ``data`` does
    not fit ``chart``'s size by the estimate; None for a chart that fits, draws nothing, or
    is of a kind without a size rule here."""
    if not isinstance(data, (RangeData, BarData, TableData, TimelineData)):
        return None
    font_size, measure = chart_text(loaded)
    message = size_problem(chart, data, font_size, measure)
    return size_error(loaded, chart.id, "height", message) if message is not None else None


_FOUND: dict[tuple, str | None] = {}
"""What :func:`size_problem` found, by everything it depends on: the same chart data for
several audiences, or validated then built in one process, is measured once."""


def size_problem(chart: ChartSpec, data: ChartData, font_size: float,
                 measure: fit.Measure = fit.estimate_size) -> str | None:
    """The error message when ``data`` does not fit ``chart`` (``width`` x ``height``
    inches; text at ``font_size`` points, measured by ``measure``); else None."""
    key = (chart.id, chart.title, chart.width, chart.height, bool(chart.csv), data, font_size, measure)
    if key not in _FOUND:
        if len(_FOUND) > 256:
            _FOUND.clear()
        _FOUND[key] = _size_problem(chart, data, font_size, measure)
    return _FOUND[key]


def _size_problem(chart: ChartSpec, data: ChartData, font_size: float, measure: fit.Measure) -> str | None:
    width, height = chart.width, chart.height
    title_size = round(font_size * 1.15, 2)  # as briefgen.charts.style.ChartStyle sizes it
    small = round(max(font_size * 0.88, 6.0), 2)
    top = fit.title_top(chart.title, width, height, title_size, measure)
    if isinstance(data, RangeData) and data.points:
        rows = len(data.points) + sum(1 for i, p in enumerate(data.points)
                                      if i == 0 or p.group != data.points[i - 1].group)
        found = fit.dot_range_fit(rows, top, height, font_size, small, bool(data.unit_label), measure)
        return None if found.ok else fit.dot_range_message(chart.id, found, width, height)
    if isinstance(data, BarData) and data.values:
        found = fit.bar_fit(data.categories, top, height, font_size, bool(data.unit_label), measure)
        return None if found.ok else fit.bar_message(chart.id, found, width, height)
    if isinstance(data, TableData) and data.columns and data.rows:
        cells = [list(data.columns)] + [list(r) for r in data.rows if len(r) == len(data.columns)]
        found = fit.table_fit(cells, top, width, height, measure)
        return None if found.ok else fit.table_message(chart.id, found, width, height, bool(chart.csv))
    if isinstance(data, TimelineData) and data.events:
        events = sorted(data.events, key=lambda e: e.date.sort_key())
        area_w, area_h = width - 2 * fit.PAD_IN, top - fit.PAD_IN
        try:
            scale = TimeScale.for_days([e.date.midpoint() for e in events], area_w)
        except (ValueError, OverflowError):  # dates a timeline cannot draw: reported by validate's date check
            return None
        xs = [scale.x(e.date.midpoint()) for e in events]
        found = timeline_fit([event_text(e) for e in events], xs, area_w, area_h, height, font_size,
                             has_legend(events), measure)
        return None if found.ok else timeline_message(chart.id, found, width, height)
    return None


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


_TEXT: dict[int, tuple[LoadedSpec, float, fit.Measure]] = {}
"""id(loaded spec) -> (it, chart font size, measure): the theme is read once per loaded spec."""


def chart_text(loaded: LoadedSpec) -> tuple[float, fit.Measure]:
    """The chart font size (points) of the spec's theme and a measure by its regular and
    bold font files (the default theme's when it has none; the default size and the
    estimate when it cannot be read: validate reports why). Kept per loaded spec."""
    known = _TEXT.get(id(loaded))
    if known is not None and known[0] is loaded:
        return known[1], known[2]
    if len(_TEXT) > 8:
        _TEXT.clear()
    size, measure = _read_chart_text(loaded)
    _TEXT[id(loaded)] = (loaded, size, measure)
    return size, measure


def _read_chart_text(loaded: LoadedSpec) -> tuple[float, fit.Measure]:
    from briefgen.load.paths import resolve_inside
    from briefgen.load.project import origin_dir
    from briefgen.load.theme import load_theme
    from briefgen.model.font_metrics import face_metrics

    try:
        path = None
        if loaded.spec.theme:
            path = resolve_inside(loaded.spec.theme, base=origin_dir(loaded.source, ("theme",)), root=loaded.root,
                                  doc=loaded.source, key=("theme",), what="theme file")
        theme = load_theme(path, loaded.root)
    except SpecError:
        return DEFAULT_CHART_FONT_SIZE, fit.estimate_size
    faces = theme.fonts
    return float(theme.chart.font_size), fit.FontMeasure(face_metrics(faces.regular), face_metrics(faces.bold))
