"""Figures the editions can print and the charts can draw.

``figure-magnitude``: a claim figure's ``value``, ``low`` or ``high`` larger in magnitude than
:data:`briefgen.model.units.MAX_MAGNITUDE` (10^15 in its own unit). NaN and infinities never
get this far (the models refuse them); a huge finite number would be printed with invented
digits and, from about 1e150, stop the bar chart that draws it ("Axis limits cannot be NaN or
Inf"). Chart CSV numbers are held to the same limit where they are read
(:mod:`briefgen.load.csvdata`). One comparison per number: cheap at any knowledge-base size.
"""

from __future__ import annotations

from briefgen.errors import Problem
from briefgen.load.project import KnowledgeBase
from briefgen.model.units import MAX_MAGNITUDE, SCALES, parse_unit

_BIGGEST_SCALE = max(SCALES, key=SCALES.__getitem__)


def figure_problems(kb: KnowledgeBase) -> list[Problem]:
    """An error for each figure number of ``kb`` beyond :data:`MAX_MAGNITUDE`, located at it."""
    problems: list[Problem] = []
    for cid, claim in kb.claims.items():
        for i, fig in enumerate(claim.figures):
            for field in ("value", "low", "high"):
                number = getattr(fig, field)
                if number is None or abs(number) <= MAX_MAGNITUDE:
                    continue
                doc, base = kb.where("claims", cid)
                problems.append(doc.problem(
                    base + ("figures", i, field),
                    f"claim {cid!r} figure {fig.label!r}: {field} {number:g} is too large to print or chart "
                    f"exactly (numbers beyond {MAX_MAGNITUDE:g} lose digits); state it in a larger unit, or "
                    f"check it", expected=f"a number from {-MAX_MAGNITUDE:g} to {MAX_MAGNITUDE:g} in the "
                    f"figure's unit", got=f"{number:g}", suggestion=_in_larger_unit(number, fig.unit, fig.currency),
                    code="figure-magnitude"))
    return problems


def _in_larger_unit(number: float, unit: str, currency: str | None) -> str:
    """``number`` written in the largest scale word, e.g. ``3e+11 trillion tonnes``, when it is
    within the limit there; else "" (no unit makes it printable: the number is likely wrong)."""
    parsed = parse_unit(unit, currency)
    scaled = number * SCALES.get(parsed.scale, 1.0) / SCALES[_BIGGEST_SCALE]
    if parsed.scale == _BIGGEST_SCALE or abs(scaled) > MAX_MAGNITUDE:
        return ""
    larger = " ".join(x for x in (_BIGGEST_SCALE, parsed.base) if x) + (f"/{parsed.per}" if parsed.per else "")
    return f"{scaled:g} {larger}"
