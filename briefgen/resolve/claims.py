"""Picking claims: what a :class:`~briefgen.model.models.Selector` selects, and the
strongest few when an audience caps its key judgments."""

from __future__ import annotations

from collections.abc import Mapping

from briefgen.model.models import Claim, Selector


def by_date(claims: Mapping[str, Claim]) -> list[Claim]:
    """``claims`` in the order a selector lists them: by date (undated last), then id."""
    return sorted(claims.values(), key=lambda c: (c.date.sort_key() if c.date else (9999, 0, 0), c.id))


def select_claims(selector: Selector | None, claims: Mapping[str, Claim],
                  ordered: list[Claim] | None = None) -> list[Claim]:
    """The claims ``selector`` picks from ``claims`` (see :class:`~briefgen.model.models.Selector`).
    ``ordered``: ``by_date(claims)`` when the caller keeps it (sorted once for every section
    and chart of a briefing, not once for each)."""
    sel = selector or Selector()
    if sel.claims:
        pool = [claims[c] for c in sel.claims if c in claims]
    else:
        pool = ordered if ordered is not None else by_date(claims)
    out = []
    tags, ents = set(sel.tags), set(sel.entities)
    lo = sel.date_from.sort_key() if sel.date_from else None
    hi = sel.date_to.sort_key() if sel.date_to else None
    for c in pool:
        if tags and not tags & set(c.tags):
            continue
        if ents and not ents & set(c.about):
            continue
        if lo or hi:
            if c.date is None:
                continue
            when = c.date.sort_key()
            if (lo and when < lo) or (hi and when > hi):
                continue
        if sel.min_confidence and (c.confidence is None or c.confidence.rank < sel.min_confidence.rank):
            continue
        if sel.judgments is not None and c.is_judgment != sel.judgments:
            continue
        if sel.with_figures and not c.figures:
            continue
        if sel.dated and c.date is None:
            continue
        out.append(c)
    return out[: sel.limit] if sel.limit else out


def strongest(claims: list[Claim], n: int) -> list[Claim]:
    """The ``n`` claims of highest confidence, then likelihood, kept in their given order."""
    from briefgen.model.vocab import Likelihood

    order = list(Likelihood)

    def strength(item: tuple[int, Claim]) -> tuple:
        i, c = item
        return (-(c.confidence.rank if c.confidence else -1),
                -(order.index(c.likelihood) if c.likelihood else -1), i)

    keep = {i for i, _ in sorted(enumerate(claims), key=strength)[:n]}
    return [c for i, c in enumerate(claims) if i in keep]
