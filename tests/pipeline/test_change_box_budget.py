"""The "What changed since" box against a page budget, with layouts stood in for
(:func:`briefgen.pipeline.editions.fit_change_box`, :func:`~briefgen.pipeline.editions.crowded_out_note`)."""

from __future__ import annotations

from types import SimpleNamespace

from briefgen.pipeline.editions import SHORTEST_BOX, crowded_out_note, fit_change_box


def briefing(max_pages: int = 2):
    figures = SimpleNamespace(id="figures", section=SimpleNamespace(title="Timeline, network and money"),
                              subsections=())
    return SimpleNamespace(audience=SimpleNamespace(max_pages=max_pages), audience_name="executive",
                           sections=(figures,))


class Layouts:
    """``render(briefing, dropped, box lines)``: pages = 2 while the box has at most ``fits``
    lines (None: the full box of ``total`` lines), else 3; each call recorded."""

    def __init__(self, total: int, fits: int):
        self.total, self.fits, self.calls = total, fits, []

    def __call__(self, _briefing, dropped, lines):
        from briefgen.document.changes import ChangeSummary
        from briefgen.document.model import Uses

        self.calls.append((dropped, lines))
        shown = min(self.total, 12) if lines is None else min(lines, self.total)
        box = ChangeSummary("changes", "Sect", Uses(), "TLP:CLEAR", "", items=tuple(range(shown)),
                            lines=tuple(f"line {n}" for n in range(self.total)))
        document = SimpleNamespace(blocks=lambda: iter((box,)))
        return SimpleNamespace(pages=2 if shown <= self.fits else 3, document=document, lines=lines)


def test_a_box_that_fits_is_kept_whole_with_one_layout():
    render = Layouts(total=6, fits=6)
    variant, notes = fit_change_box(briefing(), render)
    assert (variant.lines, notes, render.calls) == (None, [], [((), None)])


def test_the_box_is_shortened_to_the_longest_that_fits():
    render = Layouts(total=10, fits=7)
    variant, notes = fit_change_box(briefing(), render)
    assert variant.lines == 7
    assert notes == ['executive: the "What changed since" box lists 6 of its 10 changes (its last line counts the '
                     'rest) to fit max_pages 2 without leaving out a section; --json and briefgen diff list them all']
    assert [lines for _, lines in render.calls][:2] == [None, SHORTEST_BOX]
    assert all(dropped == () for dropped, _ in render.calls) and len(render.calls) <= 5


def test_when_even_the_shortest_box_does_not_fit_the_budget_decides():
    render = Layouts(total=10, fits=SHORTEST_BOX - 1)
    assert fit_change_box(briefing(), render) == (None, [])
    assert [lines for _, lines in render.calls] == [None, SHORTEST_BOX]


def test_a_box_too_short_to_shorten_is_left_to_the_budget():
    render = Layouts(total=SHORTEST_BOX, fits=0)
    assert fit_change_box(briefing(), render) == (None, [])
    assert render.calls == [((), None)]


def test_the_build_names_the_section_the_box_crowded_out():
    reasons = {"figures": "dropped to fit max_pages 2: ..."}
    assert crowded_out_note(briefing(), reasons, 2) == [
        "executive: the \"What changed since\" box took the room of section(s) 'figures' (Timeline, network and "
        "money), left out to fit max_pages 2: without the box the briefing fits in 2 page(s) with them; raise "
        "max_pages or build without --since to keep them"]
    assert crowded_out_note(briefing(), reasons, 3) == []  # too long without the box too: not the box's doing
    assert crowded_out_note(briefing(), {}, 2) == []
