"""Bars are never drawn thicker than MAX_BAR_IN: one or two bars in a tall chart stay bars, not
a slab filling the plot (tester: a single-bar chart of the public edition was one block)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pytest

from briefgen.charts import draw
from briefgen.charts.bar import BAR_SHARE, MAX_BAR_IN
from briefgen.model.models import ChartSpec
from briefgen.model.resolved import BarData, ResolvedChart


def bar_heights_in(n: int, height: float) -> tuple[list[float], float]:
    """The drawn thickness (inches) of each of ``n`` bars in a 6 x ``height`` in bar chart, and
    the plot's height (inches)."""
    data = BarData(tuple(f"Category {i}" for i in range(n)), tuple(float(100 * (i + 1)) for i in range(n)),
                   ("=",) * n, "USD millions")
    chart = ResolvedChart(spec=ChartSpec(id="fig-bar", kind="bar", title="Sums", width=6.0, height=height),
                          data=data, number=1, source_line="", alt="")
    fig = draw(chart)
    try:
        fig.canvas.draw()
        (ax,) = fig.axes
        return ([bar.get_window_extent().height / fig.dpi for bar in ax.patches],
                ax.get_window_extent().height / fig.dpi)
    finally:
        plt.close(fig)


@pytest.mark.parametrize("n,height", [(1, 3.0), (1, 5.0), (2, 4.0)])
def test_few_bars_are_capped(n, height) -> None:
    heights, _ = bar_heights_in(n, height)
    assert len(heights) == n and all(h == pytest.approx(MAX_BAR_IN, abs=0.01) for h in heights)


def test_many_bars_keep_their_share_of_the_row() -> None:
    heights, plot = bar_heights_in(12, 3.0)
    share = BAR_SHARE * plot / 12
    assert share < MAX_BAR_IN and all(h == pytest.approx(share, abs=0.005) for h in heights)
