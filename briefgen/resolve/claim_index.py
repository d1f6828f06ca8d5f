"""Claims indexed by what a selector asks of them, and one selector's narrowing step by step.

:class:`ClaimIndex` holds a knowledge base's claim ids by tag, by entity, by kind (judgment or
fact), by confidence, those stating figures (and figures naming a measure), and the dated ones in
date order, each field indexed once a selector first asks for it. A selector's matches are then
found by set intersections and a bisection, in time proportional to what it matches, not by one
scan of the knowledge base per selector (the checks of a 10,000-claim briefing). :func:`narrow`
applies a selector's criteria one at a time, in the order of :data:`CRITERIA`, and records what
each leaves, so that a check can name the criterion that empties a selection. What it matches is
what :func:`briefgen.resolve.claims.select_claims` picks, as a set (no order) and without
``limit`` (at least 1: it never empties a selection).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Mapping, Set
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from briefgen.model.models import Claim, Selector

CRITERIA = ("claims", "tags", "entities", "judgments", "min_confidence", "with_figures", "dated", "date_from",
            "date_to")
"""The selector fields that narrow a selection, in the order :func:`narrow` applies them (``limit``
never empties one)."""


@dataclass(frozen=True)
class Step:
    """One criterion applied: ``criterion`` (a :data:`CRITERIA` field, or the name of a requirement
    of what shows the claims, e.g. ``"figures"`` for a bar chart) and the claim ids left after it
    (never changed: a set of the index may be one)."""

    criterion: str
    matched: Set[str]


class ClaimIndex:
    """The claims of a knowledge base (``claims``: id -> claim), indexed by each field the first
    time a selector asks for it (one pass over the claims per field, shared by every selector)."""

    def __init__(self, claims: Mapping[str, Claim]) -> None:
        self.claims = claims

    def _grouped(self, keys: Callable[[Claim], Iterable[Any]]) -> dict[Any, set[str]]:
        groups: dict[Any, set[str]] = {}
        for cid, c in self.claims.items():
            for key in keys(c):
                groups.setdefault(key, set()).add(cid)
        return groups

    @cached_property
    def by_tag(self) -> dict[str, set[str]]:
        """Claim ids by tag."""
        return self._grouped(lambda c: c.tags)

    @cached_property
    def by_entity(self) -> dict[str, set[str]]:
        """Claim ids by the entities they are about."""
        return self._grouped(lambda c: c.about)

    @cached_property
    def by_confidence(self) -> dict[int, set[str]]:
        """Claim ids by the rank of their confidence (0 low to 2 high); no key for those without."""
        return self._grouped(lambda c: (c.confidence.rank,) if c.confidence is not None else ())

    @cached_property
    def judgments(self) -> set[str]:
        """Ids of the claims that are judgments (a likelihood or confidence)."""
        return {cid for cid, c in self.claims.items() if c.is_judgment}

    @cached_property
    def facts(self) -> set[str]:
        """Ids of the claims that are not judgments."""
        return self.claims.keys() - self.judgments

    @cached_property
    def with_figures(self) -> set[str]:
        """Ids of the claims that state figures."""
        return {cid for cid, c in self.claims.items() if c.figures}

    @cached_property
    def with_measure(self) -> set[str]:
        """Ids of the claims with a figure that names a measure (what a dot-range chart draws)."""
        return {cid for cid, c in self.claims.items() if any(f.measure for f in c.figures)}

    @cached_property
    def date_key(self) -> dict[str, tuple[int, int, int]]:
        """The date sort key of each dated claim, by id."""
        return {cid: c.date.sort_key() for cid, c in self.claims.items() if c.date is not None}

    @cached_property
    def _by_date(self) -> tuple[list[tuple[int, int, int]], list[str]]:
        pairs = sorted((key, cid) for cid, key in self.date_key.items())
        return [key for key, _ in pairs], [cid for _, cid in pairs]

    @cached_property
    def dated(self) -> set[str]:
        """Ids of the dated claims."""
        return set(self.date_key)

    def dated_within(self, pool: Set[str] | None, lo: tuple | None, hi: tuple | None) -> Set[str]:
        """The ids of ``pool`` (None: every claim) dated within ``lo``..``hi`` (date sort keys,
        inclusive; None: open), as ``select_claims`` compares them: by bisection, or by testing the
        pool when it is the smaller."""
        keys, ids = self._by_date
        start = bisect_left(keys, lo) if lo is not None else 0
        end = bisect_right(keys, hi) if hi is not None else len(keys)
        if pool is not None and len(pool) < end - start:
            when = self.date_key
            return {c for c in pool if c in when and (lo is None or when[c] >= lo) and (hi is None or when[c] <= hi)}
        found = set(ids[start:end])
        return found if pool is None else pool & found

    def newest(self, ids: Iterable[str]) -> Claim | None:
        """The claim of ``ids`` dated latest (None: none is dated)."""
        dated = [c for c in ids if c in self.date_key]
        return self.claims[max(dated, key=lambda c: (self.date_key[c], c))] if dated else None

    def oldest(self, ids: Iterable[str]) -> Claim | None:
        """The claim of ``ids`` dated earliest (None: none is dated)."""
        dated = [c for c in ids if c in self.date_key]
        return self.claims[min(dated, key=lambda c: (self.date_key[c], c))] if dated else None


def narrow(sel: Selector, index: ClaimIndex, requirements: Iterable[tuple[str, Set[str]]] = ()) -> list[Step]:
    """Each criterion ``sel`` gives, applied in the order of :data:`CRITERIA`, then each of
    ``requirements`` (name, the ids that meet it: what a chart kind draws, e.g. claims with
    figures), with the ids left after it; the last step's are what the selection matches (no
    step: every claim). Steps stop at the first that leaves nothing."""
    steps: list[Step] = []
    pool: Set[str] | None = None  # None: every claim; never changed in place (it may be a set of the index)

    def keep(criterion: str, ids: Set[str]) -> bool:
        nonlocal pool
        pool = ids if pool is None else pool & ids
        steps.append(Step(criterion, pool))
        return bool(pool)

    def union(groups: dict[Any, set[str]], names: list) -> Set[str]:
        found = [groups[n] for n in names if n in groups]
        return found[0] if len(found) == 1 else set().union(*found)

    rank = sel.min_confidence.rank if sel.min_confidence else 0
    checks = [
        ("claims", lambda: {c for c in sel.claims if c in index.claims}, bool(sel.claims)),
        ("tags", lambda: union(index.by_tag, sel.tags), bool(sel.tags)),
        ("entities", lambda: union(index.by_entity, sel.entities), bool(sel.entities)),
        ("judgments", lambda: index.judgments if sel.judgments else index.facts, sel.judgments is not None),
        ("min_confidence", lambda: union(index.by_confidence, [r for r in index.by_confidence if r >= rank]),
         sel.min_confidence is not None),
        ("with_figures", lambda: index.with_figures, bool(sel.with_figures)),
        ("dated", lambda: index.dated, bool(sel.dated)),
    ]
    for criterion, ids, given in checks:
        if given and not keep(criterion, ids()):
            return steps
    for criterion, date in (("date_from", sel.date_from), ("date_to", sel.date_to)):
        if date is not None:
            bounds = (date.sort_key(), None) if criterion == "date_from" else (None, date.sort_key())
            pool = index.dated_within(pool, *bounds)
            steps.append(Step(criterion, pool))
            if not pool:
                return steps
    for criterion, meeting in requirements:
        if not keep(criterion, meeting):
            return steps
    return steps
