"""How many entities a network chart holds legibly: the rule ``validate`` and ``build`` apply
before anything is drawn (pure: no matplotlib; the chart draws by the same constants).

A network chart draws every entity as a box holding its name (wrapped at NODE_WRAP
characters) and every relation as a smaller box holding its predicate, and shrinks the
text, down to LEGIBLE_PT points, until the boxes can be laid out apart. A layout that
keeps the lines between them readable gets the boxes apart while they cover at most FILL
of the drawing area (measured on generated networks of 50-90 entities with 1.25
relations each on a page: up to 0.42 every one was drawn with its boxes apart; from
~0.45 some kept boxes touching). So a
chart fits when its boxes at LEGIBLE_PT, estimated from the characters of their texts
(:func:`box_area`; average glyph CHAR_EM of the size, as measured for the default font
within ~10 %), cover at most FILL of the area the chart gets on the page
(:func:`drawing_area`): its width and height, scaled down as the page scales a figure
wider than PAGE_TEXT_W or taller than PAGE_TEXT_H, less the title and legend.

Units: inches, and points for font sizes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from briefgen.model.labelwrap import wrap_lines

LEGIBLE_PT = 6.0     # points: the smallest size entity names are drawn at
PREDICATE_RATIO = 0.88  # predicate labels are drawn at this much of the names' size ...
PREDICATE_MIN_PT = 5.5  # ... and at least this
NODE_WRAP = 18       # characters: entity names wrap at this width ...
NODE_LINES = 4       # ... in at most this many lines
BOX_PAD = 0.05       # inches of padding inside an entity box
GAP = 0.06           # inches kept between boxes
CHAR_EM = 0.55       # average glyph width, in ems
LINE_EM = 1.05       # line height, in ems
FILL = 0.42          # most of the drawing area the boxes may cover
PAGE_TEXT_W = 6.5    # inches: a figure wider than this is scaled down on the page ...
PAGE_TEXT_H = 9.0    # ... and one taller than this
CHROME_H = 0.7       # inches of the chart taken by its title, legend and margins
CHROME_W = 0.12      # inches of its width taken by margins


def wrapped(name: str) -> list[str]:
    """An entity name as its box shows it: lines of at most NODE_WRAP characters, at most
    NODE_LINES of them (a longer name is cut with an ellipsis; the text names it in full)."""
    return wrap_lines(name, NODE_WRAP, NODE_LINES)


def box_area(names: Sequence[str], predicates: Sequence[str], size: float = LEGIBLE_PT) -> float:
    """Square inches the boxes of entities named ``names`` and of relations with
    ``predicates`` cover at name size ``size`` points, each with GAP around it (estimated
    from their characters; see the module's docstring)."""
    em = size / 72
    total = 0.0
    for name in names:
        lines = wrapped(name)
        w = CHAR_EM * em * max(len(line) for line in lines) + 2 * BOX_PAD
        h = LINE_EM * em * len(lines) + 2 * BOX_PAD
        total += (w + GAP) * (h + GAP)
    small = max(size * PREDICATE_RATIO, PREDICATE_MIN_PT) / 72
    for predicate in predicates:
        w = CHAR_EM * small * len(predicate.replace("-", " ")) + 0.04
        total += (w + GAP) * (small + 0.02 + GAP)
    return total


def drawing_area(width: float, height: float) -> tuple[float, float]:
    """Width and height in inches, as printed, of the drawing area of a ``width`` x
    ``height`` inch network chart (scaled down to the page's text width and height)."""
    scale = min(1.0, PAGE_TEXT_W / width, PAGE_TEXT_H / height)
    return max(width * scale - CHROME_W, 0.0), max(height * scale - CHROME_H, 0.0)


@dataclass(frozen=True)
class Fit:
    """How a network chart's boxes compare with its room: ``need`` and ``room`` in square
    inches (room = FILL of the drawing area), ``fits``: how many entities of this chart's
    average (with its average share of relations) the room holds."""

    entities: int
    relations: int
    need: float
    room: float
    fits: int

    @property
    def ok(self) -> bool:
        """The boxes fit in the room."""
        return self.need <= self.room + 1e-9


def network_fit(names: Sequence[str], predicates: Sequence[str], width: float, height: float) -> Fit:
    """The :class:`Fit` of a network chart of ``width`` x ``height`` inches drawing entities
    named ``names`` and relations with ``predicates``."""
    w, h = drawing_area(width, height)
    room = FILL * w * h
    need = box_area(names, predicates)
    per_entity = need / len(names) if names else 0.0
    fits = int(room / per_entity) if per_entity > 0 else 0
    return Fit(len(names), len(predicates), need, room, fits)


def _sq_in(value: float) -> str:
    return f"{value:.1f}" if value < 10 else f"{value:.0f}"


def too_many_message(chart_id: str, fit: Fit, width: float, height: float) -> str:
    """The error for a network chart that does not fit (see :func:`network_fit`): how many
    entities it draws, how many fit, and only remedies that draw fewer entities or give them
    more room (a ``select: {limit: N}`` limits claims, not entities, so it is not offered;
    a chart larger than the page is printed scaled down, so sizes above it are not offered)."""
    larger = [f"'{key}:' up to {most:g} in" for key, value, most in (("width", width, PAGE_TEXT_W),
                                                                       ("height", height, PAGE_TEXT_H))
              if value < most]
    bigger = f"; a larger chart holds more ({', '.join(larger)}, the page's most)" if larger else ""
    scale = min(1.0, PAGE_TEXT_W / width, PAGE_TEXT_H / height)
    scaled = (f" (printed scaled down to {width * scale:.3g} x {height * scale:.3g} in: a page holds at most "
              f"{PAGE_TEXT_W:g} x {PAGE_TEXT_H:g} in, so a larger size holds no more)") if scale < 1.0 else ""
    return (f"network chart {chart_id!r} draws {fit.entities} entities and {fit.relations} relations; a "
            f"{width:g} x {height:g} in chart{scaled} holds about {fit.fits} of these entities with their "
            f"relations legibly (at {LEGIBLE_PT:g} pt their boxes need ~{_sq_in(fit.need)} sq in; the chart has "
            f"~{_sq_in(fit.room)} sq in for them). Draw fewer: list the at most {fit.fits} to draw under "
            f"'entities:', or narrow 'select:' to claims about fewer entities (e.g. 'tags:', 'entities:', "
            f"'date_from:'), or split the chart in two{bigger}")
