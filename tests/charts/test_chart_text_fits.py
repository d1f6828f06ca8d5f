"""A chart ``validate`` accepts draws cleanly: drawn with real matplotlib and measured by
the PDF renderer's text extents, no two tick labels of an axis overlap and every text
(tick and axis labels, legends and key lines, notes) lies inside the figure, for every
chart kind with an axis, a legend or a key, over sweeps of sizes, chart text from 9 to
12 pt and long names; and validate's verdict (:func:`briefgen.resolve.chart_size.fit_problem`)
is the drawing's, at the same field."""

from __future__ import annotations

import dataclasses
import io
import itertools

import pytest
from matplotlib.text import Text
from test_chart_fit_rules import (
    BOLD,
    REGULAR,
    dot_range_chart,
    long_labels_line_chart,
    validate_measure,
    wide_labels_dot_range_chart,
)
from test_charts import EDGES, NODES, bar_chart, chart, line_chart, timeline_chart

from briefgen.charts import draw
from briefgen.charts.style import ChartStyle
from briefgen.errors import ChartFitError
from briefgen.model.resolved import LineData, NetworkData, TimelineData, TimelineEvent
from briefgen.model.vocab import PartialDate
from briefgen.resolve.chart_size import fit_problem

SLACK = 0.5  # points: extents are rounded by the renderer


def style(size: float) -> ChartStyle:
    return ChartStyle(font_files=(str(REGULAR), str(BOLD)), font_size=size)


def long_names_line_chart():
    return chart("line", "Trade by partner", LineData(
        ("2019", "2020", "2021", "2022", "2023"),
        (("Imports from the People's Republic of China", (1.0, 2.0, 3.0, 4.0, 5.0)),
         ("Exports to the United States of America", (2.0, 3.0, 4.0, 5.0, 6.0)),
         ("Re-exports through free-trade zones", (1.0, 1.0, 2.0, 2.0, 3.0))), "Year", "USD billions"))


def monthly_line_chart():
    return chart("line", "Monthly throughput", LineData(
        tuple(f"2024-{m:02d}" for m in range(1, 13)), (("Throughput", tuple(100.0 + 7 * m for m in range(12))),),
        "Month of the year, as reported by the port authority", "thousand TEU, net of empties and transhipment"))


def marked_timeline_chart():
    events = tuple(TimelineEvent(PartialDate.parse(d), label, timing=timing, marking=mark)
                   for d, label, timing, mark in (
        ("~2020", "Permits approved", "", ""), ("2021-01", "Construction begins", "", "TLP:AMBER"),
        ("2023-06", "Upgrade talks", "", "TLP:GREEN"), ("2026", "Phase 2 opens", "planned", "")))
    return chart("timeline", "Milestones", TimelineData(events, floor="TLP:CLEAR"))


def marked_network_chart():
    nodes = tuple(n for n in NODES if n[0] != "minmetals")  # no Han glyphs in these fonts
    return chart("network", "Actors", NetworkData(nodes, EDGES[:3], edge_markings=("TLP:AMBER", "TLP:GREEN", "TLP:RED"),
                                                  floor="TLP:CLEAR"), height=4.2)


def marked_bar_chart():
    plain = bar_chart()
    return dataclasses.replace(plain, data=dataclasses.replace(plain.data, markings=("", "TLP:AMBER", "TLP:RED"),
                                                                floor="TLP:CLEAR"))


def marked_dot_range_chart():
    plain = dot_range_chart()
    points = tuple(dataclasses.replace(p, marking=m) for p, m in zip(plain.data.points, ("TLP:RED", "", "TLP:GREEN")))
    return dataclasses.replace(plain, data=dataclasses.replace(plain.data, points=points, floor="TLP:CLEAR"))


def at(resolved, width: float, height: float):
    return dataclasses.replace(resolved, spec=resolved.spec.model_copy(update={"width": width, "height": height}))


def text_problems(fig) -> list[str]:
    """What the PDF renderer finds drawn badly: texts (partly) outside the figure, and tick
    labels of one axis that overlap."""
    from matplotlib.backends.backend_pdf import PdfFile, RendererPdf

    fig.dpi = 72  # extents in points, as when saved
    w, h = fig.get_size_inches()
    pdf = PdfFile(io.BytesIO())
    pdf.newPage(w, h)
    renderer = RendererPdf(pdf, 72, h * 72, w * 72)
    fig.draw(renderer)
    found = []
    for text in fig.findobj(Text):
        if not (text.get_visible() and text.get_text()):
            continue
        box = text.get_window_extent(renderer)
        if box.x0 < -SLACK or box.y0 < -SLACK or box.x1 > w * 72 + SLACK or box.y1 > h * 72 + SLACK:
            found.append(f"outside the figure: {text.get_text()!r}")
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            labels = [t for t in axis.get_ticklabels() if t.get_visible() and t.get_text()]
            boxes = [t.get_window_extent(renderer).expanded(1.0, 1.0) for t in labels]
            for (a, box_a), (b, box_b) in itertools.combinations(zip(labels, boxes), 2):
                if box_a.overlaps(box_b):
                    found.append(f"tick labels overlap: {a.get_text()!r} and {b.get_text()!r}")
    return found


def verdicts(resolved, size: float) -> tuple[str | None, str | None, list[str]]:
    """(validate's field, the drawing's field, what the drawing got wrong) for ``resolved``
    with chart text at ``size`` points."""
    found = fit_problem(resolved.spec, resolved.data, size, validate_measure())
    try:
        fig = draw(resolved, style(size))
    except ChartFitError as exc:
        return (found[0] if found else None), exc.field, []
    return (found[0] if found else None), None, text_problems(fig)


KINDS = {"line": line_chart, "line-long-labels": long_labels_line_chart,
         "line-long-names": long_names_line_chart, "line-monthly": monthly_line_chart,
         "dot-range": dot_range_chart, "dot-range-wide": wide_labels_dot_range_chart,
         "bar": bar_chart, "timeline": timeline_chart, "timeline-marked": marked_timeline_chart,
         "bar-marked": marked_bar_chart, "dot-range-marked": marked_dot_range_chart}


@pytest.mark.slow
@pytest.mark.parametrize("size", [9, 10.5, 12])
@pytest.mark.parametrize("kind", list(KINDS))
def test_what_validate_accepts_draws_cleanly(kind, size) -> None:
    seen, bad = set(), []
    for width, height in itertools.product((1.5, 2.5, 3.5, 5.0, 6.5), (1.6, 2.6, 3.6)):
        field, drawn, problems = verdicts(at(KINDS[kind](), width, height), size)
        seen.add(field)
        if field != drawn or problems:
            bad.append((width, height, field, drawn, problems))
    assert bad == []
    assert None in seen or size > 9  # some size is drawn (at 9 pt every chart fits some size)


@pytest.mark.slow
@pytest.mark.parametrize("size", [9, 12])
def test_a_network_legend_stays_inside_the_figure(size) -> None:
    for width in (2.5, 3.5, 6.5):
        assert verdicts(at(marked_network_chart(), width, 4.2), size) == (None, None, [])


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["line-long-names", "line-monthly", "dot-range", "bar"])
def test_the_size_validate_suggests_draws_cleanly(kind) -> None:
    """At 12 pt, from a size too small each way, the width or height validate suggests is
    drawn, with nothing overlapping or outside."""
    import re

    for width, height in ((1.2, 3.0), (3.5, 1.2)):
        resolved = at(KINDS[kind](), width, height)
        found = fit_problem(resolved.spec, resolved.data, 12, validate_measure())
        if found is None:
            continue
        suggested = re.search(rf"(?:Set '{found[0]}: |set '{found[0]}:' to about )([\d.]+)", found[1])
        assert suggested is not None, found[1]
        value = float(suggested.group(1))
        fixed = at(resolved, value, height) if found[0] == "width" else at(resolved, width, value)
        field, drawn, problems = verdicts(fixed, 12)
        # that field now holds the chart: it is drawn cleanly, or both refuse it at the other field
        assert problems == [] and field == drawn != found[0], (found, field, drawn, problems)
