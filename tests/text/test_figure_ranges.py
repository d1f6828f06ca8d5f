"""A range's two bounds at one precision, in text and on the dot-range chart (tester: a claim of
3.0 to 3.6 billion printed "EUR 3-3.6 billion")."""

from __future__ import annotations

import pytest

from briefgen.model.chart_numbers import point_note
from briefgen.model.models import Figure
from briefgen.model.resolved import RangePoint
from briefgen.text.fmt import figure, number_range


@pytest.mark.parametrize("low,high,text", [
    (3.0, 3.6, "3.0-3.6"), (2800, 3400, "2,800-3,400"), (1.25, 1.5, "1.25-1.50"), (1, 2, "1-2"),
    (0.5, 12, "0.5-12.0"), (1300.5, 2000, "1,300.5-2,000.0"),
])
def test_number_range(low, high, text) -> None:
    assert number_range(low, high) == text


@pytest.mark.parametrize("fields,text", [
    ({"low": 3000, "high": 3600, "unit": "million", "currency": "EUR"}, "EUR 3.0-3.6 billion"),
    ({"low": 2800, "high": 3400, "unit": "million", "currency": "USD"}, "USD 2.8-3.4 billion"),
    ({"value": 3300, "low": 3000, "high": 3600, "unit": "million", "currency": "EUR"},
     "EUR 3.3 billion (range 3.0-3.6)"),
    ({"low": 5, "high": 7.5, "unit": "km"}, "5.0-7.5 km"),
])
def test_a_figure_range_is_written_at_one_precision(fields, text) -> None:
    assert figure(Figure(label="x", **fields)) == text


def test_the_dot_range_note_matches() -> None:
    assert point_note(RangePoint("g", "who", None, 3.0, 3.6, "=", False)) == "3.0-3.6"
    assert point_note(RangePoint("g", "who", 3.3, 3.0, 3.6, "~", True)) == "~3.3 (3.0-3.6) est."
