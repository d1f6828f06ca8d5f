"""The chart kinds: one record per kind, the single list everything about kinds comes from.

A :class:`ChartKind` says what a kind is called, which data shape it draws (a key of
:data:`SHAPES`), how it is drawn and described, and how costly it is to draw.
:data:`CHART_KINDS` (a :class:`~briefgen.model.kinds.KindRegistry`) holds them; from it
come the accepted values of ``ChartSpec.kind`` and their JSON Schema enum
(:mod:`briefgen.model.models`), the did-you-mean of a misspelt kind, the data ``select``
builds for a chart (it dispatches on the kind's shape), the checks of a chart's CSV file
(:mod:`briefgen.pipeline.checks`), which keys of a chart spec a kind reads (:func:`keys_read`:
the ``unused-key`` warning of :mod:`briefgen.pipeline.section_checks`), alternative text
(:func:`describe`), drawing
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

KIND_KEYS: dict[str, str] = {
    "select": "pick claims",
    "csv": "take their data from a CSV file",
    "entities": "draw entities",
    "unit": "label their values with a unit",
}
"""The keys of a chart spec (:class:`~briefgen.model.models.ChartSpec`) that only some kinds read,
with what the kinds that read them do with them (for messages). Every other key (``id``,
``kind``, ``title``, ``caption``, ``source``, ``alt``, ``width``, ``height``) every kind reads.
Which kind reads which is :func:`keys_read`, derived from its :class:`DataShape` (as
:mod:`briefgen.resolve.charts` builds the data: ``select`` for a shape built from claims,
``csv`` for one a CSV file gives, then :attr:`DataShape.reads`) and :attr:`ChartKind.reads`."""

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
    reads: tuple[str, ...] = ()
    """The other keys of :data:`KIND_KEYS` its data is built from (``unit``: the axis unit;
    ``entities``: the network's entities)."""
    shows: tuple[tuple[str, tuple[str, ...]], ...] | None = None
    """What of the knowledge base its data shows when built from claims, as
    :mod:`briefgen.resolve.charts` builds it: per record kind of an edition record (``claims``,
    ``entities``), the fields of an item that reach the drawing; a record kind not listed shows
    any field. None: not declared, any field of anything it draws may show. Editions read it
    (:mod:`briefgen.document.diff`): an edit to a field a chart does not show does not change
    the figure."""

    def shown_fields(self) -> dict[str, tuple[str, ...]] | None:
        """:attr:`shows` as a dict (record kind -> fields), None when not declared."""
        return dict(self.shows) if self.shows is not None else None


SHAPES: dict[str, DataShape] = {shape.name: shape for shape in (
    DataShape("bar", "BarData", True, True,
              "categories with one value each: the figures of the selected claims, or a CSV file's "
              "first column and first value column", reads=("unit",),
              shows=(("claims", ("figure", "marking")),)),  # a bar per figure, labelled and marked as its claim
    DataShape("line", "LineData", False, True,
              "named series over shared x labels: a CSV file's first column and its value columns", reads=("unit",)),
    DataShape("timeline", "TimelineData", True, False, "the dated events of the selected claims"),
    DataShape("network", "NetworkData", True, False,
              "entities and the relations between them that the selected claims support", reads=("entities",),
              # entities by name and kind, a link marked as the claims it rests on
              shows=(("claims", ("marking",)), ("entities", ("name", "kind", "marking")))),
    DataShape("table", "TableData", True, True,
              "columns and rows of text: date and label of the selected claims, or a CSV file"),
    DataShape("ranges", "RangeData", True, False,
              "what each source reports for a measure (value, range, open end) in one unit: the figures of "
              "the selected claims that name a measure", reads=("unit",)),
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
    where it is defined (default: the draw function's module). ``reads``: keys of
    :data:`KIND_KEYS` its draw function reads from the chart spec itself, beyond those its
    shape's data is built from (see :func:`keys_read`).
    Raises ValueError for a bad name, an unknown shape or a key not in :data:`KIND_KEYS`.
    """

    name: str
    data: str
    draw: DrawFn
    describe: DescribeFn | None = None
    doc: str = ""
    cost: int = 1
    module: str = field(default="")
    reads: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not set(self.reads) <= set(KIND_KEYS):
            raise ValueError(f"chart kind {self.name!r}: reads {sorted(set(self.reads) - set(KIND_KEYS))}, "
                             f"which are not keys some kinds read (those: {', '.join(KIND_KEYS)})")
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


def keys_read(kind: ChartKind) -> frozenset[str]:
    """The keys of :data:`KIND_KEYS` a chart of ``kind`` reads: ``select`` when its shape is
    built from claims, ``csv`` when a CSV file can give it, its shape's :attr:`DataShape.reads`
    and its own :attr:`ChartKind.reads`."""
    shape = kind.shape
    return frozenset((("select",) if shape.from_claims else ()) + (("csv",) if shape.from_csv else ())
                     + shape.reads + kind.reads)


def kinds_reading(key: str) -> list[str]:
    """The names of the kinds that read ``key`` (one of :data:`KIND_KEYS`), in registry order
    (kinds of plugins that cannot be loaded are left out)."""
    return [kind.name for kind in _loadable_kinds() if key in keys_read(kind)]


def _loadable_kinds() -> list[ChartKind]:
    kinds = []
    for name in CHART_KINDS.names():
        try:
            kind = CHART_KINDS.get(name)
        except KindPluginError:
            continue
        if kind is not None:
            kinds.append(kind)
    return kinds


def kinds_taking_csv() -> str:
    """The kinds whose data a CSV file can give, as text: ``bar, line or table`` (kinds of
    plugins that cannot be loaded are left out)."""
    names = [kind.name for kind in _loadable_kinds() if kind.shape.from_csv]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def describe(chart: Any, limit: int = 400) -> str:
    """Short alternative text of the ResolvedChart ``chart``, derived from its data by its
    kind (used when ``spec.alt`` is None), at most ``limit`` characters (:func:`shorten`). Kinds without a
    describer (and unknown kinds) get a generic sentence. Raises KindPluginError when the
    kind's plugin cannot be loaded."""
    kind = CHART_KINDS.get(chart.kind)
    fn = kind.describe if kind is not None else None
    text = fn(chart) if fn else f"{chart.kind.capitalize()} chart: {chart.title}."
    return shorten(text, limit)


def shorten(text: str, limit: int) -> str:
    """``text`` when it has at most ``limit`` characters, else cut at the last word boundary
    that leaves room for "…" (never inside a word or a name: "… Amaru analys…" would be read
    aloud as a word that is not one), its trailing punctuation dropped; a single word longer
    than the limit is cut inside it."""
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    cut = len(head) if text[limit - 1] == " " else head.rfind(" ")
    if cut > 0:
        head = head[:cut]
    return head.rstrip(" ,;:—-") + "…"


def alt_text(chart: Any) -> str:
    """``spec.alt`` when given, else ``chart.alt`` when set, else :func:`describe`."""
    return chart.spec.alt or chart.alt or describe(chart)
