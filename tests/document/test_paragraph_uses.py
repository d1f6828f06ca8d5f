"""Blocks of a rendered template with what it used while printing each (use spans)."""

from __future__ import annotations

from briefgen.document.paragraph_uses import blocks_with_uses
from briefgen.text.tokens import use_token

A = frozenset({("claim", "a")})
B = frozenset({("entity", "b")})


def span(n: int, text: str) -> str:
    return use_token(n, start=True) + text + use_token(n, start=False)


def test_each_block_gets_what_its_spans_used():
    text = f"P1 plain.\n\nP2 {span(0, 'value A')}.\n\n- item {span(1, 'B')}\n- other\n\nP4."
    assert blocks_with_uses(text, (A, B)) == [
        ("p", "P1 plain.", frozenset()), ("p", "P2 value A.", A), ("bullet", "item B", B),
        ("bullet", "other", frozenset()), ("p", "P4.", frozenset())]


def test_a_span_over_a_blank_line_marks_both_blocks():
    text = "P1 " + span(0, "A\n\nP2 still A") + " and more.\n\nP3."
    assert [used for _, _, used in blocks_with_uses(text, (A,))] == [A, A, frozenset()]


def test_a_span_that_printed_only_white_space_marks_the_blocks_on_either_side():
    text = f"P1.\n{span(0, '')}\nP1 line two.\n\nP2.\n\n{span(1, '  ')}\n\nP3."
    assert blocks_with_uses(text, (A, B)) == [("p", "P1.", A), ("p", "P1 line two.", A), ("p", "P2.", B),
                                              ("p", "P3.", B)]


def test_a_text_without_spans_is_split_as_paragraphs_does():
    assert blocks_with_uses("P1.\n\n- a", ()) == [("p", "P1.", frozenset()), ("bullet", "a", frozenset())]
