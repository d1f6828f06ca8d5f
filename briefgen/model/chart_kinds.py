"""The chart kinds: one record per kind, the single list everything about kinds comes from.

A :class:`ChartKind` says what a kind is called, which data shape it draws (a key of
:data:`SHAPES`), how it is drawn and described, and how costly it is to draw.
:data:`CHART_KINDS` (a :class:`~briefgen.model.kinds.KindRegistry`) holds them; from it
come the accepted values of ``ChartSpec.kind`` and their JSON Schema enum
(:mod:`briefgen.model.models`), the did-you-mean of a misspelt kind, the data ``select``
builds for a chart (it dispatches on the kind's shape), the checks of a chart's CSV file
(:mod:`briefgen.pipeline.checks`), alternative text (:func:`describe`), drawing
(:mod:`briefgen.charts.render`) and how the chart worker shares charts between
processes (:attr:`ChartKind.cost`).

The built-in kinds register themselves in their own modules (:data:`BUILTIN_MODULES`,
imported by name when the registry is first read: the model never imports the charts
package); other packages add kinds through the entry point group
:data:`ENTRY_POINT_GROUP` (see :mod:`briefgen.model.kinds`). Pure: no matplotlib.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from briefgen.model.kinds import KindPluginError, KindRegistry

ENTRY_POINT_GROUP = "briefgen.chart_kinds"
"""Entry point group through which other packages add chart kinds."""

BUILTIN_MODULES = ("briefgen.charts.bar", "briefgen.charts.line", "briefgen.charts.timeline",
                   "briefgen.charts.network", "briefgen.charts.table", "briefgen.charts.dot_range")
"""Modules of the built-in kinds, in the order their kinds are listed (each registers its
kind when imported)."""

_NAME_RE = re.compile(r"^[a-z][a-z0-9_-]*$")

DrawFn = Callable[[Any, Any, Any], None]
"""``draw(fig, chart, style) -> None``: draws the ResolvedChart ``chart`` onto the empty
matplotlib Figure ``fig`` (size already set in inches, Agg canvas attached for measuring
text, the ChartStyle ``style``'s rcParams in force). Raises RenderError for data it cannot
draw. (Typed loosely here: the model knows neither matplotlib nor the chart style.)"""

DescribeFn = Callable[[Any], str]
"""``describe(chart) -> str``: alternative text of a ResolvedChart, derived from its data."""


@dataclass(frozen=True)
class DataShape:
    """A shape of chart data: one data class of :mod:`briefgen.model.resolved`, and where
    ``select`` can take it from."""

    name: str
    data_class: str
    """Name of the class in :mod:`briefgen.model.resolved` (``BarData``, ...)."""
    from_claims: bool
    """``select`` builds it from the claims a chart selects (else only from a CSV file)."""
    from_csv: bool
    """A chart CSV file can give it (``csv:`` in the chart spec)."""
    doc: str


SHAPES: dict[str, DataShape] = {shape.name: shape for shape in (
    DataShape("bar", "BarData", True, True,
              "categories with one value each: the figures of the selected claims, or a CSV file's "
              "first column and first value column"),
    DataShape("line", "LineData", False, True,
              "named series over shared x labels: a CSV file's first column and its value columns"),
    DataShape("timeline", "TimelineData", True, False, "the dated events of the selected claims"),
    DataShape("network", "NetworkData", True, False,
              "entities and the relations between them that the selected claims support"),
    DataShape("table", "TableData", True, True,
              "columns and rows of text: date and label of the selected claims, or a CSV file"),
    DataShape("ranges", "RangeData", True, False,
              "what each source reports for a measure (value, range, open end) in one unit: the figures of "
              "the selected claims that name a measure"),
)}
"""The data shapes a chart kind may take, by name."""


@dataclass(frozen=True)
class ChartKind:
    """One chart kind.

    ``name``: what specs write as ``kind:`` (lower case; letters, digits, '-' and '_').
    ``data``: the shape of data it draws, a key of :data:`SHAPES`. ``draw``: its
    :data:`DrawFn`. ``describe``: its :data:`DescribeFn` (None: a generic sentence).
    ``doc``: one line saying what it shows. ``cost``: rough drawing time relative to a
    bar chart (the chart worker shares charts between two processes by it). ``module``:
    where it is defined (default: the draw function's module).
    Raises ValueError for a bad name or an unknown shape.
    """

    name: str
    data: str
    draw: DrawFn
    describe: DescribeFn | None = None
    doc: str = ""
    cost: int = 1
    module: str = field(default="")

    def __post_init__(self) -> None:
        if not _NAME_RE.match(self.name):
            raise ValueError(f"chart kind name {self.name!r}: lower-case letters, digits, '-' and '_', "
                             f"starting with a letter")
        if self.data not in SHAPES:
            raise ValueError(f"chart kind {self.name!r}: unknown data shape {self.data!r} "
                             f"(shapes: {', '.join(SHAPES)})")
        if not self.module:
            object.__setattr__(self, "module", getattr(self.draw, "__module__", "") or "")

    @property
    def shape(self) -> DataShape:
        """The :class:`DataShape` it draws."""
        return SHAPES[self.data]

    @property
    def builtin(self) -> bool:
        """True for a kind of briefgen itself."""
        return self.module in BUILTIN_MODULES


CHART_KINDS: KindRegistry[ChartKind] = KindRegistry("chart kind", ChartKind, BUILTIN_MODULES, ENTRY_POINT_GROUP)
"""Every chart kind: built-in ones, and those other packages add through entry points."""


def register_kind(kind: ChartKind, *, replace: bool = False) -> ChartKind:
    """Register a chart kind (see :meth:`KindRegistry.register`); returns it."""
    return CHART_KINDS.register(kind, replace=replace)


def unknown_kind_hint(name: str) -> str:
    """``; did you mean 'timeline'?`` or `` (known: bar, line, ...)``: the tail of a message
    about an unknown chart kind."""
    hint = CHART_KINDS.suggestion(name)
    return f"; did you mean {hint!r}?" if hint else f" (known: {', '.join(sorted(CHART_KINDS.names()))})"


def kinds_taking_csv() -> str:
    """The kinds whose data a CSV file can give, as text: ``bar, line or table`` (kinds of
    plugins that cannot be loaded are left out)."""
    names = []
    for name in CHART_KINDS.names():
        try:
            kind = CHART_KINDS.get(name)
        except KindPluginError:
            continue
        if kind is not None and kind.shape.from_csv:
            names.append(name)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def describe(chart: Any, limit: int = 400) -> str:
    """Short alternative text of the ResolvedChart ``chart``, derived from its data by its
    kind (used when ``spec.alt`` is None), at most ``limit`` characters. Kinds without a
    describer (and unknown kinds) get a generic sentence. Raises KindPluginError when the
    kind's plugin cannot be loaded."""
    kind = CHART_KINDS.get(chart.kind)
    fn = kind.describe if kind is not None else None
    text = fn(chart) if fn else f"{chart.kind.capitalize()} chart: {chart.title}."
    if len(text) > limit:
        text = text[: limit - 1].rstrip(" ,;:") + "…"
    return text


def alt_text(chart: Any) -> str:
    """``spec.alt`` when given, else ``chart.alt`` when set, else :func:`describe`."""
    return chart.spec.alt or chart.alt or describe(chart)
