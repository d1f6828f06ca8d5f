"""briefgen.compat.xmlescape gives what xml.sax.saxutils gives, for every mix of special characters."""

import itertools
from xml.sax import saxutils

import pytest

from briefgen.compat.xmlescape import escape, quoteattr

ALPHABET = "a&<>\"'\n\t"
CASES = ["".join(p) for n in range(4) for p in itertools.product(ALPHABET, repeat=n)]


@pytest.mark.parametrize("entities", [None, {'"': "&quot;"}, {"a": "&#97;"}])
def test_same_as_saxutils(entities):
    for text in CASES:
        assert escape(text, entities) == saxutils.escape(text, entities or {})
        assert quoteattr(text, entities) == saxutils.quoteattr(text, entities or {})


def test_known_values():
    assert escape("AT&T <b>") == "AT&amp;T &lt;b&gt;"
    assert quoteattr('say "hi"') == "'say \"hi\"'"
    assert quoteattr("it's \"x\"") == '"it\'s &quot;x&quot;"'
    assert quoteattr("a\nb") == '"a&#10;b"'
