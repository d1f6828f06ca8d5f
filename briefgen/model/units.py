"""Units of figures: scale words, base units and rates, so charts compare like with like.

A figure's ``unit`` is read as ``[scale] [base][/per]``: ``million/year`` is a scale of 10^6
per year with no base (money, when the figure has a currency); ``thousand tonnes/year`` is
10^3 tonnes per year; ``percent`` is a base unit with no scale.
"""

from __future__ import annotations

from dataclasses import dataclass

SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
"""Scale words and their multipliers (short scale, as in USD billion = 10^9)."""

MAX_MAGNITUDE = 1e15
"""Largest magnitude of a figure (a claim's value, low or high) or a chart CSV number, in its
own unit. A float64 holds whole numbers exactly only up to 2^53 (about 9.007e15): a larger one
prints with invented digits (1e23 prints as 99,999,999,999,999,991,611,392), in the text and
on a bar's label alike, and beyond about 1e150 matplotlib cannot draw a bar at all. A larger
quantity reads better in a larger unit ('1.2 trillion' for 1.2e12)."""


def per_text(per: str) -> str:
    """How a rate's denominator follows its amount: `` per year`` for a word (``million/year``
    reads "million per year"), ``/s`` for a unit symbol (``m³/s`` stays "m³/s": "410 m³ per s"
    reads as no one writes it; also ``km/h``, ``t/ha``, ``kWh/m²``). A symbol is a denominator
    of one or two letters, or one holding anything but letters (a digit, ``²``, ``·``); a word
    has three or more letters only (``year``, ``day``, ``barrel``, ``kWh``). ``""`` for none."""
    per = per.strip()
    if not per:
        return ""
    return f" per {per}" if len(per) >= 3 and per.isalpha() else f"/{per}"


@dataclass(frozen=True)
class Unit:
    """A parsed unit: ``scale`` word ('' for none), ``base`` ('' for a pure amount of
    money or a count), ``per`` ('' unless a rate, e.g. 'year'), ``currency`` (ISO 4217 or '')."""

    scale: str
    base: str
    per: str
    currency: str

    @property
    def multiplier(self) -> float:
        return SCALES.get(self.scale, 1.0)

    @property
    def dimension(self) -> tuple[str, str]:
        """What must match for two figures to share an axis: currency and base unit."""
        return (self.currency, self.base)

    def label(self, scale: str | None = None) -> str:
        """Axis label, e.g. ``USD millions per year``, ``thousand tonnes``, ``m³/s`` (:func:`per_text`)."""
        scale = self.scale if scale is None else scale
        words = [self.currency] if self.currency else []
        if scale:
            words.append(scale + ("s" if self.currency and not self.base else ""))
        if self.base:
            words.append(self.base)
        text = " ".join(words) or "count"
        return text + per_text(self.per)


def parse_unit(unit: str, currency: str | None = None) -> Unit:
    """Read a figure's unit string (see module doc)."""
    head, _, per = unit.partition("/")
    words = head.split()
    scale = ""
    if words and words[0].lower().rstrip("s") in SCALES:
        scale = words[0].lower().rstrip("s")
        words = words[1:]
    return Unit(scale=scale, base=" ".join(words), per=per.strip(), currency=currency or "")


def scale_of(label: str) -> str:
    """The scale word an axis label names ('USD millions' -> 'million'), or ''."""
    for word in label.lower().replace("/", " ").split():
        if word.rstrip("s") in SCALES:
            return word.rstrip("s")
    return ""
