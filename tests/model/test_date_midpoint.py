"""A date sits on a timeline at the middle day of the span it covers, whatever its precision."""

from __future__ import annotations

import datetime as dt

import pytest

from briefgen.model.vocab import PartialDate


@pytest.mark.parametrize(("written", "first", "last", "middle"), [
    ("2023", "2023-01-01", "2023-12-31", "2023-07-02"),          # 365 days: day 183
    ("2024", "2024-01-01", "2024-12-31", "2024-07-01"),          # leap year: earlier of the two middle days
    ("~2024", "2024-01-01", "2024-12-31", "2024-07-01"),         # approximation does not move it
    ("early 2023", "2023-01-01", "2023-04-30", "2023-03-01"),    # thirds of a year: Jan-Apr, May-Aug, Sep-Dec
    ("mid 2023", "2023-05-01", "2023-08-31", "2023-07-01"),
    ("late 2023", "2023-09-01", "2023-12-31", "2023-10-31"),
    ("2024-01", "2024-01-01", "2024-01-31", "2024-01-16"),
    ("2024-04", "2024-04-01", "2024-04-30", "2024-04-15"),
    ("2023-02", "2023-02-01", "2023-02-28", "2023-02-14"),
    ("2024-02", "2024-02-01", "2024-02-29", "2024-02-15"),
    ("early 2024-03", "2024-03-01", "2024-03-10", "2024-03-05"),  # thirds of a month: 1-10, 11-20, 21-end
    ("mid 2024-03", "2024-03-11", "2024-03-20", "2024-03-15"),
    ("late 2024-03", "2024-03-21", "2024-03-31", "2024-03-26"),
    ("late 2023-02", "2023-02-21", "2023-02-28", "2023-02-24"),
    ("2024-11-14", "2024-11-14", "2024-11-14", "2024-11-14"),
])
def test_every_precision_sits_at_the_middle_of_its_span(written, first, last, middle):
    date = PartialDate.parse(written)
    assert date.span() == (dt.date.fromisoformat(first), dt.date.fromisoformat(last))
    assert date.midpoint() == dt.date.fromisoformat(middle)
    lo, hi = date.span()
    # the middle day: as many days before it as after it, give or take one for an even-length span
    assert 0 <= (hi - date.midpoint()).days - (date.midpoint() - lo).days <= 1


@pytest.mark.parametrize("year", [1999, 2000, 2023, 2024])
@pytest.mark.parametrize("qualifier", [None, "early", "mid", "late"])
def test_qualified_spans_tile_their_year_and_months(year, qualifier):
    """The thirds of a year or month meet without gap or overlap, so each midpoint is inside its span."""
    prefix = f"{qualifier} " if qualifier else ""
    for written in [f"{prefix}{year}"] + [f"{prefix}{year}-{m:02d}" for m in range(1, 13)]:
        date = PartialDate.parse(written)
        lo, hi = date.span()
        assert lo <= date.midpoint() <= hi
    thirds = [PartialDate.parse(f"{q} {year}").span() for q in ("early", "mid", "late")]
    assert thirds[0][0] == dt.date(year, 1, 1) and thirds[-1][1] == dt.date(year, 12, 31)
    assert all(a[1] + dt.timedelta(days=1) == b[0] for a, b in zip(thirds, thirds[1:]))
