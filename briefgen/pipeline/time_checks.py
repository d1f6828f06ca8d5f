"""Time checks of the knowledge base at the briefing date (:mod:`briefgen.resolve.timing`):

* ``stale-claim``: a claim last reported longer than ``checks.max_claim_age_days`` before the
  briefing date (located at the claim's ``reported``, its ``sources`` when the newest
  source's date decides, or its own ``date``);
* ``future-claim``: a claim dated to a day after the briefing date that does not say it is
  ``planned`` or ``forecast`` (``timing:``);
* ``future-source``: a source whose date (all of its span, at its precision) is after the
  briefing date: published after the briefing it supports;
* ``timeline-date`` (an error): a claim a timeline chart selects, dated where the timeline's
  axis cannot reach (:func:`timeline_date_problems`).
"""

from __future__ import annotations

from briefgen.errors import Problem
from briefgen.load.project import KnowledgeBase
from briefgen.model.models import ChartSpec, Spec
from briefgen.resolve.timing import last_reported


def time_problems(spec: Spec, kb: KnowledgeBase) -> list[Problem]:
    """The future-dated sources, and the stale and future-dated claims, of ``kb`` at ``spec``'s
    briefing date, as warnings."""
    problems: list[Problem] = []
    brief = spec.briefing.date
    limit = spec.checks.max_claim_age_days
    last_day = brief.span()[1]
    for sid, source in kb.sources.items():
        if source.date is not None and source.date.span()[0] > last_day:
            doc, base = kb.where("sources", sid)
            problems.append(doc.problem(base + ("date",), f"source {sid!r} is dated {source.date.render()}, after the "
                                        f"briefing date {brief.render()}: a briefing cannot rest on a document "
                                        f"published after it", expected="the date it was published, on or before "
                                        "the briefing date", severity="warning", code="future-source"))
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


TIMELINE_YEARS = (2, 9998)
"""First and last year a timeline event may fall in (its date's midpoint). The timeline's axis
(:class:`briefgen.model.timeline_fit.TimeScale`) runs from the first event's year, or the month
before its month, to the start of the year after the last event, or two months after its
month; Python's dates, which it counts in, end at 0001-01-01 and 9999-12-31."""


def timeline_date_problems(chart: ChartSpec, kb: KnowledgeBase, seen: set[str]) -> list[Problem]:
    """An error for each claim timeline chart ``chart`` selects (as the chart stage selects,
    before any audience's ceiling) whose date lies outside :data:`TIMELINE_YEARS`, located at
    the claim's ``date``; claims in ``seen`` (reported for another timeline) are skipped and
    the reported ones added to it."""
    from briefgen.resolve.claims import select_claims

    first, last = TIMELINE_YEARS
    # an event's midpoint lies in its date's year; the few claims dated outside are found by a scan,
    # and the selector (which sorts every claim by date) is run only when there are some
    outside = {cid for cid, c in kb.claims.items() if c.date is not None and not first <= c.date.year <= last}
    if not outside - seen:
        return []
    claims = select_claims(chart.select, kb.claims) if chart.select else kb.claims.values()
    problems: list[Problem] = []
    for claim in claims:
        if claim.id not in outside or claim.id in seen:
            continue
        assert claim.date is not None, "only dated claims are outside"
        year = claim.date.year
        seen.add(claim.id)
        doc, base = kb.where("claims", claim.id)
        problems.append(doc.problem(base + ("date",),
                                    f"claim {claim.id!r} is dated {claim.date.render()}, beyond the dates timeline "
                                    f"chart {chart.id!r} can draw (its axis runs a year past the first and last "
                                    f"events); correct the date, or leave the claim out of the chart's 'select'",
                                    expected=f"a date in the years {first:04d} to {last:04d}", got=f"year {year:04d}",
                                    code="timeline-date"))
    return problems
