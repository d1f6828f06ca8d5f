"""Plain-text formatting of the field's values, shared by templates, tables and email."""

from __future__ import annotations

from briefgen.model.models import Claim, Figure, Source
from briefgen.model.vocab import COMPARATOR_WORDS, CREDIBILITY, PartialDate, admiralty


def number(value: float) -> str:
    """``1300`` -> ``1,300``; ``1.25`` -> ``1.25``; ``65.0`` -> ``65``."""
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def figure(fig: Figure) -> str:
    """A figure in words: ``more than USD 65 million per year``, ``USD 1.3 billion``.

    Millions of 1,000 or more are shown in billions; ``/`` in the unit reads "per".
    """
    value, unit = fig.value, fig.unit
    head, _, per = unit.partition("/")
    if head.strip() == "million" and abs(value) >= 1000:
        value, head = value / 1000, "billion"
    text = number(value) + (f" {head.strip()}" if head.strip() else "")
    if per:
        text += f" per {per.strip()}"
    if fig.currency:
        text = f"{fig.currency} {text}"
    return COMPARATOR_WORDS[fig.comparator] + text


def date(value: PartialDate | None, missing: str = "undated") -> str:
    """A date at its precision ("late April 2025"), or ``missing``."""
    return value.render() if value is not None else missing


def likelihood(claim: Claim) -> str:
    """ICD 203 wording of a judgment: ``likely (moderate confidence)``, ``high confidence``,
    or an empty string for a plain fact."""
    inner = []
    if claim.probability is not None:
        inner.append(f"{number(claim.probability)}%")
    if claim.confidence is not None:
        inner.append(f"{claim.confidence.value} confidence")
    if claim.likelihood is None:
        return ", ".join(inner)
    return claim.likelihood.value + (f" ({', '.join(inner)})" if inner else "")


def rating(claim: Claim, sources: dict[str, Source]) -> str:
    """Admiralty rating of a claim from its best visible source, e.g. ``B2``."""
    rels = sorted(s.reliability.value for sid in claim.sources if (s := sources.get(sid)))
    from briefgen.model.vocab import Reliability

    return admiralty(Reliability(rels[0]) if rels else None, claim.credibility)


def credibility_words(claim: Claim) -> str:
    """Admiralty credibility meaning, e.g. "probably true"; empty when not rated."""
    return CREDIBILITY.get(claim.credibility or 0, "")
