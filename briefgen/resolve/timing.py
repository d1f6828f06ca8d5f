"""Time of claims: when a claim was last reported, and whether its event has happened.

Staleness is judged on when a claim was **last reported**, not on when its event happened
(a 2019 founding reported in 2025 is current news): the claim's ``reported`` date, else the
newest date of its sources, else its own ``date``. An event is ``planned`` or ``forecast``
when the claim says so (``timing:``); one dated after the briefing date is ``planned`` by
default. Pure: the models only.
"""

from __future__ import annotations

from collections.abc import Mapping

from briefgen.model.models import Claim, Source
from briefgen.model.vocab import PartialDate


def last_reported(claim: Claim, sources: Mapping[str, Source]) -> tuple[PartialDate | None, str]:
    """When ``claim`` was last reported, and the field that says so: ``reported``,
    ``sources`` (the newest dated source among ``sources``) or ``date``; (None, "") when
    nothing is dated."""
    if claim.reported is not None:
        return claim.reported, "reported"
    dated = [d for s in claim.sources if s in sources and (d := sources[s].date) is not None]
    if dated:
        return max(dated, key=lambda d: d.sort_key()), "sources"
    if claim.date is not None:
        return claim.date, "date"
    return None, ""


def timing(claim: Claim, briefing_date: PartialDate) -> str:
    """``past``, ``planned`` or ``forecast``: the claim's ``timing``, else ``planned`` for an
    event dated after the briefing date (a day, a month or a year wholly after it), else ``past``."""
    if claim.timing is not None:
        return claim.timing
    if claim.date is not None and claim.date.midpoint() > briefing_date.midpoint() and not _overlaps(
            claim.date, briefing_date):
        return "planned"
    return "past"


def _overlaps(date: PartialDate, day: PartialDate) -> bool:
    """True when ``day`` falls within the span ``date`` names (its year, or its month)."""
    point = day.midpoint()
    if date.precision == "year":
        return date.year == point.year
    if date.precision == "month":
        return (date.year, date.month) == (point.year, point.month)
    return False
