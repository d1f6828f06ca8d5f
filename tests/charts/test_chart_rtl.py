"""Charts refuse right-to-left labels (matplotlib would draw them unjoined and backwards)."""

from __future__ import annotations

import pytest
from conftest import REPO

from briefgen.charts import render_pdf
from briefgen.charts.style import ChartStyle
from briefgen.errors import FontCoverageError
from briefgen.model.models import ChartSpec
from briefgen.model.resolved import BarData, ResolvedChart

ARABIC_FONT = REPO / "assets" / "fonts" / "NotoSansArabic-Regular.ttf"


def _bar(title: str, label: str) -> ResolvedChart:
    return ResolvedChart(spec=ChartSpec(id="fig-bar", kind="bar", title=title), number=1,
                         data=BarData(("Chancay port", label), (65, 1300), ("=", "="), "USD millions"),
                         source_line="Source: test", alt="")


@pytest.mark.parametrize(("title", "label"), [("Revenue", "محمد جواد ظريف"), ("הכנסות", "Las Bambas")])
def test_right_to_left_label_is_a_located_error(title: str, label: str) -> None:
    # the style has a font with the glyphs: the refusal is about order and shaping, not coverage
    style = ChartStyle(font_files=(str(REPO / "assets" / "fonts" / "NotoSans-Regular.ttf"), str(ARABIC_FONT),
                                   str(REPO / "assets" / "fonts" / "NotoSansHebrew-Regular.ttf")))
    with pytest.raises(FontCoverageError) as err:
        render_pdf(_bar(title, label), style)
    message = str(err.value)
    assert message.startswith("chart 'fig-bar' (bar, ")
    assert "right-to-left scripts (Arabic, Hebrew, Persian) are not supported" in message
    assert repr(title if title == "הכנסות" else label) in message and "write it in Latin script" in message
    # remedies that work: a timeline claim's label, a network entity's name (no alias is drawn)
    assert "a timeline claim's 'label:'" in message and "a network entity's 'name:'" in message
