"""Plain-text formatting of the field's values, shared by templates, tables and email."""

from __future__ import annotations

from briefgen.model.chart_numbers import format_range
from briefgen.model.models import Claim, Figure, Source
from briefgen.model.units import per_text
from briefgen.model.vocab import COMPARATOR_WORDS, CREDIBILITY, PartialDate, admiralty


def number(value: float) -> str:
    """``1300`` -> ``1,300``; ``1.25`` -> ``1.25``; ``65.0`` -> ``65``."""
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def number_range(low: float, high: float) -> str:
    """``low-high`` with both bounds at one precision, the finer of the two as :func:`number`
    writes them: ``3.0-3.6`` (not ``3-3.6``), ``2,800-3,400``, ``1.25-1.50`` (the charts'
    :func:`~briefgen.model.chart_numbers.format_range`, which writes numbers as :func:`number` does)."""
    return format_range(low, high)


def figure(fig: Figure) -> str:
    """A figure in words, as the source gave it: ``more than USD 65 million per year``,
    ``USD 1.3 billion``, a range ``USD 1.3-1.5 billion`` at one precision (``EUR 3.0-3.6
    billion``, :func:`number_range`; with its value: ``USD 1.4 billion (range 1.3-1.5)``), an
    estimate ``USD 3.6 billion (estimate)``.

    Millions of 1,000 or more are shown in billions; ``/`` in the unit reads "per" before a
    word (``million/year``) and stays a slash before a unit symbol (``410 m³/s``,
    :func:`briefgen.model.units.per_text`).
    """
    unit = fig.unit
    head, _, per = unit.partition("/")
    numbers = [v for v in (fig.value, fig.low, fig.high) if v is not None]
    scale = 1.0
    if head.strip() == "million" and max(abs(v) for v in numbers) >= 1000:
        scale, head = 1000.0, "billion"
    if fig.value is not None:
        shown = number(fig.value / scale)
    else:
        assert fig.low is not None and fig.high is not None, "validated: a value or a range"
        shown = number_range(fig.low / scale, fig.high / scale)
    text = shown + (f" {head.strip()}" if head.strip() else "")
    if per.strip():
        text += per_text(per) if head.strip() else f" per {per.strip()}"
    if fig.currency:
        text = f"{fig.currency} {text}"
    notes = []
    if fig.value is not None and fig.low is not None and fig.high is not None:
        notes.append(f"range {number_range(fig.low / scale, fig.high / scale)}")
    if fig.estimate:
        notes.append("estimate")
    return COMPARATOR_WORDS[fig.comparator] + text + (f" ({', '.join(notes)})" if notes else "")


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


DESK_ASSESSMENT = "Desk assessment"
"""What the rating of the desk's own assessment reads: the Admiralty code rates information
from sources, and a credibility of 6 ("truth cannot be judged") would misdescribe it."""


def rating(claim: Claim, sources: dict[str, Source]) -> str:
    """Admiralty rating of a claim from its best visible source, e.g. ``B2``; the desk's own
    assessment (:attr:`~briefgen.model.models.Claim.by_desk`) reads :data:`DESK_ASSESSMENT`."""
    if claim.by_desk:
        return DESK_ASSESSMENT
    rels = sorted(s.reliability.value for sid in claim.sources if (s := sources.get(sid)))
    from briefgen.model.vocab import Reliability

    return admiralty(Reliability(rels[0]) if rels else None, claim.credibility)


def credibility_words(claim: Claim) -> str:
    """Admiralty credibility meaning, e.g. "probably true"; empty when not rated."""
    return CREDIBILITY.get(claim.credibility or 0, "")
