"""Checks of disagreeing sources (:mod:`briefgen.resolve.disputes`): every disputed measure
is reported at each of its figures, naming the other reports and where they are written,
with advice true to the spec (:func:`_advice`: whether a ``conflicts`` section shows the
report beside the others, or which section leaves it out); ``contradicts`` must name known
claims other than the claim itself."""

from __future__ import annotations

from collections.abc import Iterator

from briefgen.errors import Problem, near_id
from briefgen.load.project import KnowledgeBase, LoadedSpec
from briefgen.model.models import Section, Selector
from briefgen.resolve.claims import select_claims
from briefgen.resolve.disputes import Dispute, Report, find_disputes
from briefgen.text import fmt

SHOWN_ALREADY = "shows them (done: --strict leaves this a warning)"
"""The end of the advice when a ``conflicts`` section shows every report of the dispute."""

NO_SECTION = "every report shown side by side (a 'conflicts' section), or figures that agree"
"""The advice when the spec has no ``conflicts`` section."""


def dispute_problems(loaded: LoadedSpec, kb: KnowledgeBase) -> list[Problem]:
    """A warning (code ``disputed-quantity``) at every figure of every disputed measure, and
    errors for ``contradicts`` entries that name no other known claim."""
    problems: list[Problem] = []
    tolerance = loaded.spec.checks.dispute_tolerance_percent / 100
    shown = _shown_by_section(loaded, kb, tolerance)
    for dispute in find_disputes(kb.claims.values(), tolerance):
        where = {id(r): _location(kb, r) for r in dispute.reports}
        for report in dispute.reports:
            doc, key = _key(kb, report)
            others = "; ".join(f"{_reported(o)} at {where[id(o)]}" for o in dispute.reports if o is not report)
            advice = _advice(dispute, report, shown)
            problems.append(doc.problem(
                key, f"measure {dispute.measure!r} is disputed ({dispute.summary()}): {_reported(report)} here, "
                     f"against {others}",
                expected=advice, severity="warning", code="disputed-quantity",
                strict=not advice.endswith(SHOWN_ALREADY)))  # shown side by side: nothing left to fix
    for cid, claim in kb.claims.items():
        doc, base = kb.where("claims", cid)
        for i, other in enumerate(claim.contradicts):
            if other == cid:
                problems.append(doc.problem(base + ("contradicts", i), f"claim {cid!r} cannot contradict itself",
                                            code="contradicts"))
            elif other not in kb.claims:
                problems.append(doc.problem(base + ("contradicts", i), f"unknown claim id {other!r}",
                                            suggestion=near_id(other, kb.claims) or "", code="unknown-claim"))
    return problems


def _conflicts_sections(sections: list[Section]) -> Iterator[Section]:
    """The spec's ``conflicts`` sections, subsections included, in reading order."""
    for sec in sections:
        if sec.kind == "conflicts":
            yield sec
        yield from _conflicts_sections(sec.subsections)


def _shown_by_section(loaded: LoadedSpec, kb: KnowledgeBase,
                      tolerance: float) -> dict[str, tuple[frozenset[str], frozenset[tuple[str, int]]]]:
    """For each ``conflicts`` section by id: the claims it selects, and the (claim id, figure
    index) of every report its table shows (the disputes among those claims, as
    :mod:`briefgen.document.conflicts` finds them; before any audience's withholding)."""
    out = {}
    for sec in _conflicts_sections(loaded.spec.sections):
        claims = select_claims(sec.select or Selector(), kb.claims)
        reports = frozenset((r.claim.id, r.index) for d in find_disputes(claims, tolerance) for r in d.reports)
        out[sec.id] = (frozenset(c.id for c in claims), reports)
    return out


def _advice(dispute: Dispute, report: Report,
            shown: dict[str, tuple[frozenset[str], frozenset[tuple[str, int]]]]) -> str:
    """What would settle the warning at ``report``, true to the spec's ``conflicts`` sections
    (``shown``, :func:`_shown_by_section`): none (:data:`NO_SECTION`); one shows every report
    of the dispute; one shows this report but not all the others; or none shows it, naming
    the section that does not select its claim (or the claims it disagrees with)."""
    if not shown:
        return NO_SECTION
    here = (report.claim.id, report.index)
    others = [(r.claim.id, r.index) for r in dispute.reports if r is not report]
    for sid, (_, reports) in shown.items():
        if here in reports:
            left_out = sorted({cid for cid, i in others if (cid, i) not in reports})
            if not left_out:
                return f"every report side by side, as section {sid!r} (kind conflicts) {SHOWN_ALREADY}"
            return (f"every report side by side: section {sid!r} (kind conflicts) shows this one, but its select "
                    f"leaves out {_claims(left_out)}; select {'them' if len(left_out) > 1 else 'it'} too, or "
                    f"figures that agree")
    cid = report.claim.id
    for sid, (selected, _) in shown.items():
        if cid not in selected:
            continue
        missing = sorted({c for c, _ in others if c not in selected})
        return (f"every report side by side: section {sid!r} (kind conflicts) selects claim {cid!r} but not "
                f"{_claims(missing)}, which it disagrees with, so it does not show this dispute; select "
                f"{'them' if len(missing) > 1 else 'it'} too, or figures that agree")
    names = ", ".join(repr(s) for s in shown)
    sections = f"section {names} (kind conflicts) does" if len(shown) == 1 else f"sections {names} (kind conflicts) do"
    return (f"every report side by side: {sections} not select claim {cid!r}; add it to the select "
            f"(claims, tags ...), or figures that agree")


def _claims(ids: list[str]) -> str:
    """``claim 'c-a'`` or ``claims 'c-a', 'c-b'``."""
    return ("claims " if len(ids) > 1 else "claim ") + ", ".join(repr(i) for i in ids)


def _key(kb: KnowledgeBase, report: Report):
    doc, base = kb.where("claims", report.claim.id)
    return doc, base + ("figures", report.index)


def _location(kb: KnowledgeBase, report: Report) -> str:
    doc, key = _key(kb, report)
    return doc.problem(key, "").location()


def _reported(report: Report) -> str:
    """``USD 1.3 billion (claim 'c-x', source 'src-a')``."""
    sources = ", ".join(repr(s) for s in report.claim.sources)
    plural = "s" if len(report.claim.sources) != 1 else ""
    scope = f", {report.figure.scope}" if report.figure.scope else ""
    return f"{fmt.figure(report.figure)}{scope} (claim {report.claim.id!r}, source{plural} {sources})"
