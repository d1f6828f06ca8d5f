"""The pure layout rules that keep chart text apart and inside the figure: legends and key
lines flow into rows and wrap (:mod:`briefgen.model.legend_fit`), axis ticks are thinned
until their labels do not overlap (:func:`briefgen.model.axis_ticks.fitting_ticks`,
:func:`briefgen.model.line_fit.x_ticks`), and a bar chart's labels leave its bars a width
(:mod:`briefgen.model.bar_fit`). Measured with the estimate validate falls back on."""

from __future__ import annotations

import pytest

from briefgen.model.axis_ticks import fitting_ticks, tick_values
from briefgen.model.bar_fit import bar_across, bar_width_message
from briefgen.model.chart_fit import estimate_size
from briefgen.model.legend_fit import flow_legend, marks_legend, wrap_to_width
from briefgen.model.line_fit import x_ticks
from briefgen.model.resolved import BarData, LineData

NAMES = ["Imports from the People's Republic of China", "Exports to the United States", "Re-exports"]


def test_a_name_that_fits_is_left_alone_and_a_long_one_wrapped_to_the_width() -> None:
    assert wrap_to_width("Re-exports", 2.0, 12, estimate_size) == "Re-exports"
    wrapped = wrap_to_width(NAMES[0], 1.5, 12, estimate_size)
    assert wrapped == "Imports from the\nPeople's\nRepublic of\nChina"  # "People's Republic" is 1.53 in
    assert estimate_size(wrapped, 12)[0] <= 1.5


def test_legend_entries_flow_into_rows_no_wider_than_the_room() -> None:
    wide = flow_legend(NAMES, 20.0, 10, estimate_size, handle=0.4, spacing=0.2)
    assert [e.row for e in wide.entries] == [0, 0, 0] and wide.fits
    narrow = flow_legend(NAMES, 3.0, 10, estimate_size, handle=0.4, spacing=0.2, row_gap=0.05)
    assert [e.row for e in narrow.entries] == [0, 1, 2]
    assert [e.x for e in narrow.entries] == [0.0, 0.0, 0.0]
    assert narrow.width <= 3.0 and narrow.fits
    assert "\n" in narrow.entries[0].text  # the first name, alone wider than the room, wrapped
    line_h = estimate_size("0", 10)[1]
    assert narrow.row_tops == pytest.approx((0.0, 2 * line_h + 0.05, 3 * line_h + 0.1))
    assert narrow.height == pytest.approx(4 * line_h + 0.1)


def test_marks_legend_lists_levels_in_order() -> None:
    assert marks_legend(["TLP:AMBER", "", "TLP:GREEN"], "TLP:CLEAR") == \
        "(GREEN) = TLP:GREEN, (AMBER) = TLP:AMBER; unmarked: TLP:CLEAR"
    assert marks_legend(["", ""], "TLP:CLEAR") == ""


def apart(ticks: list[float], lo: float, hi: float, length: float, label_w: float, gap: float) -> bool:
    at = [(t - lo) / (hi - lo) * length for t in ticks]
    return all(b - a >= label_w + gap for a, b in zip(at, at[1:]))


@pytest.mark.parametrize("length", [6.0, 2.0, 0.9, 0.4, 0.1])
def test_ticks_thin_until_their_labels_do_not_overlap(length) -> None:
    ticks = fitting_ticks(0.0, 13.0, length, lambda _v: 0.3, 0.05, nbins=6, min_n_ticks=3)
    assert ticks and apart(ticks, 0.0, 13.0, length, 0.3, 0.05)
    assert all(0.0 <= t <= 13.0 for t in ticks)
    if length == 6.0:  # room for them all: MaxNLocator's own
        assert ticks == [t for t in tick_values(0.0, 13.0, 6, 3) if t <= 13.0]
    if length == 0.9:
        assert ticks == [0.0, 8.0]  # MaxNLocator(nbins=2)


def test_x_labels_drawn_are_every_kth_from_the_last() -> None:
    data = LineData(tuple(f"2024-{m:02d}" for m in range(1, 13)), (("TEU", tuple(range(12))),), "", "")
    assert x_ticks(data, 0.5, 12.0, 9, estimate_size) == list(range(12))
    narrow = x_ticks(data, 0.5, 3.0, 9, estimate_size)
    assert narrow[-1] == 11 and len(narrow) < 12
    steps = {b - a for a, b in zip(narrow, narrow[1:])}
    assert len(steps) == 1  # evenly spaced
    assert x_ticks(data, 0.5, 1.0, 9, estimate_size) == [11]


def test_a_bar_chart_too_narrow_for_its_labels_is_refused_at_its_width_with_one_that_holds_them() -> None:
    data = BarData(("Chancay port phase 1 (COSCO Shipping Ports, 60% stake)", "Las Bambas copper mine"),
                   (65.0, 1300.0), ("=", ">"), "USD millions")
    across = bar_across(data, 2.2, 1.5, 12, estimate_size)
    assert across is not None and not across.ok
    message = bar_width_message("fig-bar", across, 1.5, lambda w: bar_across(data, 2.2, w, 12, estimate_size))
    assert message.startswith("bar chart 'fig-bar' (1.5 in wide): the category labels leave 0.00 in")
    width = float(message.split("Set 'width: ")[1].split("'")[0])
    fits = bar_across(data, 2.2, width, 12, estimate_size)
    assert fits is not None and fits.ok
    narrower = bar_across(data, 2.2, width - 0.1, 12, estimate_size)
    assert narrower is not None and not narrower.ok  # the least that holds them
