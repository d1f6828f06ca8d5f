"""A chart kind that lives outside briefgen, for the tests of the chart kind registry.

``dots``: a dot plot of bar-shaped data (one dot per category, its value beside it, the
categories on the left). briefgen finds it through the entry point ``dots`` of the group
``briefgen.chart_kinds`` declared by ``briefgen_testkind-0.1.dist-info`` beside this
package: put this folder (tests/plugins) on ``sys.path`` and the registry lists it; the
registry imports this module when a spec first uses the kind. Like any plugin, it uses
only briefgen's public chart API (the registry record, the style helpers) and
matplotlib's object API.
"""

from __future__ import annotations

from briefgen.charts.registry import ChartKind
from briefgen.charts.style import LAYOUT_PAD, add_title, format_number, no_data
from briefgen.errors import RenderError
from briefgen.model.resolved import BarData

MARKER = "dot plot by briefgen-testkind"
"""Drawn under the dots: the tests find it in the PDF's text."""


def describe_dots(chart) -> str:
    d = chart.data
    items = ", ".join(f"{c} {format_number(v)}" for c, v in zip(d.categories, d.values))
    return f"Dot plot of {len(d.categories)} values in {d.unit_label}: {items}."


def draw_dots(fig, chart, style) -> None:
    d = chart.data
    if not isinstance(d, BarData):
        raise RenderError(f"chart {chart.id!r}: a dot plot needs BarData, got {type(d).__name__}")
    top = add_title(fig, chart.title, style)
    if not d.categories:
        no_data(fig, style)
        return
    height = fig.get_figheight()
    bottom = LAYOUT_PAD + 0.45
    ax = fig.add_axes((0.45, bottom / height, 0.5, (top - LAYOUT_PAD - bottom) / height))
    rows = list(range(len(d.categories)))
    values = [float(v) for v in d.values]
    ax.scatter(values, rows, s=30, color=style.colour(1), zorder=3)
    ax.set_yticks(rows, list(d.categories))
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.set_xlim(0, max(values + [1.0]) * 1.25)
    ax.set_xlabel(d.unit_label)
    for y, v in zip(rows, values):
        ax.annotate(format_number(v), xy=(v, y), xytext=(5, 0), textcoords="offset points", va="center")
    fig.text(0.02, LAYOUT_PAD / height, MARKER, fontsize=style.small_size, color="#777777")


DOTS = ChartKind(name="dots", data="bar", draw=draw_dots, describe=describe_dots,
                 doc="A dot per category at its value (a test kind from outside briefgen).")
