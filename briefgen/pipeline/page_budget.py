"""The page budget: which sections a variant leaves out to fit its audience's ``max_pages``.

The rule (README, "Page budget"): sections are kept most important first. Each section with
a ``priority`` (never an ``endnotes`` section, which the citations point to) is kept when the
briefing, with it, the sections of higher priority that were kept, and those without a
priority, fits; otherwise it is dropped, and the sections below it are still tried. So a
section is never dropped to make room for one of lower priority; one of lower priority can
stay where a larger one of higher priority did not fit. A sub-section counts with the lower
of its own priority and its parents' (it cannot outlast them), and goes before its parent on
a tie; otherwise, on a tie, the later section goes first.

A text is kept only with what its ``ref()`` names: a section whose text refers to a figure or
table the budget dropped is dropped too (its reason says so), and a section a kept text refers
to is not dropped while that text stays (so a figure a text without priority refers to is
never dropped). A ``ref()`` guarded by ``visible()`` names nothing when the figure is gone.

:func:`fit` finds the same sections as that rule with few layouts: it drops the lowest first
until the briefing fits, then tries again the sections dropped before the last one, most
important first, giving back each with which the briefing still fits.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from briefgen.errors import DroppedRefError, KeyPath, PageBudgetError
from briefgen.model.resolved import Briefing

BUDGET_REASON = "dropped to fit max_pages"
"""How every reason the budget gives starts (what :mod:`briefgen.pipeline.audit` and ``ref()``
look for)."""


class Paged(Protocol):
    """A layout: its page count."""

    pages: int


L = TypeVar("L", bound=Paged)


@dataclass(frozen=True)
class Droppable:
    """A section the budget may drop: its id, the priority it counts with (the lowest of its
    own and its enclosing sections'), and the enclosing sections' ids (outermost first)."""

    id: str
    priority: int
    ancestors: tuple[str, ...] = ()


@dataclass
class Fitted(Generic[L]):
    """What :func:`fit` kept: the last layout (it fits), the sections dropped in the order
    dropped, each with its reason, and the sections a kept text pins (id: the ``ref()`` error
    dropping it gave)."""

    laid: L
    dropped: dict[str, str]
    pinned: dict[str, DroppedRefError]


class Unfit(Exception, Generic[L]):
    """Nothing more can be dropped and the layout is still too long: ``fitted`` is where the
    budget stopped (its ``laid`` has too many pages)."""

    def __init__(self, fitted: Fitted[L]):
        super().__init__("over the page budget")
        self.fitted = fitted


def drop_order(briefing: Briefing) -> list[Droppable]:
    """The sections of ``briefing`` the budget may drop, the first to go first: lowest priority
    first (a sub-section's is at most its parent's), the later one on a tie. Sections without
    a priority and ``endnotes`` sections are not listed."""
    found: list[tuple[int, int, Droppable]] = []

    def walk(sections: tuple, ancestors: tuple[str, ...], cap: int | None) -> None:
        for rs in sections:
            own = rs.section.priority
            counted = own if cap is None else (cap if own is None else min(own, cap))
            if own is not None and rs.section.kind != "endnotes" and counted is not None:
                found.append((counted, -len(found), Droppable(rs.id, counted, ancestors)))
            walk(rs.subsections, ancestors + (rs.id,), counted)

    walk(briefing.sections, (), None)
    return [d for _, _, d in sorted(found, key=lambda t: (t[0], t[1]))]


def fit(order: list[Droppable], budget: int, lay_out: Callable[[dict[str, str]], L],
        referrer: Callable[[DroppedRefError], str | None] = lambda exc: None) -> Fitted[L]:
    """The sections to drop for the layout to have at most ``budget`` pages, by the module's
    rule. ``order``: :func:`drop_order`; ``lay_out(dropped)``: the layout with those sections
    left out (their reasons as values), raising :class:`DroppedRefError` when a kept text refers
    to a figure or table of a dropped section; ``referrer(error)``: the section whose text that
    is, None for one the budget never drops (a cover note). Raises :class:`Unfit` when dropping
    every section that may go is not enough."""
    dropped: dict[str, str] = {}
    pinned: dict[str, DroppedRefError] = {}
    by_id = {d.id: d for d in order}

    def pins(but: str = "") -> dict[str, DroppedRefError]:
        """The sections kept now only as a text still shown refers to them (other than ``but``)."""
        shown = {d.id for d in _shown(order, dropped)}
        return {sid: exc for sid, exc in pinned.items() if sid != but and sid in shown
                and ((who := referrer(exc)) is None or who not in by_id or who in shown)}

    laid = lay_out({})
    while laid.pages > budget:
        for victim in _shown(order, dropped):
            reason = _over(budget, laid.pages, list(pins(victim.id)))
            try:
                trial = lay_out({**dropped, victim.id: reason})
            except DroppedRefError as exc:  # a kept text refers to it: it stays while that text does
                pinned[victim.id] = exc
                continue
            pinned.pop(victim.id, None)
            dropped[victim.id], laid = reason, trial
            break
        else:
            raise Unfit(Fitted(laid, dropped, pins()))
    for sid in list(dropped)[-2::-1]:  # the last drop was needed; the others, most important first
        rest = {k: v for k, v in dropped.items() if k != sid}
        if any(a in rest for a in by_id[sid].ancestors):  # its parent stays dropped: it goes with it
            dropped = rest
            continue
        try:
            trial = lay_out(rest)
        except DroppedRefError as exc:
            dropped[sid] = (f"{BUDGET_REASON} {budget}: its text refers to {exc.figure!r}, of section "
                            f"{exc.section!r}, which the budget dropped")
            continue
        if trial.pages <= budget:
            dropped, laid = rest, trial
        else:
            dropped[sid] = _over(budget, trial.pages, list(pins(sid)))
    return Fitted(laid, dropped, pins())


def _shown(order: list[Droppable], dropped: dict[str, str]) -> list[Droppable]:
    """The sections of ``order`` still in the briefing (neither they nor a parent dropped)."""
    return [d for d in order if d.id not in dropped and not any(a in dropped for a in d.ancestors)]


def _over(budget: int, pages: int, pinned: list[str]) -> str:
    """The reason of a section dropped because, with it, the briefing had ``pages`` pages
    (``pinned``: the sections of lower priority kept as a kept text refers to them)."""
    but = f", but for {', '.join(map(repr, pinned))}, which a kept text refers to" if pinned else ""
    return (f"{BUDGET_REASON} {budget}: with it beside the higher-priority sections kept (and none of lower "
            f"priority{but}), the briefing had {pages} pages")


# --------------------------------------------------------------------------- the build's side
def fit_variant(loaded: Any, briefing: Briefing, render: Callable[[Briefing, tuple[str, ...]], Any],
                resolve_with: Callable[[dict[str, str]], Briefing]) -> tuple[Any, Briefing, dict[str, str]]:
    """``(variant, briefing, dropped)``: the variant of ``briefing`` that fits its audience's
    ``max_pages`` (laid out by ``render(briefing, dropped ids)``; ``resolve_with(dropped)``
    resolves the audience with those sections left out), its briefing, and the sections
    dropped with their reasons (also in the variant document's ``withheld``). Raises
    :class:`PageBudgetError` located at the audience's ``max_pages`` when it cannot fit."""
    budget = briefing.audience.max_pages
    assert budget is not None, "only an audience with a page budget is fitted"
    briefings: dict[int, Briefing] = {}

    def lay_out(dropped: dict[str, str]) -> Any:
        trial = resolve_with(dropped) if dropped else briefing
        variant = render(trial, tuple(dropped))
        briefings[id(variant)] = trial
        return variant

    def referrer(exc: DroppedRefError) -> str | None:
        if not exc.problems:
            return None
        where = exc.problems[0]  # located as written: a child's own key under 'extends'
        return _section_at(loaded.spec.sections, loaded.source.merged_key(where.file, where.key))

    try:
        fitted = fit(drop_order(briefing), budget, lay_out, referrer)
    except Unfit as exc:
        raise budget_error(loaded, briefing, exc.fitted) from None
    return (_with_reasons(fitted.laid, fitted.dropped, _outermost_titles(briefing, fitted.dropped)),
            briefings[id(fitted.laid)], fitted.dropped)


def fit_budget(loaded: Any, briefing: Briefing, render: Callable[..., Any],
               resolve_with: Callable[[dict[str, str]], Briefing], *, with_box: bool,
               pages_without_box: Callable[[], int]) -> tuple[Any, Briefing, dict[str, str], list[str]]:
    """``(variant, briefing, dropped, notes)``: the variant of ``briefing`` (resolved, its audience
    with a ``max_pages``) that fits the page budget, laid out by ``render(briefing, dropped ids,
    box lines=None)``. ``with_box`` (built ``--since``): the "What changed since" box yields
    first, shortened down to :data:`~briefgen.pipeline.editions.SHORTEST_BOX` lines
    (:func:`~briefgen.pipeline.editions.fit_change_box`); only then are sections dropped by
    priority (:func:`fit_variant`), beside the shortest box when the briefing laid out without
    a box (``pages_without_box()``) fits, with the note saying which sections the box took; the
    box then regrows into the room they left (:func:`_box_regrown`).
    Raises :class:`PageBudgetError` as :func:`fit_variant` does."""
    from briefgen.pipeline.editions import SHORTEST_BOX, crowded_out_note, fit_change_box

    variant, notes = fit_change_box(briefing, render) if with_box else (None, [])
    if variant is not None:
        return variant, briefing, {}, notes
    variant, fitted, dropped = fit_variant(loaded, briefing, render, resolve_with)
    if with_box and dropped:  # the change box may have taken a section's room
        bare = pages_without_box()
        if bare <= (briefing.audience.max_pages or 0):  # it did: the sections are fitted beside the shortest box
            variant, fitted, dropped = fit_variant(
                loaded, briefing, lambda trial, drops: render(trial, drops, SHORTEST_BOX), resolve_with)
            variant = _box_regrown(variant, fitted, dropped, render, _outermost_titles(briefing, dropped))
        notes = crowded_out_note(briefing, dropped, bare)  # those even the shortest box took
    return variant, fitted, dropped, notes


def _box_regrown(variant: Any, fitted: Briefing, dropped: dict[str, str], render: Callable[..., Any],
                 titles: tuple[tuple[str, str], ...]) -> Any:
    """``variant`` (laid out with the shortest "What changed since" box beside the sections
    ``dropped`` to fit) with the longest box that fits the room those sections left (a tester's
    partner edition: one line and "And 9 more changes." on 5 of its 6 pages): the box yields
    before a section, and takes back what room is left once sections have gone. ``variant``
    itself when no longer box fits."""
    from briefgen.pipeline.editions import fit_change_box

    drops = tuple(dropped)
    longer, _ = fit_change_box(fitted, lambda trial, _none, lines: render(trial, drops, lines))
    if longer is None:
        return variant
    return _with_reasons(longer, dropped, titles)


def _section_at(sections: Any, key: KeyPath | None) -> str | None:
    """The id of the section whose key ``key`` (of the merged spec) is or is under
    (``("sections", 2, "subsections", 0, "template")``: that subsection), None for a key outside
    ``sections`` (a cover note) or None."""
    if not key or key[0] != "sections":
        return None
    section = None
    for index in key:
        if isinstance(index, int):
            section = sections[index]
            sections = section.subsections
    return section.id if section is not None else None


def _outermost_titles(briefing: Briefing, dropped: dict[str, str]) -> tuple[tuple[str, str], ...]:
    """(id, title) of each section in ``dropped`` that no other dropped section holds, in the
    order dropped: what a reader is told the page budget left out (a sub-section goes with its
    parent's title)."""
    found: dict[str, str] = {}

    def walk(sections: tuple, inside_dropped: bool) -> None:
        for rs in sections:
            if rs.id in dropped and not inside_dropped:
                found[rs.id] = rs.title
            walk(rs.subsections, inside_dropped or rs.id in dropped)

    walk(briefing.sections, False)
    return tuple((sid, found[sid]) for sid in dropped if sid in found)


def _with_reasons(variant: Any, dropped: dict[str, str], titles: tuple[tuple[str, str], ...] = ()) -> Any:
    """``variant`` whose document records the sections dropped and each one's final reason: a
    section tried again after this layout was made may have a truer one, and a sub-section
    whose parent stayed dropped goes with it (the same layout), not on its own; ``titles``:
    (id, title) of the outermost of them (:attr:`Document.dropped_titles`)."""
    doc = variant.document
    withheld = tuple((kind, ident, dropped[ident], tlp) if kind == "section" and ident in dropped
                     and reason.startswith(BUDGET_REASON) else (kind, ident, reason, tlp)
                     for kind, ident, reason, tlp in doc.withheld)
    if withheld == doc.withheld and doc.dropped == tuple(dropped) and doc.dropped_titles == titles:
        return variant
    doc = dataclasses.replace(doc, withheld=withheld, dropped=tuple(dropped), dropped_titles=titles)
    return dataclasses.replace(variant, document=doc)


def budget_error(loaded: Any, briefing: Briefing, fitted: Fitted) -> PageBudgetError:
    """The error of a variant that does not fit its ``max_pages`` after every drop
    (``fitted``: where the budget stopped), located at the audience's ``max_pages``: by how
    much, the pages each of its longest sections is on, what was dropped, and the fix."""
    budget, laid = briefing.audience.max_pages, fitted.laid
    assert budget is not None, "an error of a page budget: the audience has one"
    spans = sorted(((last - first + 1, sid, first, last) for sid, (first, last) in laid.section_pages.items()),
                   key=lambda span: -span[0])
    longest = ", ".join(f"{sid!r} (page {first})" if first == last else f"{sid!r} (pages {first}-{last})"
                        for _, sid, first, last in spans[:3])
    text = (f"audience {briefing.audience_name!r} of briefing {briefing.meta.id!r} has {_pages(laid.pages)}, "
            f"{laid.pages - budget} over its max_pages of {budget}. Sections spanning the most pages: {longest}.")
    if fitted.pinned:
        text += " Kept as a kept text refers to them (ref()): " + ", ".join(
            f"{sid!r} (at {err.problems[0].location()})" if err.problems else repr(sid)
            for sid, err in fitted.pinned.items()) + "."
    if fitted.dropped:
        text += (f" That is after dropping {', '.join(map(repr, fitted.dropped))}; raise max_pages to "
                 f"{laid.pages}, or shorten what is left.")
    elif fitted.pinned:
        text += f" Raise max_pages to {laid.pages}, or shorten what is left."
    else:
        text += (f" Give sections a 'priority' so briefgen can drop the least important, "
                 f"or raise max_pages to {laid.pages}.")
    if briefing.audience.cover and laid.pages == budget + 1:  # the page no priority drops (tester: max_pages 1)
        text += " The cover takes a page of its own: 'cover: false' puts a compact title block on page 1 instead."
    key = ("audiences", briefing.audience_name, "max_pages")
    return PageBudgetError([loaded.source.problem(key, text, expected=f"at most {_pages(budget)}",
                                                  got=_pages(laid.pages), code="page-budget")])


def _pages(n: int) -> str:
    """``1 page``, ``2 pages``."""
    return f"{n} page" + ("" if n == 1 else "s")
