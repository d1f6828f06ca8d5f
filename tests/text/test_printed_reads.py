"""What a template error says the briefing would have read: a None refused by ``~``, a filter or a
format quotes the text that would have been printed (``'a' ~ none`` would read 'aNone', not 'None';
``none | upper`` 'NONE'), or says 'None' would stand in the value's place when that cannot be
worked out (``'%d' % none``)."""

from __future__ import annotations

import pytest

from briefgen.errors import TemplateError
from briefgen.resolve.select import resolve
from briefgen.text.printcheck import EXCERPT
from briefgen.text.templates import Renderer, TemplateSource

NONE = "{% set x = none %}"


def render(prepared, text: str, audience: str = "analyst") -> str:
    b = resolve(prepared.loaded, prepared.kb, audience)
    return Renderer(b, prepared.kb).render(TemplateSource(text, "specs/peru-china.yaml", 40, "section 'test'",
                                                          "sections[9].template"))


def refused(prepared, text: str) -> TemplateError:
    with pytest.raises(TemplateError) as info:
        render(prepared, text)
    (problem,) = info.value.problems
    assert (problem.file, problem.line, problem.key) == ("specs/peru-china.yaml", 40, "sections[9].template")
    return info.value


@pytest.mark.parametrize(("template", "reads"), [
    ("{{ 'a' ~ x }}", "aNone"),
    ("{{ x ~ ' and ' ~ 1.0 }}", "None and 1"),
    ("{{ x | upper }}", "NONE"),
    ("{{ x | lower }}", "none"),
    ("{{ x | center(9) }}", "   None  "),
    ("{{ x | wordcount }}", "1"),
    ("{{ ['a', x] | join(', ') }}", "a, None"),
    ("{{ [1, x] | string }}", "[1, None]"),
    ("{{ 'ab' | replace('a', x) }}", "Noneb"),
    ("{{ 'Report: %s.' % x }}", "Report: None."),
    ("{{ '%s and %s' % ('a', x) }}", "a and None"),
    ("{{ 'The {} port'.format(x) }}", "The None port"),
    ("{{ 'The %s port' | format(x) }}", "The None port"),
])
def test_the_message_quotes_what_the_briefing_would_read(prepared, template, reads) -> None:
    exc = refused(prepared, NONE + template)
    assert exc.code == "template-prints-none"
    assert f", the briefing would read {reads!r}." in exc.problems[0].message


def test_what_cannot_be_worked_out_is_not_quoted(prepared) -> None:
    message = refused(prepared, NONE + "{{ '%d items' % x }}").problems[0].message
    assert "formatted, the briefing would show 'None' in its place." in message
    assert "would read" not in message


def test_a_long_text_is_quoted_around_the_none(prepared) -> None:
    message = refused(prepared, NONE + "{{ 'y' * 100 ~ x ~ 'z' * 100 }}").problems[0].message
    quoted = message.split("the briefing would read '")[1].split("'")[0]
    assert quoted == "…" + "y" * 30 + "None" + "z" * (EXCERPT - 34) + "…"
