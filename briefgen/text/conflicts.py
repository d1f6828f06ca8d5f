"""What ``conflicts()`` gives a template: the disputed quantities this audience can see
(:mod:`briefgen.resolve.disputes`), each with every report side by side.

``{% for d in conflicts() %}{{ d.label }}: {{ d }}{{ cite(*d.claims) }}{% endfor %}`` prints
"Puerto Alba capital cost: USD 1.3 billion, phase 1, as of June 2024 (Ministry of Transport,
rated B3); about USD 3.6 billion (estimate), ..." A :class:`DisputeView` has ``measure``,
``label``, ``summary`` (why it is disputed), ``reports`` and ``claims`` (ids, for ``cite``);
a :class:`ReportView` has ``value`` (as the source gave it, in words), ``comparator``,
``scope``, ``as_of``, ``sources`` (the Source items the audience may see), ``rating``
(Admiralty) and ``claim`` (its id). Both print as their text.
"""

from __future__ import annotations

from dataclasses import dataclass

from briefgen.model.models import Source
from briefgen.model.resolved import Briefing
from briefgen.model.vocab import PartialDate
from briefgen.resolve.disputes import Dispute, Report, visible_disputes
from briefgen.text import fmt


@dataclass(frozen=True)
class ReportView:
    """One source's report of a disputed quantity, for templates (see module doc)."""

    value: str
    comparator: str
    scope: str
    as_of: PartialDate | None
    sources: tuple[Source, ...]
    rating: str
    claim: str

    def __str__(self) -> str:
        parts = [self.value] + ([self.scope] if self.scope else [])
        if self.as_of is not None:
            parts.append(f"as of {self.as_of.render()}")
        who = ", ".join(dict.fromkeys(s.publisher for s in self.sources))
        return ", ".join(parts) + f" ({who}, rated {self.rating})"


@dataclass(frozen=True)
class DisputeView:
    """A disputed quantity for templates (see module doc)."""

    measure: str
    label: str
    summary: str
    reports: tuple[ReportView, ...]
    claims: tuple[str, ...]

    def __str__(self) -> str:
        return "; ".join(str(r) for r in self.reports)


def dispute_views(briefing: Briefing, measure: str | None = None) -> list[DisputeView]:
    """The disputes among what ``briefing``'s audience may see (of ``measure`` only, when given)."""
    out = []
    for dispute in visible_disputes(briefing.claims, briefing.sources, briefing.dispute_tolerance):
        if measure is None or dispute.measure == measure:
            out.append(_view(dispute, briefing))
    return out


def _view(dispute: Dispute, briefing: Briefing) -> DisputeView:
    return DisputeView(dispute.measure, dispute.label, dispute.summary(),
                       tuple(_report(r, briefing) for r in dispute.reports), dispute.claims)


def _report(report: Report, briefing: Briefing) -> ReportView:
    fig, claim = report.figure, report.claim
    return ReportView(fmt.figure(fig), fig.comparator, fig.scope or "", fig.as_of,
                      tuple(briefing.sources[s] for s in claim.sources if s in briefing.sources),
                      fmt.rating(claim, briefing.sources), claim.id)
