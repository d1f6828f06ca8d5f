"""The size rules ``validate`` applies (:mod:`briefgen.resolve.chart_size`, measuring with
the font files' own metrics, no matplotlib) agree with the charts that draw by them: at
every height, validate passes a chart exactly when it is drawn, and the height it suggests
draws it. And the font files' metrics agree with matplotlib's measure."""

from __future__ import annotations

import dataclasses

import matplotlib
import pytest
from matplotlib.figure import Figure
from test_charts import FONT_DIR, bar_chart, chart, table_chart, timeline_chart

from briefgen.charts import render_pdf
from briefgen.charts.measure import MeterMeasure
from briefgen.charts.style import ChartStyle, rc_params
from briefgen.errors import ChartFitError
from briefgen.model.chart_fit import FontMeasure, round_up
from briefgen.model.font_metrics import face_metrics
from briefgen.model.resolved import RangeData, RangePoint
from briefgen.resolve.chart_size import size_problem

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


def at_height(resolved, height: float):
    return dataclasses.replace(resolved, spec=resolved.spec.model_copy(update={"height": height}))


def draws(resolved, style: ChartStyle) -> bool:
    try:
        render_pdf(resolved, style)
    except ChartFitError:
        return False
    return True


@pytest.mark.slow
@pytest.mark.parametrize("make", [lambda: timeline_chart(n=12), bar_chart, table_chart, dot_range_chart],
                         ids=["timeline", "bar", "table", "dot-range"])
def test_validate_passes_a_chart_exactly_when_it_is_drawn(make, noto) -> None:
    resolved = make()
    measure = validate_measure()
    verdicts = []
    for tenth in range(4, 40, 3):
        tall = at_height(resolved, tenth / 10)
        verdicts.append((tenth / 10, size_problem(tall.spec, tall.data, noto.font_size, measure) is None,
                         draws(tall, noto)))
    assert [v for v in verdicts if v[1] != v[2]] == []
    assert any(not ok for _h, ok, _d in verdicts) and any(ok for _h, ok, _d in verdicts)  # both sides seen


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
