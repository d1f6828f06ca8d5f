"""Issue 17, item 3: a template cannot exhaust memory or time. Every way of building much
more than it is given -- padding and precision in formatting, repetition, joining,
replacing, filters, nested loops, recursion, output -- is refused with a located error,
with little memory and within the sandbox's step budget (counted, not timed: no clock decides
a test), and ordinary templates are untouched."""

from __future__ import annotations

import tracemalloc

import pytest

from briefgen.errors import TemplateSecurityError
from briefgen.resolve.select import resolve
from briefgen.text.templates import Renderer, TemplateSource

HOSTILE = [
    # printf-style formatting: width, precision, '*' widths, a mapping used many times
    "{{ '%0999999999d' % 1 }}", "{{ '%.999999999f' % 1.0 }}", "{{ '%*d' % (999999999, 1) }}",
    "{{ '%-999999999s' % 'x' }}", "{{ '%(a)s' * 900 % {'a': 'x' * 10000} }}",
    "{{ '%0999999999d' | format(1) }}", "{{ '%s%s' | format('x' * 600000, 'y' * 600000) }}",
    # str.format and format_map, nested fields, a field repeated
    "{{ '{:0999999999d}'.format(1) }}", "{{ '{:>{w}}'.format('x', w=999999999) }}",
    "{{ '{0}{0}{0}'.format('x' * 500000) }}", "{{ '{a:^999999999}'.format_map({'a': 1}) }}",
    # padding and repetition
    "{{ 'x' | center(10**9) }}", "{{ 'x'.ljust(10**9) }}", "{{ 'x'.rjust(10**9) }}", "{{ '1'.zfill(10**9) }}",
    "{{ ('x\t' * 1000).expandtabs(10**6) }}", "{{ 'x' * 10**10 }}", "{{ ['x' * 100000] * 1000 }}",
    "{{ 'x'.encode() * 10**9 }}", "{{ (10**100) ** 1000 }}",
    # joining and replacing
    "{{ ('y' * 100000).join('x' * 100000) }}", "{{ (['x' * 100000] * 10) | join('y' * 100000) }}",
    "{{ ('x' * 100000).replace('x', 'y' * 100) }}", "{{ ('x' * 1000) | replace('', 'y' * 10000) }}",
    "{{ ('x' * 1000000).translate({120: 'y' * 1000}) }}",
    # filters that pad, wrap or fill
    "{{ ('x\\n' * 100000) | indent(1000) }}", "{{ ('a ' * 100000) | wordwrap(1, wrapstring='y' * 1000) }}",
    "{{ [1] | batch(10**9, 0) | list }}", "{{ [1] | slice(10**9) | list }}",
    "{{ ([[0] * 1000] * 1000) | sum(start=[]) }}", "{{ {'a': [1] * 1000} | tojson(indent=10**6) }}",
    "{{ lipsum(10**6) }}",
    # doubling in a loop, by '~', '+' and '*'
    "{% set ns = namespace(s='x') %}{% for i in range(60) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s }}",
    "{% set ns = namespace(s=['x']) %}{% for i in range(60) %}{% set ns.s = ns.s + ns.s %}{% endfor %}{{ ns.s }}",
    "{% set ns = namespace(n=3) %}{% for i in range(40) %}{% set ns.n = ns.n * ns.n %}{% endfor %}{{ ns.n }}",
    # output: a loop writing literal text, directly or into a macro
    "{% for i in range(100000) %}" + "x" * 1000 + "{% endfor %}",
    "{% macro m() %}{% for i in range(10000) %}" + "x" * 1000 + "{% endfor %}{% endmacro %}{{ m() | length }}",
    # a list that prints as its items joined
    "{% set l = ['x' * 1000000] %}{% for i in range(2000) %}{{ l.append(l[-1]) or '' }}{% endfor %}{{ l }}",
]

SLOW = [  # time, not memory: stopped by the step budget (about a second each)
    "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
    "{% for i in range(100000) %}{% for j in range(100000) if j < 0 %}{% endfor %}{% endfor %}",
    "{% for i in range(100000) %}{% for j in range(100000) %}{{ j | string | length }}{% endfor %}{% endfor %}",
    "{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(40) }}",
]


def render(prepared, text: str) -> str:
    briefing = resolve(prepared.loaded, prepared.kb, "analyst")
    src = TemplateSource(text, "specs/peru-china.yaml", 40, "section 'test'", "sections[9].template")
    return Renderer(briefing, prepared.kb).render(src)


def refused(prepared, template: str, memory: bool = True) -> str:
    if memory:  # traced allocations slow Python down several times: not for the timed cases
        tracemalloc.start()
    try:
        with pytest.raises(TemplateSecurityError) as info:
            render(prepared, "Intro\n\n" + template)
        peak = tracemalloc.get_traced_memory()[1] if memory else 0
    finally:
        if memory:
            tracemalloc.stop()
    message = str(info.value)
    assert message.startswith("specs/peru-china.yaml:42: section 'test' (line 3 of the template): "), message
    assert "refused by the sandbox" in message
    assert peak < 60_000_000, (peak, template)  # bytes: far below what the template asks for
    return message


@pytest.mark.parametrize("template", HOSTILE)
def test_a_template_that_would_build_too_much_is_refused_with_its_line(prepared, template) -> None:
    refused(prepared, template)


@pytest.mark.slow
@pytest.mark.parametrize("template", SLOW)
def test_a_template_that_would_run_too_long_is_stopped(prepared, template) -> None:
    message = refused(prepared, template, memory=False)  # stopped by the step budget (no clock in the test)
    assert "more work than a template may" in message


def test_the_messages_say_what_was_too_large(prepared) -> None:
    assert "width or precision 999999999" in refused(prepared, "{{ '%0999999999d' % 1 }}")
    assert "repeating a str 10000000000 times" in refused(prepared, "{{ 'x' * 10**10 }}")
    assert "writes more than 2,000,000 characters" in refused(
        prepared, "{% for i in range(100000) %}" + "x" * 1000 + "{% endfor %}", 5)


def test_ordinary_templates_render_as_before(prepared) -> None:
    text = ("{{ '%5.1f' % 3.14159 }}|{{ '%s and %s' | format('a', 'b') }}|{{ '{:>6}'.format('r') }}|"
            "{{ 'a,b' | replace(',', ' & ') }}|{{ ['x', 'y'] | join(', ') }}|{{ 'ab' * 3 }}|{{ 'x' ~ 'y' }}|"
            "{% for x in [1, 2, 3] %}{{ loop.index }}/{{ loop.length }}{% else %}none{% endfor %}|"
            "{{ [[1], [2]] | sum(start=[]) | join(',') }}|{{ 'hi' | center(6) }}|{{ 2 ** 10 }}|"
            "{{ range(3) | list | join(',') }}|"
            "{% macro m(a) %}<{{ a }}>{% endmacro %}{{ m(1) }}{{ 'one two' | wordwrap(3) | length }}")
    assert render(prepared, text) == ("  3.1|a and b|     r|a & b|x, y|ababab|xy|1/32/33/3|1,2|  hi  |1024|"
                                      "0,1,2|<1>7")
