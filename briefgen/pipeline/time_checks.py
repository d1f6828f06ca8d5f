"""Time checks of the knowledge base at the briefing date (:mod:`briefgen.resolve.timing`):

* ``stale-claim``: a claim last reported longer than ``checks.max_claim_age_days`` before the
  briefing date (located at the claim's ``reported``, its ``sources`` when the newest
  source's date decides, or its own ``date``);
* ``future-claim``: a claim dated to a day after the briefing date that does not say it is
  ``planned`` or ``forecast`` (``timing:``).
"""

from __future__ import annotations

from briefgen.errors import Problem
from briefgen.load.project import KnowledgeBase
from briefgen.model.models import Spec
from briefgen.resolve.timing import last_reported


def time_problems(spec: Spec, kb: KnowledgeBase) -> list[Problem]:
    """The stale and future-dated claims of ``kb`` at ``spec``'s briefing date, as warnings."""
    problems: list[Problem] = []
    brief = spec.briefing.date
    limit = spec.checks.max_claim_age_days
    for cid, claim in kb.claims.items():
        doc, base = kb.where("claims", cid)
        if (claim.date is not None and claim.timing is None and claim.date.precision == "day"
                and claim.date.sort_key() > brief.sort_key()):
            problems.append(doc.problem(base + ("date",),
                                        f"claim {cid!r} is dated {claim.date.render()}, after the briefing date "
                                        f"{brief.render()}", expected="timing: planned or forecast, or a past date",
                                        severity="warning", code="future-claim"))
        when, field = last_reported(claim, kb.sources)
        if when is None:
            continue
        age = (brief.midpoint() - when.midpoint()).days
        if age > limit:
            by = ""
            if field == "sources":
                newest = next(s for s in claim.sources if s in kb.sources and kb.sources[s].date == when)
                by = f", by its newest source {newest!r} ({when.render()})"
            problems.append(doc.problem(base + (field,), f"claim {cid!r} was last reported {age} days before the "
                                        f"briefing date{by} (limit {limit})",
                                        expected="a newer source, or 'reported:' with the date it was last reported",
                                        severity="warning", code="stale-claim"))
    return problems
