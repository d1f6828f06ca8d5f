"""Disagreeing sources: the figures reported for one quantity, compared.

A figure may name the quantity it measures (``measure: chancay-port.capital-cost``). Every
figure of a measure is a :class:`Report` (the claim, its sources, the figure as given); the
reports of a measure are compared as intervals in the measure's base unit:

* ``=`` and ``~`` are a point, widened by the tolerance (``checks.dispute_tolerance_percent``,
  5 % by default) on either side; a range (``low``/``high``) is its bounds, widened likewise;
* ``>`` / ``>=`` is open upwards from the value, ``<`` / ``<=`` open downwards.

Two reports agree when their intervals overlap. A measure is **disputed** when some two of
its reports do not agree (``values`` differ, or ``comparators`` are incompatible, when one
of the two is open-ended), or when its figures cannot be compared at all (``units``: another
currency, base unit or rate). Claims that say they ``contradicts`` each other are disputed
too (:func:`contradictions`). Nothing is ever resolved here: every report is kept, in
knowledge-base order, for the reader to weigh (:mod:`briefgen.document.conflicts`).

Pure: the models and units only.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from briefgen.model.models import Claim, Figure, Source
from briefgen.model.units import parse_unit

DEFAULT_TOLERANCE = 0.05
"""Relative difference two values may have and still agree (5 %)."""


@dataclass(frozen=True)
class Report:
    """One figure reported for a measure: the ``claim`` stating it, the figure's ``index``
    among the claim's figures, the ``figure`` as given, and its interval ``low``-``high`` in
    the measure's base unit (``math.inf`` for an open end), tolerance included."""

    claim: Claim
    index: int
    figure: Figure
    low: float
    high: float

    @property
    def open_ended(self) -> bool:
        """True for "more than" / "less than" values."""
        return self.figure.comparator in (">", ">=", "<", "<=")

    def agrees_with(self, other: "Report") -> bool:
        """True when the two intervals overlap."""
        return self.low <= other.high and other.low <= self.high


@dataclass(frozen=True)
class Dispute:
    """A disputed ``measure``: all its ``reports`` (knowledge-base order) and why: ``values``
    (two reports differ beyond the tolerance), ``comparators`` (an open-ended value excludes
    another) or ``units`` (figures that cannot be compared). ``pairs``: the index pairs of the
    reports that disagree."""

    measure: str
    reports: tuple[Report, ...]
    reason: str
    pairs: tuple[tuple[int, int], ...] = ()

    @property
    def label(self) -> str:
        """What is measured, in words (:func:`measure_label` of its reports)."""
        return measure_label(self.reports)

    @property
    def claims(self) -> tuple[str, ...]:
        """The ids of the claims reporting it, each once, in order."""
        return tuple(dict.fromkeys(r.claim.id for r in self.reports))

    def summary(self) -> str:
        """Why it is disputed, in words."""
        return {"values": "the reported values differ", "comparators": "the reported bounds exclude each other",
                "units": "the figures use units that cannot be compared"}[self.reason]


def measure_label(reports: Iterable[Report]) -> str:
    """What the ``reports`` of one measure measure, in words: their figures' label when they
    share one; else the words every label starts with ("Tarazu cost" for "Tarazu cost
    (ministry)" and "Tarazu cost (RiverWatch)"), a bracket or dash left open at its end
    dropped; else the first label. The name of the measure's group in a dot-range chart and of
    its rows in a conflicts table, which must agree (tester: the chart drew two groups where
    the table named one)."""
    labels = list(dict.fromkeys(r.figure.label for r in reports))
    if len(labels) <= 1:
        return labels[0] if labels else ""
    words = [label.split() for label in labels]
    common: list[str] = []
    for column in zip(*words):
        if len(set(column)) > 1:
            break
        common.append(column[0])
    while common and (common[-1][0] in "([{" or common[-1] in ("-", "–", "—", ":", ",")):
        common.pop()
    shared = " ".join(common).rstrip(",:;")
    return shared or labels[0]


def reports_by_measure(claims: Iterable[Claim], tolerance: float = DEFAULT_TOLERANCE) -> dict[str, list[Report]]:
    """Every figure naming a measure, grouped by measure (first appearance order)."""
    out: dict[str, list[Report]] = {}
    for claim in claims:
        for i, fig in enumerate(claim.figures):
            if fig.measure:
                low, high = interval(fig, tolerance)
                out.setdefault(fig.measure, []).append(Report(claim, i, fig, low, high))
    return out


def interval(fig: Figure, tolerance: float = DEFAULT_TOLERANCE) -> tuple[float, float]:
    """The values ``fig`` admits, in its base unit (scale words applied), widened by
    ``tolerance`` of their size; an open end is infinite."""
    unit = parse_unit(fig.unit, fig.currency)
    scale = unit.multiplier
    if fig.low is not None and fig.high is not None:
        low, high = fig.low * scale, fig.high * scale
    else:
        low = high = fig.central * scale
    low -= abs(low) * tolerance
    high += abs(high) * tolerance
    if fig.comparator in (">", ">="):
        high = math.inf
    elif fig.comparator in ("<", "<="):
        low = -math.inf
    return low, high


def _dimension(fig: Figure) -> tuple[str, str, str]:
    unit = parse_unit(fig.unit, fig.currency)
    return unit.currency, unit.base, unit.per


def find_disputes(claims: Iterable[Claim], tolerance: float = DEFAULT_TOLERANCE) -> list[Dispute]:
    """The disputed measures among the figures of ``claims`` (see module doc), in the order
    their measures first appear. ``tolerance``: a fraction (0.05 for 5 %)."""
    out = []
    for measure, reports in reports_by_measure(claims, tolerance).items():
        if len(reports) < 2:
            continue
        if len({_dimension(r.figure) for r in reports}) > 1:
            out.append(Dispute(measure, tuple(reports), "units"))
            continue
        pairs = tuple((i, j) for i in range(len(reports)) for j in range(i + 1, len(reports))
                      if not reports[i].agrees_with(reports[j]))
        if pairs:
            open_ended = any(reports[i].open_ended or reports[j].open_ended for i, j in pairs)
            out.append(Dispute(measure, tuple(reports), "comparators" if open_ended else "values", pairs))
    return out


def contradictions(claims: Mapping[str, Claim]) -> list[tuple[Claim, Claim]]:
    """Pairs of claims of which one says it ``contradicts`` the other (both in ``claims``),
    each pair once, in knowledge-base order."""
    seen: set[frozenset[str]] = set()
    out = []
    for claim in claims.values():
        for other in claim.contradicts:
            key = frozenset((claim.id, other))
            if other in claims and other != claim.id and key not in seen:
                seen.add(key)
                out.append((claim, claims[other]))
    return out


def visible_disputes(claims: Mapping[str, Claim], sources: Mapping[str, Source],
                     tolerance: float = DEFAULT_TOLERANCE) -> list[Dispute]:
    """The disputes an audience can see: among its visible ``claims`` (each resting on a
    visible source), with at least two reports left."""
    usable = [c for c in claims.values() if any(s in sources for s in c.sources)]
    return find_disputes(usable, tolerance)
