"""The chart kinds as the chart stage sees them: what a kind module registers, and finding
the draw function of a chart.

The registry itself (:data:`CHART_KINDS`, :class:`ChartKind`, the data shapes) lives in
:mod:`briefgen.model.chart_kinds`, below every stage, because the model validates
``kind:`` against it and ``select`` builds each chart's data from it; it imports the
built-in kind modules of this package by name. A kind module writes::

    from briefgen.charts.registry import ChartKind, register_kind

    def draw_dots(fig, chart, style): ...

    DOTS = register_kind(ChartKind(name="dots", data="bar", draw=draw_dots, doc="..."))

and a kind in another package is the same :class:`ChartKind`, named by an entry point of
the group :data:`ENTRY_POINT_GROUP` (see :mod:`briefgen.model.kinds`). Pure: importing
this module imports no matplotlib.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from briefgen.errors import RenderError
from briefgen.model.chart_kinds import (
    BUILTIN_MODULES,
    CHART_KINDS,
    ENTRY_POINT_GROUP,
    SHAPES,
    ChartKind,
    DataShape,
    alt_text,
    describe,
    kinds_taking_csv,
    register_kind,
    unknown_kind_hint,
)
from briefgen.model.kinds import KindPluginError

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from briefgen.charts.style import ChartStyle
    from briefgen.model.resolved import ResolvedChart

DrawFn = Callable[["Figure", "ResolvedChart", "ChartStyle"], None]
"""A chart kind's drawing: draws ``chart`` onto the empty ``fig`` (size already set, Agg
canvas attached for text measurement; rcParams of the style active)."""


def draw_function(chart: "ResolvedChart") -> DrawFn:
    """The draw function of ``chart``'s kind. Raises RenderError for an unknown kind (with a
    did-you-mean, or the known kinds), KindPluginError when its plugin cannot be loaded."""
    kind = CHART_KINDS.get(chart.kind)
    if kind is None:
        raise RenderError(f"chart {chart.id!r}: unknown chart kind {chart.kind!r}" + unknown_kind_hint(chart.kind))
    return kind.draw


__all__ = ["BUILTIN_MODULES", "CHART_KINDS", "ENTRY_POINT_GROUP", "SHAPES", "ChartKind", "DataShape", "DrawFn",
           "KindPluginError", "alt_text", "describe", "draw_function", "kinds_taking_csv", "register_kind"]
