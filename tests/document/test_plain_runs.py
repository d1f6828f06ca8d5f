"""Inline text with nothing the markup reads is one plain run without being read as markup
(briefgen.document.runs: a claim's statement, 10,000 times in a long claims table), and the runs
of a text without citation or reference makers are read once."""

from __future__ import annotations

import re

import pytest

from briefgen.document import runs
from briefgen.document.model import LineBreak, Link, Text

TEXTS = [
    "Plain words about a port.", "AT&T <b> &amp; 0.1 <A <0.9", "a *b* c", "**bold** text",
    "x [link](https://example.org) y", "see https://example.org/a.", "back\\*slash", "under_score_ words",
    "line one\u2028line two", "\ue010 private", "tab\tand  spaces ", "&copy; x", "quotes \"q\" 's'",
    "mailto:x@example.org", "a :// b", "Tom <tom@example.org>", "\u0645\u0631\u062d\u0628\u0627 Arabic",
]


@pytest.mark.parametrize("text", TEXTS)
def test_the_plain_path_gives_what_reading_the_markup_gives(text, monkeypatch):
    quick = runs._plain_runs(text)
    monkeypatch.setattr(runs, "_MARKUP_SIGNS", re.compile(r"[\s\S]"))  # every text read as markup
    assert quick == runs._plain_runs(text)


def test_only_text_without_markup_signs_takes_the_plain_path():
    assert runs._plain_runs("AT&T <b> 50% of it") == [Text("AT&T <b> 50% of it")]
    assert runs._plain_runs("a *b* c") == [Text("a "), Text("b", italic=True), Text(" c")]
    assert runs._plain_runs("go [there](https://example.org)") == [Text("go "), Link("there", "https://example.org")]
    assert runs._plain_runs("one\u2028two") == [Text("one"), LineBreak(), Text("two")]


def test_token_free_runs_are_read_once_and_shared():
    text = "A statement read for its table row and again for the edition record."
    first = runs.inline_runs(text)
    assert runs.inline_runs(text) is first
    assert first == (Text(text),)
    cited = runs.inline_runs(text, cite=lambda ids: None)  # with makers: read every time
    assert cited == first and cited is not first
