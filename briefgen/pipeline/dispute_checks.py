"""Checks of disagreeing sources (:mod:`briefgen.resolve.disputes`): every disputed measure
is reported at each of its figures, naming the other reports and where they are written;
``contradicts`` must name known claims other than the claim itself."""

from __future__ import annotations

from briefgen.errors import Problem, did_you_mean
from briefgen.load.project import KnowledgeBase, LoadedSpec
from briefgen.resolve.disputes import Report, find_disputes
from briefgen.text import fmt


def dispute_problems(loaded: LoadedSpec, kb: KnowledgeBase) -> list[Problem]:
    """A warning (code ``disputed-quantity``) at every figure of every disputed measure, and
    errors for ``contradicts`` entries that name no other known claim."""
    problems: list[Problem] = []
    tolerance = loaded.spec.checks.dispute_tolerance_percent / 100
    for dispute in find_disputes(kb.claims.values(), tolerance):
        where = {id(r): _location(kb, r) for r in dispute.reports}
        for report in dispute.reports:
            doc, key = _key(kb, report)
            others = "; ".join(f"{_reported(o)} at {where[id(o)]}" for o in dispute.reports if o is not report)
            problems.append(doc.problem(
                key, f"measure {dispute.measure!r} is disputed ({dispute.summary()}): {_reported(report)} here, "
                     f"against {others}",
                expected="every report shown side by side (a 'conflicts' section), or figures that agree",
                severity="warning", code="disputed-quantity"))
    for cid, claim in kb.claims.items():
        doc, base = kb.where("claims", cid)
        for i, other in enumerate(claim.contradicts):
            if other == cid:
                problems.append(doc.problem(base + ("contradicts", i), f"claim {cid!r} cannot contradict itself",
                                            code="contradicts"))
            elif other not in kb.claims:
                problems.append(doc.problem(base + ("contradicts", i), f"unknown claim id {other!r}",
                                            suggestion=did_you_mean(other, kb.claims) or "", code="unknown-claim"))
    return problems


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
