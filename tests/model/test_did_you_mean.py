"""The did-you-mean rules: ids only for a near miss; names also for a choice with a common ending."""

from __future__ import annotations

import pytest

from briefgen.errors import did_you_mean, near_id

IDS = ["src-herald", "src-fdd-report", "c-owner", "perurail", "china-minmetals", "c1", "c-teu-2023", "c-teu-2024"]


@pytest.mark.parametrize(("written", "offered"), [
    ("src-fdd-reprot", "src-fdd-report"),   # two letters swapped
    ("c-onwer", "c-owner"),
    ("china-minmetal", "china-minmetals"),  # one letter left out
    ("Peru_Rail", "perurail"),              # case, '-' and '_' only
    ("c-teu-2025", "c-teu-2024"),           # a tie: difflib's order
    ("src-nowhere", None),                  # only the shared 'src-' is alike
    ("peru-gov", None),
    ("src-fdd", None),
    ("c2", None),                           # every character but the prefix differs
])
def test_ids_are_offered_for_near_misses_only(written: str, offered: str | None) -> None:
    assert near_id(written, IDS) == offered


@pytest.mark.parametrize(("written", "offered"), [
    ("barchart", "bar"), ("bar-chart", "bar"), ("bars", "bar"), ("Line_Graph", "line"),
    ("stacked-bar-chart", "bar"), ("timelinechart", "timeline"), ("timline", "timeline"), ("pie", None),
])
def test_a_choice_with_a_common_ending_is_offered(written: str, offered: str | None) -> None:
    assert did_you_mean(written, ["bar", "line", "timeline", "network", "table", "dot-range"]) == offered
