"""The resolved briefing: pure, frozen data for one audience, produced by ``select``.

Everything later stages need is here: the sections in order with the claims and entities
each shows, the charts with their data, the sources that may be cited, and what was
withheld from this audience and why. No ReportLab, no matplotlib.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from briefgen.model.vocab import PartialDate

if TYPE_CHECKING:  # annotations only: chart processes unpickle these without pydantic
    from briefgen.model.models import (
        Audience,
        BriefingMeta,
        ChartSpec,
        Claim,
        Entity,
        ImageSpec,
        Relation,
        Section,
        Source,
    )
    from briefgen.model.tlp import TLP


# --------------------------------------------------------------------------- chart data
@dataclass(frozen=True)
class BarData:
    """Bars: one per category. ``values`` in the unit ``unit_label`` (e.g. 'USD millions');
    ``comparators`` per bar ('=' or '>' for "more than", drawn as a '>' prefix)."""

    categories: tuple[str, ...]
    values: tuple[float, ...]
    comparators: tuple[str, ...]
    unit_label: str
    markings: tuple[str, ...] = ()
    """Empty, or one TLP label per bar (empty for a bar at or below the briefing's ``floor``),
    when the audience is shown portion marks: the bar's category is drawn marked, ``(RED) ...``,
    as a timeline's events are, and a legend line says what the marks mean."""
    floor: str = ""

    @property
    def labels(self) -> tuple[str, ...]:
        """The category labels as drawn: each marked bar's with its mark before it."""
        if not self.markings:
            return self.categories
        return tuple(f"({m.removeprefix('TLP:')}) {c}" if m else c for c, m in zip(self.categories, self.markings))


@dataclass(frozen=True)
class LineData:
    """Lines sharing one x axis: ``x`` labels (years or text) and named ``series`` of y values."""

    x: tuple[str, ...]
    series: tuple[tuple[str, tuple[float, ...]], ...]
    x_label: str
    unit_label: str


@dataclass(frozen=True)
class TimelineEvent:
    """One dated event: placed at ``date.midpoint()``, labelled with ``date.render()``.
    ``marking``: its TLP label when the audience is shown portion marks and the event is
    marked above the briefing's floor (else empty: drawn unmarked)."""

    date: PartialDate
    label: str
    claim_id: str = ""
    marking: str = ""
    timing: str = ""
    """``planned`` or ``forecast`` for an event that has not happened (drawn and worded as
    such); empty for a past event."""


@dataclass(frozen=True)
class TimelineData:
    """Events in chronological order. ``floor``: the briefing's TLP floor, named in the
    legend of marked events (empty when no event is marked)."""

    events: tuple[TimelineEvent, ...]
    floor: str = ""


@dataclass(frozen=True)
class NetworkData:
    """Entities as ``nodes`` (id, label, kind) and relations as ``edges`` (source id,
    target id, predicate). ``edge_markings``: empty, or one TLP label per edge (empty for
    an edge at or below the briefing's ``floor``), when the audience is shown portion marks."""

    nodes: tuple[tuple[str, str, str], ...]
    edges: tuple[tuple[str, str, str], ...]
    edge_markings: tuple[str, ...] = ()
    floor: str = ""


@dataclass(frozen=True)
class TableData:
    """A table drawn as a figure: header ``columns`` and text ``rows``."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class RangePoint:
    """What one source reports for a measure, on the chart's scale: ``value`` (None for a
    range alone), ``low``/``high`` (None without a range), ``comparator`` (``>`` draws an
    open end to the right, ``<`` to the left), ``estimate`` (drawn hollow). ``group`` is the
    measure's label, ``label`` who reports it (source and date)."""

    group: str
    label: str
    value: float | None
    low: float | None = None
    high: float | None = None
    comparator: str = "="
    estimate: bool = False
    claim_id: str = ""
    marking: str = ""
    """The claim's TLP label when the audience is shown portion marks and it is marked above
    the briefing's floor (else empty): the row is drawn marked, ``(RED) ...``."""

    @property
    def shown_label(self) -> str:
        """``label`` as drawn: with its mark before it when marked."""
        return f"({self.marking.removeprefix('TLP:')}) {self.label}" if self.marking else self.label


@dataclass(frozen=True)
class RangeData:
    """Reported values and ranges, grouped by measure (``points`` in group order), in the
    unit ``unit_label``."""

    points: tuple[RangePoint, ...]
    unit_label: str
    floor: str = ""
    """The briefing's floor label when some point is marked (named in the key's marks legend)."""

    @property
    def marks(self) -> str:
        """The legend of the points' marks (:func:`briefgen.model.legend_fit.marks_legend`), or ""."""
        from briefgen.model.legend_fit import marks_legend

        return marks_legend([p.marking for p in self.points], self.floor) if self.floor else ""


ChartData = BarData | LineData | TimelineData | NetworkData | TableData | RangeData


@dataclass(frozen=True)
class DrawSpec:
    """What drawing reads of a :class:`~briefgen.model.models.ChartSpec` (``width``/``height`` in
    inches), as a plain dataclass: a chart process unpickles it without importing pydantic
    and the models (~0.1 s saved where that import would delay the drawing)."""

    id: str
    kind: str
    title: str
    width: float
    height: float
    alt: str | None = None


@dataclass(frozen=True)
class ResolvedChart:
    """A chart ready to draw: spec, data visible to this audience, and its source line.

    ``number`` is the figure number in the document (1-based); ``width``/``height`` in inches.
    """

    spec: ChartSpec | DrawSpec
    data: ChartData
    number: int
    source_line: str
    alt: str
    claim_ids: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        return self.spec.id

    def for_drawing(self) -> "ResolvedChart":
        """This chart with its spec reduced to a :class:`DrawSpec`: the same drawing, the
        same cache key, and nothing of pydantic to unpickle in another process."""
        s = self.spec
        plain = DrawSpec(id=s.id, kind=s.kind, title=s.title, width=s.width, height=s.height, alt=s.alt)
        return dataclasses.replace(self, spec=plain)

    @property
    def kind(self) -> str:
        return self.spec.kind

    @property
    def title(self) -> str:
        return self.spec.title


@dataclass(frozen=True)
class ResolvedImage:
    """An image figure: its spec, the checked absolute ``path`` and its figure ``number``."""

    spec: ImageSpec
    path: Path
    number: int

    @property
    def id(self) -> str:
        return self.spec.id


# --------------------------------------------------------------------------- briefing
@dataclass(frozen=True)
class Withheld:
    """Something left out of this audience's briefing and why (``reason`` is a sentence)."""

    kind: str  # "claim" | "source" | "entity" | "relation" | "section" | "chart"
    id: str
    reason: str
    tlp: str = ""


@dataclass(frozen=True)
class ResolvedSection:
    """A section as this audience gets it: its claims/entities/charts already filtered."""

    section: Section
    level: int
    claims: tuple[Claim, ...] = ()
    entities: tuple[Entity, ...] = ()
    charts: tuple[ResolvedChart, ...] = ()
    images: tuple[ResolvedImage, ...] = ()
    subsections: tuple["ResolvedSection", ...] = ()

    @property
    def id(self) -> str:
        return self.section.id

    @property
    def title(self) -> str:
        return self.section.title

    @property
    def kind(self) -> str:
        return self.section.kind


@dataclass(frozen=True)
class Briefing:
    """One audience's briefing. ``claims``/``entities``/``sources``/``relations`` hold
    everything this audience may see (by id); ``withheld`` what it may not."""

    meta: BriefingMeta
    audience_name: str
    audience: Audience
    sections: tuple[ResolvedSection, ...]
    claims: dict[str, Claim]
    entities: dict[str, Entity]
    sources: dict[str, Source]
    relations: tuple[Relation, ...]
    withheld: tuple[Withheld, ...]
    hidden_claims: frozenset[str] = frozenset()
    hidden_entities: frozenset[str] = frozenset()
    hidden_sources: frozenset[str] = frozenset()
    keyword_marks: tuple[tuple[int, str, str, TLP] | None, ...] = ()
    """For each of ``meta.keywords``: the most restrictive item it names, ``(index in the spec's
    keywords, kind, id, level)``, or None (:mod:`briefgen.resolve.keywords`); the document
    keeps a keyword only when that level is at or below the edition's banner."""
    keyword_entities: tuple[tuple[tuple[str, ...], ...], ...] = ()
    """For each of ``meta.keywords``: the entities it names that the edition must show for its
    metadata to carry it, as groups of ids; the document keeps it only when it shows an entity of
    every group (:mod:`briefgen.document.keywords`). Each entity a keyword names is a group of its
    own; a keyword that is exactly the name of entities the audience may see is judged by them
    alone, one group (showing one of them shows the name)."""
    dispute_tolerance: float = 0.05
    """How far (a fraction of the value) figures of one measure may differ and still agree
    (``checks.dispute_tolerance_percent``; :mod:`briefgen.resolve.disputes`)."""

    @property
    def title(self) -> str:
        return self.audience.title or self.meta.title

    def all_sections(self) -> list[ResolvedSection]:
        """Sections and subsections in reading order."""
        out: list[ResolvedSection] = []

        def walk(items: tuple[ResolvedSection, ...]) -> None:
            for item in items:
                out.append(item)
                walk(item.subsections)

        walk(self.sections)
        return out

    def charts(self) -> list[ResolvedChart]:
        """Every chart in reading order."""
        return [c for s in self.all_sections() for c in s.charts]

    def figure_numbers(self) -> dict[str, int]:
        """Figure number of every chart and image, by id."""
        numbers: dict[str, int] = {}
        for s in self.all_sections():
            figures: tuple[ResolvedChart | ResolvedImage, ...] = (*s.charts, *s.images)
            numbers.update((f.id, f.number) for f in figures)
        return numbers

    def table_numbers(self) -> dict[str, int]:
        """Table number of every claims table, by section id, in reading order."""
        from briefgen.model.section_kinds import section_kind

        tables = [s.id for s in self.all_sections() if section_kind(s.kind).table]
        return {sid: n for n, sid in enumerate(tables, 1)}
