"""Chart labels cut into lines: long words hyphenated on lines of their own, cut with an ellipsis."""

from __future__ import annotations

from briefgen.model.labelwrap import wrap_lines
from briefgen.model.network_fit import NODE_LINES, NODE_WRAP, wrapped


def test_a_long_word_is_broken_with_a_hyphen_on_lines_of_its_own():
    assert wrap_lines("Directorate of Counterintelligence Operations", 12) == [
        "Directorate", "of", "Counterinte-", "lligence", "Operations"]
    assert all(len(line) <= 12 for line in wrap_lines("Supercalifragilisticexpialidocious x", 12))


def test_lines_beyond_the_limit_are_cut_with_an_ellipsis():
    lines = wrap_lines("word " * 60, 20, max_lines=3)
    assert len(lines) == 3 and lines[-1].endswith("…") and len(lines[-1]) <= 20


def test_a_network_box_holds_at_most_its_lines_however_long_the_name():
    lines = wrapped("Source " + "Cobalt Lantern " * 20)
    assert len(lines) == NODE_LINES and all(len(line) <= NODE_WRAP for line in lines)
    assert wrapped("PeruRail") == ["PeruRail"]
