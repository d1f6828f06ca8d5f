"""Which templates are marked paragraph by paragraph, and the use spans a marked render writes."""

from __future__ import annotations

import pytest

from briefgen.text.inline import paragraph_spans, paragraphs
from briefgen.text.paragraph_marks import marks_paragraphs
from briefgen.text.tokens import use_token


@pytest.mark.parametrize("template,expected", [
    ("P1.\n\nP2 {{ claim('a').statement }}.", True),
    ("P2 {% if visible('a') %}{{ claim('a').statement }}{% endif %}.\n\nP3.", True),
    ("P2 {% if claim('a').likelihood %}guarded\n\nP3{% endif %}", False),   # a test deciding a later paragraph
    ("P2 {% if claim('a').likelihood %}\nguarded{% endif %}", True),   # trim_blocks: no line break is printed
    ("{% set a = claim('a') %}P1.\n\nP2 {{ a }}", False),
    ("{% for c in ['a'] %}{{ claim(c) }}{% endfor %}", False),
    ("{% macro m() %}{{ claim('a') }}{% endmacro %}{{ m() }}", False),
    ("{% filter upper %}{{ claim('a') }}{% endfilter %}", False),
    ("{% with a = claim('a') %}{{ a }}{% endwith %}", False),
    ("{% if x %}\n\nP{% endif %}{% else %}", False),  # does not parse: marked as a whole
    ("P1.\n{% if visible('a') %}\n- b {{ claim('a') }}\n- c\n{% endif %}\nP3", True),  # the test uses nothing
    ("{% if visible('a') and audience.tlp == 'TLP:AMBER' %}\nx\n\ny{% else %}\nz\n{% endif %}", True),
    ("{% if not visible('a') %}\nx\n\ny{% endif %}", True),
    ("{% if visible(claim('a').id) %}\nx\n\ny{% endif %}", False),  # a use inside the test
    ("{% if briefing.keywords %}\nx\n\ny{% endif %}", False),  # reading keywords records their items
    ("{% if visible('a') | length %}\nx\n\ny{% endif %}", False),  # a filter: not judged
    ("{% if visible('a') %}\nx\n{% elif claim('b').likelihood %}\ny\n\nz{% endif %}", False),
    ("{% if visible('a') %}\nx {% if claim('b').likelihood %}y\n\nz{% endif %}\n{% endif %}", False),
])
def test_which_templates_are_marked_paragraph_by_paragraph(template, expected):
    assert marks_paragraphs(template) is expected


@pytest.mark.parametrize("text", [
    "  P1 ordinary.\n\nP2\n- a\n  continued\n- b\nafter\n\n\n  P3  \n",
    "a\u2028b\n\nc\r\nd",
    "- x\n\n   - y\n  z",
    "",
])
def test_paragraph_spans_are_the_paragraphs_with_their_ranges(text):
    spans = paragraph_spans(text)
    assert [(kind, block) for kind, block, _ in spans] == paragraphs(text)
    for _, block, (start, end) in spans:
        for line in block.split("\n"):
            assert line in text[start:end]
    ranges = [r for _, _, r in spans]
    assert ranges == sorted(ranges) and all(a[1] <= b[0] for a, b in zip(ranges, ranges[1:]))


def test_a_use_token_is_two_private_use_marks_around_a_signed_number():
    assert use_token(12, start=True) == "\ue002+12\ue003"
    assert use_token(3, start=False) == "\ue002-3\ue003"
