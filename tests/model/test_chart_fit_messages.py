"""The chart-too-small message counts what it names in words a reader expects."""

from __future__ import annotations

from briefgen.model.chart_fit import ChartFit, too_small_message


def test_one_item_is_named_in_the_singular_and_several_in_the_plural():
    one = too_small_message("b", "bar", ChartFit(1, 0, 1.2, "bars", False), 6.5, 0.5, "draw fewer")
    several = too_small_message("b", "bar", ChartFit(3, 1, 1.2, "bars", False), 6.5, 0.5, "draw fewer")
    assert one == "bar chart 'b' (6.5 x 0.5 in) has no room for its only bar. Set 'height: 1.2' (a page allows up " \
                  "to 9 in), or draw fewer"
    assert several.startswith("bar chart 'b' (6.5 x 0.5 in) draws 3 bars; at this size it holds about 1. ")
