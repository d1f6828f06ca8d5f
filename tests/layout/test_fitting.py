"""One line of canvas text shortened to a width (briefgen.layout.fitting): word boundaries, the
ellipsis, a tail kept whole, scripts without spaces, graphemes, widths as drawn."""

from __future__ import annotations

import pytest
from conftest import REPO

from briefgen.layout.fitting import ELLIPSIS, fit_line, measure_with
from briefgen.layout.fonts import load_fontset
from briefgen.load.theme import load_theme


def per_char(text: str) -> float:
    """Every character 1 pt wide: widths are character counts."""
    return float(len(text))


@pytest.fixture(scope="module")
def fonts():
    return load_fontset(load_theme(None, REPO))


def test_text_that_fits_is_returned_as_it_is() -> None:
    assert fit_line("Calder Bay", 10, per_char) == "Calder Bay"
    assert fit_line("", 0, per_char) == ""


def test_a_long_line_is_cut_at_a_word_boundary_and_ends_with_an_ellipsis() -> None:
    text = "Calder Bay: A New Quay, a Busy Port and an Open Concession"
    assert fit_line(text, 24, per_char) == "Calder Bay: A New Quay…"  # the comma before the cut goes
    assert fit_line(text, 25, per_char) == "Calder Bay: A New Quay…"  # "Quay, a" and the ellipsis are 26
    assert fit_line(text, 26, per_char) == "Calder Bay: A New Quay, a…"
    assert fit_line(text, 12, per_char) == "Calder Bay…"


def test_a_tail_is_kept_whole_and_the_cut_is_made_before_it() -> None:
    footer = "Ports and Maritime Infrastructure Desk, Western Estmark Regional Office · 6 May 2025"
    shortened = fit_line(footer, 52, per_char, tail=" · 6 May 2025")
    assert shortened == "Ports and Maritime Infrastructure Desk… · 6 May 2025"  # the desk's comma goes too
    assert fit_line(footer, 51, per_char, tail=" · 6 May 2025") == "Ports and Maritime Infrastructure… · 6 May 2025"
    # no room for the tail even with an ellipsis alone before it: the whole line is cut like any other
    assert fit_line(footer, 12, per_char, tail=" · 6 May 2025") == "Ports and…"


def test_a_single_word_too_long_is_cut_between_characters_never_inside_a_grapheme() -> None:
    assert fit_line("Concessionaires", 8, per_char) == "Concess…"
    combining = "e\u0301" * 10  # e + COMBINING ACUTE ACCENT: one grapheme of two characters
    cut = fit_line(combining, 6, per_char)
    assert cut == "e\u0301e\u0301" + ELLIPSIS  # 5 characters, the next grapheme would make 7
    assert fit_line("\U0001F1F5\U0001F1EA" * 3, 4, per_char) == "\U0001F1F5\U0001F1EA…"  # a flag is not split


def test_han_text_is_cut_between_ideographs() -> None:
    title = "秘鲁与中国：钱凯港的开放与南美洲贸易路线的改变"
    assert fit_line(title, 6, per_char) == "秘鲁与中国…"
    assert fit_line(title, 7, per_char) == "秘鲁与中国…"  # the full-width colon is stripped before the ellipsis
    assert fit_line(title, 9, per_char) == "秘鲁与中国：钱凯…"


def test_nothing_fits_gives_an_empty_line() -> None:
    assert fit_line("Calder Bay", 0.5, per_char) == ""
    assert fit_line("Calder Bay", 1, per_char) == ELLIPSIS
    assert fit_line("Calder Bay", 3, per_char, ellipsis="...") == "..."


def test_widths_are_measured_as_drawn_fallback_and_arabic_included(fonts) -> None:
    measure = measure_with(fonts, 8)
    for text in ("Calder Bay: A New Quay, a Busy Port and an Open Concession, pressing for a Decision",
                 "秘鲁与中国：钱凯港的开放与南美洲贸易路线的改变，以及美国的回应和地区各国的立场" * 2,
                 "قال وزير الخارجية محمد جواد ظريف في عام 2020 إن حلف شمال الأطلسي لا يزال قويا وإن التعاون مستمر"):
        full = measure(text)
        for width in (full * 0.25, full * 0.5, full * 0.8):
            cut = fit_line(text, width, measure)
            assert cut.endswith(ELLIPSIS) and measure(cut) <= width, (text, width)
            kept = cut[:-1]
            assert text.startswith(kept), "a start of the text, in written order"
            assert measure(_next_start(text, kept) + ELLIPSIS) > width, "the longest start that fits"


def _next_start(text: str, kept: str) -> str:
    """The start of ``text`` one word (or, without spaces, one character) longer than ``kept``."""
    n = len(kept)
    while n < len(text) and not text[n].isspace() and text[n] in ",;:，：":
        n += 1  # punctuation stripped before the ellipsis
    if n < len(text) and text[n].isspace():
        end = text.find(" ", n + 1)
        return text if end < 0 else text[:end]
    return text[:n + 1]


def test_arabic_keeps_its_first_words_whole(fonts) -> None:
    measure = measure_with(fonts, 8)
    text = "قال وزير الخارجية محمد جواد ظريف في عام 2020 إن حلف شمال الأطلسي لا يزال قويا"
    cut = fit_line(text, measure(text) / 2, measure)
    kept = cut[:-1]
    assert kept and text.startswith(kept) and text[len(kept)] == " "  # cut before a space: whole words
    assert fonts.split_runs(cut)[0] == ("NotoSans-Regular", ELLIPSIS)  # drawn at the line's left: its visual end
