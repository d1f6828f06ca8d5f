"""The page room of a chart (briefgen.model.page_frame): frame sizes from the paper and the
theme's margins, and what the layout keeps with a chart, added up as ReportLab does."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefgen.load.theme import load_theme
from briefgen.model import page_frame
from briefgen.model.chart_fit import estimate_size


@pytest.fixture(scope="module")
def theme():
    # the built-in theme: margins 68/62/70/70 pt, h1 14/18 pt, caption 8.5/11.5 pt
    return load_theme(None, Path(__file__).parent)


def test_the_frame_is_the_paper_less_the_margins(theme) -> None:
    assert page_frame.frame_size(theme, "letter") == pytest.approx((612 - 140, 792 - 130))
    assert page_frame.frame_size(theme, "A4") == pytest.approx((595.2756 - 140, 841.8898 - 130), abs=1e-3)
    assert page_frame.frame_size(theme, None) == page_frame.frame_size(theme, "A4")  # the theme's page.size
    with pytest.raises(ValueError):
        page_frame.frame_size(theme, "legal")


def test_lines_wrap_greedily_at_spaces() -> None:
    def measure(text, size, bold=False, linespacing=None):  # every character 0.1 in wide
        return len(text) * 0.1, size / 72

    assert page_frame.line_count("", 72, 10, False, measure) == 0
    assert page_frame.line_count("aaaa bbbb", 72, 10, False, measure) == 1  # 0.9 in = 64.8 pt
    assert page_frame.line_count("aaaa bbbb cc", 72, 10, False, measure) == 2
    assert page_frame.line_count("a" * 30, 72, 10, False, measure) == 1  # a long word: a line of its own


def test_the_room_adds_the_heading_gap_caption_and_source_as_reportlab_does(theme) -> None:
    heading = page_frame.Paragraph("Figures", "h1")
    caption = page_frame.Paragraph("Figure 1. Money", "caption")
    source = page_frame.Paragraph("Source: X.", "source_line")
    room = page_frame.figure_room(theme, "letter", 6.5, heading, caption, source, estimate_size)
    # heading 18 pt + its 6 pt after (its 14 pt before is dropped at the top of the frame);
    # gap 4; caption 4 before + 11.5 + 1 after; source line max(0 - 1, 0) before + 10
    assert (room.heading, room.below, room.scale) == pytest.approx((24.0, 4 + 4 + 11.5 + 1 + 10, 1.0))
    assert room.most_height == pytest.approx(int((662 - 24 - 30.5) / 72 * 100) / 100)
    bare = page_frame.figure_room(theme, "letter", 6.5, None, caption, source, estimate_size)
    assert bare.heading == 0 and bare.most_height > room.most_height
    a4 = page_frame.figure_room(theme, "A4", 6.5, heading, caption, source, estimate_size)
    assert a4.scale == pytest.approx((595.2756 - 140) / 468, abs=1e-4)  # printed narrower, so lower too
    assert a4.most_height == pytest.approx(int((711.8898 - 54.5) / a4.scale / 72 * 100) / 100, abs=0.011)
    assert page_frame.keeps_with_next(theme, "h1") and not page_frame.keeps_with_next(theme, "body")
