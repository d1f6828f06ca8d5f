"""The chart-too-small message counts what it names in words a reader expects."""

from __future__ import annotations

from briefgen.model.chart_fit import ChartFit, too_small_message


def test_one_item_is_named_in_the_singular_and_several_in_the_plural():
    one = too_small_message("b", "bar", ChartFit(1, 0, 1.2, "bars", False), 6.5, 0.5, "draw fewer")
    several = too_small_message("b", "bar", ChartFit(3, 1, 1.2, "bars", False), 6.5, 0.5, "draw fewer")
    assert one == "bar chart 'b' (6.5 x 0.5 in) has no room for its only bar. Set 'height: 1.2' (a page allows up " \
                  "to 9 in), or draw fewer"
    assert several.startswith("bar chart 'b' (6.5 x 0.5 in) draws 3 bars; at this size it holds about 1. ")


def test_a_narrow_chart_is_told_the_width_that_holds_it_only_when_a_page_allows_it():
    from briefgen.model.chart_fit import Across, dot_range_width_message

    near = Across(left=1.9, right=2.6, least=1.0, widest="Harbour Gazette, March 2025")
    far = Across(left=4.0, right=3.5, least=1.0, widest="A very long publisher, March 2025")
    assert dot_range_width_message("d", near, 3.0) == (
        "dot-range chart 'd' (3 in wide): the source labels and values leave 0.70 in for the axis, which needs 1 in. "
        "Set 'width: 3.3' (a page allows up to 6.5 in), or shorten the labels (the widest: 'Harbour Gazette, March "
        "2025'; a source's 'publisher:' or a figure's 'label:')")
    assert dot_range_width_message("d", far, 6.0).startswith(
        "dot-range chart 'd' (6 in wide): the source labels and values leave 0.00 in for the axis, which needs 1 in, "
        "and no width a page allows (up to 6.5 in) holds them: shorten the labels (the widest: 'A very long")
    assert not near.ok and not far.ok and Across(1.0, 2.0, 1.0, "").ok
