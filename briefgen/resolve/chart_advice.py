"""Chart size advice across audiences: one error per chart, naming every audience it fails
for, with a size that fits all of them.

Each audience is resolved with its own theme (chart text size, fonts, margins, paragraph
styles) and paper, so a chart can fit one audience and not another, and the size that fits
one (12 pt chart text) may still fail another (letter paper). While an audience is resolved,
:func:`note` keeps, beside each chart size error, how to test a size for that audience
(:class:`Advice`), and :func:`shown` which charts it shows. :func:`across_audiences` then
merges the errors of every audience: per chart (and code), the audiences that fail, or
"every audience" when all that show it fail, and a size found by testing each failing
audience's own rule (:mod:`briefgen.resolve.chart_size` for the content,
:mod:`briefgen.resolve.chart_page` for the page). ``validate`` merges after resolving every
audience, and a build that fails resolves the others to give the same error
(:mod:`briefgen.pipeline.chart_checks`)."""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from briefgen.errors import Problem
from briefgen.model.models import ChartSpec
from briefgen.model.network_fit import PAGE_TEXT_H, PAGE_TEXT_W

SIZE_CODES = ("chart-too-small", "chart-too-tall")
"""The codes of chart size errors: what :func:`across_audiences` merges."""
STEP_IN = 0.1
"""Inches: sizes are suggested in steps of this."""
AWAY = "would be printed on a page of its own, away from them"
"""What befalls a chart too tall for its page (:mod:`briefgen.resolve.chart_page`)."""


@dataclass(frozen=True)
class Advice:
    """How a chart size error of one audience may be mended: ``field`` (``"height"`` or
    ``"width"``), its ``current`` value and the ``most`` a page of this audience allows
    (inches); ``fits(size)`` True when the chart fits this audience at that value of
    ``field``; ``who`` what decides for this audience when its own theme does ("its theme
    'big.yaml': chart text 12 pt; the spec's: 8 pt"; "" for the spec's theme); ``base`` the
    error's message without an audience named in it; ``page`` (a chart too tall for its page)
    ``page(whom)``, the clause saying what this audience's page leaves ``whom`` (the chart
    named, the audiences named: :func:`briefgen.resolve.chart_page.page_clause`)."""

    audience: str
    field: str
    current: float
    most: float
    fits: Callable[[float], bool]
    who: str
    base: str = ""
    page: Callable[[str], str] | None = None


_NOTED: dict[int, tuple[Problem, Advice]] = {}
"""id(problem) -> (the problem, kept alive so its id stays its own; its advice): by identity, as two
audiences' errors can be equal."""
_SHOWN: dict[tuple[int, str], set[str]] = {}
_ROOM: dict[tuple[int, str, str], float] = {}
_OWNERS: dict[int, Callable[[], Any]] = {}
"""id(loaded spec) -> a reference to it: the tables above are keyed by the spec's id, which a spec
loaded later (``watch``, a batch, tests) may be given once the first is gone."""


def _key(loaded: Any) -> int:
    """``id(loaded)``, first forgetting what the tables hold under it for an earlier spec that had
    the same id."""
    key = id(loaded)
    owner = _OWNERS.get(key)
    if owner is None or owner() is not loaded:
        for shown_key in [k for k in _SHOWN if k[0] == key]:
            del _SHOWN[shown_key]
        for room_key in [k for k in _ROOM if k[0] == key]:
            del _ROOM[room_key]
        try:
            _OWNERS[key] = weakref.ref(loaded)
        except TypeError:  # no weak reference to it: keep it alive while it is noted
            _OWNERS[key] = (lambda kept: lambda: kept)(loaded)
    return key


def note(problem: Problem, advice: Advice) -> Problem:
    """Keep ``advice`` for ``problem`` (an audience's chart size error); returns ``problem``."""
    if len(_NOTED) > 256:  # the oldest half: those of the merge under way are the latest noted
        for old in list(_NOTED)[:128]:
            del _NOTED[old]
    _NOTED[id(problem)] = (problem, advice if advice.base else replace(advice, base=problem.message))
    return problem


def _advice_of(problem: Problem) -> Advice | None:
    entry = _NOTED.get(id(problem))
    return entry[1] if entry is not None and entry[0] is problem else None


def shown(loaded: Any, audience: str, chart_id: str, most_height: float) -> None:
    """Record that ``audience`` of ``loaded`` shows chart ``chart_id``, and the tallest it may
    be on that audience's page (inches)."""
    key = _key(loaded)
    if len(_SHOWN) > 64:  # forget earlier specs, never this one: its audiences are merged together
        for shown_key in [k for k in _SHOWN if k[0] != key]:
            del _SHOWN[shown_key]
        for room_key in [k for k in _ROOM if k[0] != key]:
            del _ROOM[room_key]
        for spec in [k for k in _OWNERS if k != key]:
            del _OWNERS[spec]
    _SHOWN.setdefault((key, audience), set()).add(chart_id)
    _ROOM[(key, audience, chart_id)] = most_height


def room(loaded: Any, audience: str, chart_id: str) -> float:
    """The tallest chart ``chart_id`` may be on ``audience``'s page (inches; the page's
    text height when not recorded)."""
    return _ROOM.get((_key(loaded), audience, chart_id), PAGE_TEXT_H)


def across_audiences(loaded: Any, failed: list[tuple[str, list[Problem]]], audiences: list[str],
                     only: str | None = None) -> list[Problem]:
    """The chart size errors of every audience in ``failed`` (``(audience, its errors)``, in
    the spec's order) merged: one per chart and code, naming the audiences it fails for (none
    when it fails for ``audiences``, every audience, alike), with a size that fits all of them.
    ``only``: keep the errors that concern this audience (a build of one audience)."""
    groups: dict[tuple, list[tuple[str, Problem]]] = {}
    for audience, problems in failed:
        for p in problems:
            groups.setdefault((p.file, p.line, p.key, p.code), []).append((audience, p))
    out = []
    for members in groups.values():
        if only is not None and only not in {a for a, _ in members}:
            continue
        out.append(_merged(loaded, members, audiences))
    return out


def _merged(loaded: Any, members: list[tuple[str, Problem]], audiences: list[str]) -> Problem:
    first = members[0][1]
    advices = [_advice_of(p) for _, p in members]
    if any(a is None for a in advices):  # not noted (another process, a memo cleared): as resolved
        return first
    known = [a for a in advices if a is not None]
    chart = chart_at(loaded, first)
    chart_id = chart.id if chart is not None else None
    key = _key(loaded)
    showing = [a for a in audiences if chart_id in _SHOWN.get((key, a), set())] if chart_id else []
    every = set(showing) <= {a.audience for a in known}
    if len(known) == 1 and every:
        return first  # as the audience's own resolving gave it
    if first.code == "chart-too-tall":
        worst = min(known, key=lambda a: a.most)
        return replace(first, message=_prefix(known, every) + _pages_message(known, worst, chart_id),
                       expected=f"height at most {worst.most:g}")
    worst, size = _common_size(known, loaded, chart_id)
    message = worst.base
    own = _suggested(worst)
    if size is not None and own is not None:
        message = message.replace(own[0], own[0].replace(own[1], f"{size:g}"), 1)
    elif size is None and len(known) > 1:
        message += f"; no {worst.field} a page allows fits them all: draw fewer items"
    return replace(first, message=_prefix(known, every) + message)


def _prefix(known: list[Advice], every: bool) -> str:
    """``for audiences 'a' (its theme 'big.yaml': chart text 12 pt; the spec's: 8 pt) and 'b': ``,
    ``for every audience (...): ``, or "" when every audience fails alike by the spec's theme."""
    whos = {a.who for a in known}
    if every:
        if whos == {""}:
            return ""
        if len(whos) == 1:
            return f"for every audience ({known[0].who}): "
    named = [f"{a.audience!r}" + (f" ({a.who})" if a.who else "") for a in known]
    if every:
        return f"for every audience ({'; '.join(named)}): "
    return f"for audience{'s' if len(named) > 1 else ''} {_listed(named)}: "


def _pages_message(known: list[Advice], worst: Advice, chart_id: str | None) -> str:
    """A chart too tall for the pages of ``known`` (each failing audience's advice): the tightest
    page's own message when they all have the same page, else what each page leaves (audiences
    with the same page together, the tightest first) and the height that fits them all."""
    pages: dict[str, list[Advice]] = {}
    for a in sorted(known, key=lambda a: a.most):  # stable: the spec's order among equal pages
        if a.page is None or chart_id is None:
            return worst.base
        pages.setdefault(a.page(""), []).append(a)
    if len(pages) == 1:
        return worst.base
    clauses = [_page_of(group[0])(_listed([repr(a.audience) for a in group])) for group in pages.values()]
    return (f"chart {chart_id!r} is {worst.current:g} in high, more than the pages it is printed on leave it: "
            f"{'; '.join(clauses)}; on each, the chart {AWAY}. Set 'height:' at most {worst.most:g}, which fits "
            f"them all")


def _page_of(advice: Advice) -> Callable[[str], str]:
    assert advice.page is not None, "every advice of a chart too tall has its page"
    return advice.page


def _listed(names: list[str]) -> str:
    """``'a'``, ``'a' and 'b'``, ``'a', 'b' and 'c'``."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


_SUGGESTED = (r"Set '{field}: ([\d.]+)'", r"set '{field}:' to about ([\d.]+) in", r"'{field}: ([\d.]+)'")


def _suggested(advice: Advice) -> tuple[str, str] | None:
    """(the phrase, its number) of the size ``advice``'s own message suggests, if any."""
    for pattern in _SUGGESTED:
        found = re.search(pattern.format(field=re.escape(advice.field)), advice.base)
        if found:
            return found.group(0), found.group(1)
    return None


def _common_size(known: list[Advice], loaded: Any, chart_id: str | None) -> tuple[Advice, float | None]:
    """The advice whose own suggestion is largest, and the least size (in :data:`STEP_IN`
    steps, from the largest suggestion) that fits every one of ``known``, up to what every
    failing audience's page allows; None when none does."""
    def own(a: Advice) -> float:
        found = _suggested(a)
        return float(found[1]) if found else a.current
    worst = max(known, key=own)
    field = worst.field
    most = min(min(a.most for a in known),
               *(room(loaded, a.audience, chart_id) for a in known if chart_id and field == "height"),
               PAGE_TEXT_H if field == "height" else PAGE_TEXT_W)
    size = round(max(own(a) for a in known), 2)
    while size <= most + 1e-9:
        if all(a.fits(size) for a in known):
            return worst, size
        size = round(size + STEP_IN, 2)
    return worst, None


def chart_at(loaded: Any, problem: Problem) -> Any | None:
    """The chart (a :class:`~briefgen.model.models.ChartSpec` of ``loaded``'s spec) whose ``height``
    or ``width`` ``problem`` is located at, None for a problem located elsewhere. A problem names
    the key as the file it cites writes it (a child's own path under ``extends``): the chart is
    found at the merged spec's key (:meth:`~briefgen.load.project.Layered.merged_key`)."""
    key = loaded.source.merged_key(problem.file, problem.key)
    if key is None or len(key) < 3 or key[-1] not in ("height", "width") or key[-3] != "charts":
        return None
    node: Any = loaded.spec
    for part in key[:-1]:
        if isinstance(part, int):
            node = node[part] if isinstance(node, list) and part < len(node) else None
        else:
            node = getattr(node, part, None)
        if node is None:
            return None
    return node if isinstance(node, ChartSpec) else None


def noted_size(problem: Problem, chart: Any, data: Any, loaded: Any, audience: tuple[str, Any] | None) -> Problem:
    """``problem`` (chart ``chart``'s content does not fit its size for ``audience``, ``(name,
    Audience)``, with ``data``) noted with how a size is tested for that audience; returns it."""
    from briefgen.resolve.chart_size import fit_problem
    from briefgen.resolve.chart_theme import chart_text, spec_font_size

    if audience is None:
        return problem
    text = chart_text(loaded, audience)
    found = fit_problem(chart, data, text.font_size, text.measure)
    if found is None:
        return problem
    field, base = found

    def fits(size: float) -> bool:
        again = fit_problem(chart.model_copy(update={field: size}), data, text.font_size, text.measure)
        return again is None or again[0] != field

    who = (f"its theme {text.theme!r}: chart text {text.font_size:g} pt; the spec's: {spec_font_size(loaded):g} pt"
           if text.audience else "")  # as ChartText.whose names it
    return note(problem, Advice(audience=audience[0], field=field, current=getattr(chart, field),
                                most=PAGE_TEXT_H if field == "height" else PAGE_TEXT_W, fits=fits, who=who,
                                base=base))
