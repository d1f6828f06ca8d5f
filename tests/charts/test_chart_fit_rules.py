"""The size rules ``validate`` applies (:mod:`briefgen.resolve.chart_size`, measuring with
the font files' own metrics, no matplotlib) agree with the charts that draw by them: at
every height (and, for the kinds whose labels can fill their width, every width), validate
passes a chart exactly when it is drawn, refuses it at the field the drawing names, and the
height or width it suggests draws it. And the font files' metrics agree with matplotlib's
measure."""

from __future__ import annotations

import dataclasses
import re

import matplotlib
import pytest
from matplotlib.figure import Figure
from test_charts import FONT_DIR, bar_chart, chart, line_chart, table_chart, timeline_chart

from briefgen.charts import render_pdf
from briefgen.charts.measure import MeterMeasure
from briefgen.charts.style import ChartStyle, rc_params
from briefgen.errors import ChartFitError
from briefgen.model.chart_fit import FontMeasure, round_up
from briefgen.model.font_metrics import face_metrics
from briefgen.model.resolved import LineData, RangeData, RangePoint, TimelineData, TimelineEvent
from briefgen.model.vocab import PartialDate
from briefgen.resolve.chart_size import fit_problem, size_problem

REGULAR, BOLD = FONT_DIR / "NotoSans-Regular.ttf", FONT_DIR / "NotoSans-Bold.ttf"


@pytest.fixture(scope="module")
def noto() -> ChartStyle:
    return ChartStyle(font_files=(str(REGULAR), str(BOLD)), font_size=8)


def validate_measure() -> FontMeasure:
    return FontMeasure(face_metrics(str(REGULAR)), face_metrics(str(BOLD)))


def dot_range_chart(**spec):
    points = tuple(RangePoint(group, f"{who}, 2025", value, None, None, "=", False)
                   for group, who, value in (("Containers (million TEU)", "Annual report", 1.6),
                                             ("Containers (million TEU)", "Harbour Gazette", 1.9),
                                             ("Cranes", "Annual report", 12.0)))
    return chart("dot-range", "Traffic", RangeData(points, "million TEU"), **spec)


def wide_labels_dot_range_chart(**spec):
    points = tuple(RangePoint("Containers handled in 2024 (million TEU)", f"{who}, March 2025", value, low, high, "~",
                              estimate) for who, value, low, high, estimate in (
        ("Ministry of Transport, Department of Port Statistics", 1.6, None, None, False),
        ("Harbour Gazette", 1.9, 1.7, 2.1, True)))
    return chart("dot-range", "Traffic", RangeData(points, "million TEU"), **spec)


def long_labels_line_chart():
    return chart("line", "Containers handled by half-year at the port of Calder Bay", LineData(
        ("First half of 2024", "Second half of 2024 (provisional figures)"),
        (("Containers", (-810.5, 951.25)), ("Transhipment", (120.0, 133.0))), "Period", "thousand TEU, net of empties"))


def at_height(resolved, height: float):
    return dataclasses.replace(resolved, spec=resolved.spec.model_copy(update={"height": height}))


def at_width(resolved, width: float):
    return dataclasses.replace(resolved, spec=resolved.spec.model_copy(update={"width": width}))


def draws(resolved, style: ChartStyle) -> bool:
    return refused_at(resolved, style) is None


def refused_at(resolved, style: ChartStyle) -> str | None:
    """The field the drawing's ChartFitError names; None when the chart is drawn."""
    try:
        render_pdf(resolved, style)
    except ChartFitError as exc:
        return exc.field
    return None


def validate_field(resolved, style: ChartStyle) -> str | None:
    """The field validate refuses the chart at; None when it passes it."""
    found = fit_problem(resolved.spec, resolved.data, style.font_size, validate_measure())
    return None if found is None else found[0]


@pytest.mark.slow
@pytest.mark.parametrize("make", [lambda: timeline_chart(n=12), bar_chart, table_chart, dot_range_chart,
                                  line_chart, long_labels_line_chart],
                         ids=["timeline", "bar", "table", "dot-range", "line", "line-long-labels"])
def test_validate_passes_a_chart_exactly_when_it_is_drawn(make, noto) -> None:
    resolved = make()
    verdicts = []
    for tenth in range(4, 40, 3):
        tall = at_height(resolved, tenth / 10)
        verdicts.append((tenth / 10, validate_field(tall, noto), refused_at(tall, noto)))
    assert [v for v in verdicts if v[1] != v[2]] == []  # the same verdict, at the same field
    assert {v[1] for v in verdicts} >= {None, "height"}  # both sides seen


@pytest.mark.slow
@pytest.mark.parametrize("make, wide", [(wide_labels_dot_range_chart, 4.5), (long_labels_line_chart, 3.5),
                                        (line_chart, 1.5)],
                         ids=["dot-range", "line-long-labels", "line"])
def test_validate_refuses_a_narrow_chart_exactly_when_the_drawing_does(make, wide, noto) -> None:
    """Across widths (at a height that holds the rows): the same verdict, at the same field."""
    resolved = at_height(make(), 2.4)
    verdicts = []
    for tenth in range(2, int(wide * 10) + 12, 2):
        narrow = at_width(resolved, tenth / 10)
        verdicts.append((tenth / 10, validate_field(narrow, noto), refused_at(narrow, noto)))
    assert [v for v in verdicts if v[1] != v[2]] == []
    assert ("width" in {v[1] for v in verdicts}) and (None in {v[1] for v in verdicts})  # both sides seen


@pytest.mark.parametrize("make, field, size", [(wide_labels_dot_range_chart, "width", 2.0),
                                               (long_labels_line_chart, "width", 1.0), (line_chart, "height", 0.8)],
                         ids=["dot-range", "line-long-labels", "line"])
def test_the_width_or_height_suggested_draws(make, field, size, noto) -> None:
    resolved = at_height(at_width(make(), size), 2.4) if field == "width" else at_height(make(), size)
    found = fit_problem(resolved.spec, resolved.data, noto.font_size, validate_measure())
    assert found is not None and found[0] == field
    assert refused_at(resolved, noto) == field
    suggested = float(re.search(rf"(?:Set '{field}: |set '{field}:' to about )([\d.]+)", found[1]).group(1))
    given = at_width(resolved, suggested) if field == "width" else at_height(resolved, suggested)
    assert validate_field(given, noto) is None and draws(given, noto)


def test_the_height_suggested_is_the_least_that_draws(noto) -> None:
    resolved = at_height(timeline_chart(n=12), 1.0)
    message = size_problem(resolved.spec, resolved.data, noto.font_size, validate_measure())
    assert message is not None and "12 events" in message
    suggested = float(message.split("Set 'height: ")[1].split("'")[0])
    assert draws(at_height(resolved, suggested), noto)
    assert not draws(at_height(resolved, round_up(suggested - 0.1) - 0.05), noto)


@pytest.mark.parametrize("text, kw", [("Annual report, 2024", {}), ("March 2019 — Chancay\nport announced",
                                                                      {"linespacing": 1.1}),
                                      ("Title text\nline two", {"bold": True, "linespacing": 1.15}),
                                      ("a\nb", {}), ("0", {})])
def test_font_file_metrics_measure_as_matplotlib_does(text, kw, noto) -> None:
    with matplotlib.rc_context(rc_params(noto)):
        drawn = MeterMeasure(Figure())(text, 8, **kw)
    width, height = validate_measure()(text, 8, **kw)
    assert height == pytest.approx(drawn[1], abs=1e-6)
    assert drawn[0] * 0.999 <= width <= drawn[0] * 1.01  # kerning only narrows what is drawn


def test_a_timeline_no_height_holds_is_refused_at_its_height_by_both(noto) -> None:
    """Labels too wide at every size (30 events on 6.5 in): validate and the drawing both
    name the height, and ask for fewer events."""
    events = tuple(TimelineEvent(PartialDate.parse(f"2024-{1 + i % 12:02d}-{1 + i // 12:02d}"),
                                 f"Milestone number {i:02d} of the North Quay expansion") for i in range(30))
    crowded = chart("timeline", "Milestones", TimelineData(events), height=3.0)
    found = fit_problem(crowded.spec, crowded.data, noto.font_size, validate_measure())
    assert found is not None and found[0] == "height" and "draw fewer events" in found[1]
    assert refused_at(crowded, noto) == "height"
