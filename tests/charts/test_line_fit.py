"""The line chart's axis, computed without matplotlib (:mod:`briefgen.model.axis_ticks`,
used by ``validate`` through :mod:`briefgen.model.line_fit`), is matplotlib's: the same
autoscaled limits and the same ticks, over many ranges; so validate measures the y tick
labels the chart draws."""

from __future__ import annotations

import math
import random

import pytest
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from briefgen.model.axis_ticks import autoscaled, tick_values
from briefgen.model.line_fit import Y_BINS, y_limits, y_tick_labels
from briefgen.model.resolved import LineData


def ranges() -> list[tuple[float, float]]:
    rng = random.Random(18)
    found = [(0.0, 1.0), (0.0, 1.08), (-0.055, 0.055), (0.0, 1e-9), (1e6, 1e6 + 3), (-5.0, 5.0), (0.0, 999.0),
             (2.0, 2.0), (-1e12, 3e12), (0.1, 0.7), (1990.0, 2024.0), (-3.5, -0.25)]
    for _ in range(400):
        scale = 10 ** rng.uniform(-6, 9)
        lo = rng.uniform(-1, 1) * scale
        found.append((lo, lo + rng.choice([rng.uniform(1e-4, 3), rng.uniform(1, 100)]) * scale))
    return found


def test_ticks_are_maxnlocators() -> None:
    locator = MaxNLocator(nbins=Y_BINS)
    differ = [(lo, hi) for lo, hi in ranges() if tick_values(lo, hi, Y_BINS) != list(locator.tick_values(lo, hi))]
    assert differ == []


def matplotlib_ylim(series: list[list[float]]) -> tuple[float, float]:
    ax = Figure().add_axes((0.1, 0.1, 0.8, 0.8))
    for ys in series:
        ax.plot(range(len(ys)), ys)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=Y_BINS))
    return ax.get_ylim()


@pytest.mark.parametrize("seed", range(40))
def test_autoscaled_limits_are_matplotlibs(seed: int) -> None:
    rng = random.Random(seed)
    scale = 10 ** rng.uniform(-3, 7)
    series = [[rng.uniform(-1, 1) * scale if rng.random() > 0.1 else math.nan for _ in range(rng.randint(1, 12))]
              for _ in range(rng.randint(1, 3))]
    assert autoscaled([y for ys in series for y in ys]) == matplotlib_ylim(series)


@pytest.mark.parametrize("series", [[[math.nan, math.nan]], [[-4.0, -4.0]], [[0.0, -1e-300]], [[-2.5, 7.0]]],
                         ids=["all-missing", "one-negative-value", "tiny", "mixed"])
def test_edge_cases_are_matplotlibs(series) -> None:
    assert autoscaled([y for ys in series for y in ys]) == matplotlib_ylim(series)


def test_labels_are_those_drawn() -> None:
    data = LineData(("2023", "2024"), (("TEU", (380.0, 481.0)),), "Year", "thousand TEU")
    assert y_limits(data) == (0.0, 481.0 * 1.08)
    assert y_tick_labels(data) == ["0", "100", "200", "300", "400", "500"]
    negative = LineData(("a", "b", "c"), (("", (-1.5, 0.25, math.nan)),), "", "")
    assert y_limits(negative) == pytest.approx((-1.5875, 0.3375))  # 5 % of the span beyond the data
    assert y_tick_labels(negative) == ["-1.2", "-0.8", "-0.4", "0"]  # -1.6 and 0.4 lie outside
