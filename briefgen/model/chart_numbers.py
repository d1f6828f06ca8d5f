"""How the charts write numbers: tick and value labels (``1,300``, ``2.5``), a figure's
comparator prefix (``>``, ``~``) and a dot-range row's value note (``~3,600 est.``). Pure, so
the fit rules (:mod:`briefgen.model.chart_fit`, :mod:`briefgen.model.line_fit`) measure
the very texts the charts draw."""

from __future__ import annotations

from briefgen.model.resolved import RangePoint
from briefgen.model.vocab import COMPARATOR_WORDS

COMPARATOR_PREFIX = {"=": "", "": "", ">": ">", ">=": "≥", "<": "<", "<=": "≤", "~": "~"}
"""Prefix drawn before a value for a figure comparator ('>' reads "more than")."""


def format_number(value: float) -> str:
    """Thousands separators; integers without decimals, others with up to 2 (``1,300``,
    ``2.5``)."""
    if float(value).is_integer():
        return f"{int(value):,}"
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return text


def format_range(low: float, high: float) -> str:
    """``low-high`` with both bounds at one precision, the finer of the two as
    :func:`format_number` writes them: ``3.0-3.6`` (not ``3-3.6``), ``2,800-3,400``."""
    shown = [format_number(low), format_number(high)]
    places = max(len(t.partition(".")[2]) for t in shown)
    if places:
        shown = [f"{v:,.{places}f}" for v in (low, high)]
    return "-".join(shown)


def point_note(p: RangePoint) -> str:
    """A dot-range row's value as the source gave it: ``1,300``, ``~3,600 est.``,
    ``2,800-3,400``, ``>1``."""
    if p.value is not None:
        text = COMPARATOR_PREFIX.get(p.comparator, "") + format_number(p.value)
        if p.low is not None and p.high is not None:
            text += f" ({format_range(p.low, p.high)})"
    else:
        text = format_range(p.low or 0.0, p.high or 0.0)
    return text + (" est." if p.estimate else "")


def point_words(p: RangePoint) -> str:
    """A dot-range row's value in words, for alternative text read aloud: ``1,300``,
    ``about 3,600 (estimate)``, ``2,800 to 3,400``, ``more than 1``, ``1,300 (range 1,200 to
    1,400)``; :func:`point_note` is what the chart draws (``~3,600 est.``), whose ``~``, ``-``
    and ``est.`` a screen reader reads as "tilde", "minus" or a word it does not know."""
    if p.value is not None:
        text = COMPARATOR_WORDS.get(p.comparator, "") + format_number(p.value)
        notes = [f"range {format_range(p.low, p.high).replace('-', ' to ')}"] \
            if p.low is not None and p.high is not None else []
    else:
        text, notes = format_range(p.low or 0.0, p.high or 0.0).replace("-", " to "), []
    if p.estimate:
        notes.append("estimate")
    return text + (f" ({', '.join(notes)})" if notes else "")
