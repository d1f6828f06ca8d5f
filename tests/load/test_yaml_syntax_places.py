"""YAML syntax errors named where the fix is, in every variant of a mistake (the bad-input
corpus holds one case of each; these are the variations around it)."""

from __future__ import annotations

import pytest

from briefgen.errors import SpecError
from briefgen.load import yamlsrc


def problem(text: str):
    with pytest.raises(SpecError) as caught:
        yamlsrc.loads(text, "x.yaml")
    (found,) = caught.value.problems
    return found


@pytest.mark.parametrize(("text", "line", "column", "fix"), [
    # the first key of a list item without its ':', at any depth, with any key after it
    ("claims:\n  - id c-one\n    statement: Text.\n", 2, 5, "'- id: c-one'"),
    ("a:\n  b:\n    - name The port\n      kind: place\n", 3, 7, "'- name: The port'"),
    # a key without its ':' whose text YAML reads as the value of the key above it
    ("a:\n  id x\n  b: c\n", 2, 3, "'id: x'"),
])
def test_a_key_without_its_colon_is_named_on_its_own_line(text, line, column, fix) -> None:
    p = problem(text)
    assert (p.line, p.column) == (line, column), p
    assert "a ':' followed by a space is missing" in p.message and fix in p.expected


def test_a_key_indented_under_a_value_is_named_on_its_line_with_the_key_it_should_align_with() -> None:
    p = problem("claim:\n  credibility: 2\n   tags: [a]\n")
    assert (p.line, p.column) == (3, 8)
    assert p.expected == ("'tags: [a]' indented as the key above it ('credibility:' at column 3), "
                          "or the value above in quotes")


@pytest.mark.parametrize(("text", "meant"), [
    ("name: 'Lima's port'\n", '"Lima\'s port"'),
    ('name: "He said "no" twice"\n', "'He said \"no\" twice'"),
    ('title: "Issue #3 of "Trade" weekly"\n', "'Issue #3 of \"Trade\" weekly'"),  # '#3' is no comment
])
def test_a_value_whose_own_quotes_hold_the_same_quote_is_offered_its_text_quoted_right(text, meant) -> None:
    p = problem(text)
    assert p.line == 1 and p.expected == f"the whole value in quotes, e.g. {meant}"


def test_a_tab_after_a_colon_does_not_hide_the_mistake_further_on() -> None:
    """libyaml reads a tab between a key's ':' and its value; PyYAML's pure-Python loader, which
    words the messages, stops at it: the message is about the mistake that made the file unreadable."""
    assert yamlsrc.loads("desk:\tLatin America Desk\n", "x.yaml").data == {"desk": "Latin America Desk"}
    p = problem("desk:\tLatin America Desk\nsources:\n  - id src-one\n    title: A report\n")
    assert (p.line, p.column) == (3, 5) and "'- id: src-one'" in p.expected


@pytest.mark.parametrize("char", ["@", "`", "%"])
def test_a_reserved_first_character_is_told_with_the_value_quoted(char) -> None:
    p = problem(f"title: {char}handle\n")
    assert (p.line, p.column) == (1, 8)
    assert p.expected == f'the whole value in quotes, e.g. "{char}handle"'


def test_a_bracket_left_open_is_named_at_the_bracket_not_a_list_that_spans_lines() -> None:
    """A '[' never closed swallows the keys below it: named at the bracket. A list written over several
    lines, indented under its key, with a mistake inside keeps the message at the mistake."""
    p = problem("claim:\n  tags: [a, b\n  date: 2025\n")
    assert (p.line, p.column) == (2, 9) and p.message.startswith("the '[' opened at line 2, column 9 is never closed")
    p = problem("tags: [a, b,\n       c d: e: f]\n")
    assert p.line == 2 and "never closed" not in p.message


def test_an_unclosed_quote_before_a_comment_line_names_the_quote() -> None:
    p = problem('a:\n  title: "Port of Lima\n  # the "old" name\n  kind: place\n')
    assert (p.line, p.column) == (2, 10)
    assert "never closed on its line: the text runs on to the first quote of line 3" in p.message


@pytest.mark.parametrize(("text", "line", "opener"), [
    ("sections:\n  - id: bluf\n    template: |\n    The port opened in 2024.\n    title: Bottom line\n", 4,
     "template: |"),
    ("a:\n  note: >-\n  Text here\n", 3, "note: >-"),
    ("a:\n  description:\n  The port was opened in 2024.\n  b: 1\n", 3, "description:"),
])
def test_text_under_its_key_not_indented_is_told_to_indent_not_to_add_a_colon(text, line, opener) -> None:
    p = problem(text)
    assert p.line == line and f"under {opener!r}" in p.message
    assert p.expected.startswith("the text indented further than") and "e.g. '" not in p.expected


def test_a_single_quote_left_open_before_a_comment_with_an_apostrophe_names_the_quote() -> None:
    p = problem("a:\n  title: 'Port of Lima  # it's the old name\n  kind: place\n")
    assert (p.line, p.column) == (2, 10) and "is not closed before the comment (# it's the old name)" in p.message
    meant = """"'Port of Lima'  # it's the old name\""""
    assert p.expected.startswith(f"a closing quote (') before the comment, e.g. {meant}")


@pytest.mark.parametrize(("text", "line", "key"), [
    ("briefing\n  id: x\n  title: y\nsections: []\n", 1, "briefing"),    # read as 'briefing id' at line 2
    ("briefing:\n  id: x\nsections\n  - id: a\n", 3, "sections"),
])
def test_a_key_without_its_colon_above_its_block_is_named_on_its_line(text, line, key) -> None:
    p = problem(text)
    assert (p.line, p.column) == (line, 1) and p.expected == f"'{key}:'"
    assert "a ':' is missing after the key, whose value is the indented block below it" in p.message


@pytest.mark.parametrize(("text", "line", "column"), [
    ("briefing:\n  desk:\u00a0Latin America Desk\n  title: T\n", 2, 8),     # after the key's ':'
    ("briefing:\n\u00a0 desk: Latin America Desk\n  title: T\n", 2, 1),    # in the indentation
])
def test_a_no_break_space_where_yaml_needs_a_space_is_named(text, line, column) -> None:
    p = problem(text)
    assert (p.line, p.column) == (line, column)
    assert p.message.startswith("a no-break space (U+00A0) where YAML needs a plain space")
    assert p.expected.startswith("a plain space")
    p = problem("a:\n  - \u00a0b: x\u00a0y\n  c\n")  # inside a key or value it is text: not blamed
    assert p.line == 3 and "no-break" not in p.message
