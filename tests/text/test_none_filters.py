"""None never reaches a briefing through a filter or an operator (briefgen.text.filter_text):
``{{ x }}`` with x None was refused, but ``{{ x | upper }}`` printed "NONE", ``{{ [a, x] | join(", ") }}``
"a, None" and ``{{ "%s" % x }}`` "None". Each is now the same located ``template-prints-none`` error,
naming the filter and saying how to write it; the filters that test or choose values keep working on None."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import TESTS, run_cli

from briefgen.errors import TemplateError
from briefgen.resolve.select import resolve
from briefgen.text.environment import make_environment
from briefgen.text.filter_text import PASSING, REFUSING, TEXT_FILTERS
from briefgen.text.printcheck import EXPECTED
from briefgen.text.templates import Renderer, TemplateSource

NONE = "{% set x = none %}"
"""Every template below starts with this: ``x`` is None, as ``.get()`` of a missing key gives it."""


def render(prepared, text: str, audience: str = "analyst") -> str:
    b = resolve(prepared.loaded, prepared.kb, audience)
    return Renderer(b, prepared.kb).render(TemplateSource(text, "specs/peru-china.yaml", 40, "section 'test'",
                                                          "sections[9].template"))


def test_every_filter_either_refuses_none_or_says_why_not() -> None:
    filters = set(make_environment().filters)
    assert set(REFUSING).isdisjoint(PASSING)
    assert set(REFUSING) | set(PASSING) == filters, (filters - set(REFUSING) - set(PASSING),
                                                    (set(REFUSING) | set(PASSING)) - filters)


# --------------------------------------------------------------------------- refused
REFUSED = [
    *((f"{{{{ x | {name} }}}}", f"filter {name!r} cannot make text of None", f'| default("not known", true) | {name}')
      for name in TEXT_FILTERS),
    ("{{ x | replace('a', 'b') }}", "filter 'replace' cannot make text of None",
     '| default("not known", true) | replace'),
    ("{{ 'ab' | replace('a', x) }}", "filter 'replace' cannot make text of None (its argument 'new')", ""),
    ("{{ x | int }}", "filter 'int' cannot make a number of None (it would print 0, a figure nobody gave)",
     "| default(0, true) | int"),
    ("{{ (x | float) + 1 }}", "filter 'float' cannot make a number of None (it would print 0, a figure nobody gave)",
     "| default(0, true) | float"),
    ("{{ x | truncate(10) }}", "filter 'truncate' cannot make text of None", '| default("not known", true) | truncate'),
    ("{{ none | upper }}", "filter 'upper' cannot make text of None", '| default("not known", true) | upper'),
    ("{{ [1, x] | string }}", "filter 'string' cannot make text of None (item 2 of what it is given)",
     '| reject("none") | join(", ")'),
    ("{{ ['a', x] | join(', ') }}", "filter 'join' cannot join None (item 2 of 2)", '| reject("none") | join(", ")'),
    ("{{ ['a', x] | list | join(', ') }}", "filter 'join' cannot join None (item 2 of 2)",
     '| reject("none") | join(", ")'),
    ("{{ x | join(', ') }}", "filter 'join' cannot join None (it was given None, not a list)",
     '| default([], true) | join(", ")'),
    ("{{ [{'n': 'a'}, {'n': x}] | map(attribute='n') | join(', ') }}", "filter 'join' cannot join None (item 2 of 2)",
     '| reject("none") | join(", ")'),
    ("{{ [{'n': 'a'}, {'n': x}] | join(', ', attribute='n') }}",
     "filter 'join' cannot join None (the 'n' of item 2 of 2)",
     '| rejectattr("n", "none") | join(", ", attribute="n")'),
    ("{{ ['a', x] | map('upper') | join(', ') }}", "filter 'upper' cannot make text of None",
     '| default("not known", true) | upper'),
    ("{{ '%s' | format(x) }}", "filter 'format' cannot make text of None (its argument 1)", ""),
    ("{{ '%(n)s' | format(n=x) }}", "filter 'format' cannot make text of None (its argument 'n')", ""),
    ("{{ x | format }}", "filter 'format' cannot make text of None", '| default("not known", true) | format'),
    ("{{ '%s' % x }}", "'%' formatting cannot make text of None", ""),
    ("{{ '%s and %s' % ('a', x) }}", "'%' formatting cannot make text of None (value 2)", ""),
    ("{{ '%(n)s' % {'n': x} }}", "'%' formatting cannot make text of None (value 'n')", ""),
    ("{{ '{}'.format(x) }}", "format() cannot make text of None (argument 1)", ""),
    ("{{ '{n}'.format(n=x) }}", "format() cannot make text of None (argument 'n')", ""),
    ("{{ '{n}'.format_map({'n': x}) }}", "format_map() cannot make text of None (value 'n')", ""),
    ("{{ entity('lopez-aliaga').attributes.get('no-such-attribute') | upper }}",
     "filter 'upper' cannot make text of None",
     '| default("not known", true) | upper'),
]


@pytest.mark.parametrize(("template", "what", "suggestion"), REFUSED)
def test_a_filter_or_format_given_none_is_a_located_error(prepared, template, what, suggestion) -> None:
    with pytest.raises(TemplateError) as info:
        render(prepared, "First line.\n" + NONE + template)
    exc = info.value
    assert exc.code == "template-prints-none"
    (problem,) = exc.problems
    assert (problem.file, problem.line, problem.key) == ("specs/peru-china.yaml", 41, "sections[9].template")
    assert problem.message.startswith(f"section 'test' (line 2 of the template): {what}: the value is empty here")
    assert any(said in problem.message for said in ("the briefing would read '", "the briefing would show 'None'",
                                                    "not a list", "it would print 0"))
    assert (problem.expected, problem.got, problem.suggestion) == (EXPECTED, "None", suggestion)


@pytest.mark.parametrize(("template", "advice"), [
    ("{{ x | upper }}", '{% if value %}{{ value | upper }}{% endif %}, or give it a default first: '
                        '| default("not known", true) | upper'),
    ("{{ ['a', x] | join(', ') }}", '| reject("none") | join(", "), or give them a default: '
                                    '| map("default", "not known", true) | join(", ")'),
    ("{{ '%s' % x }}", '({% if value %}...{% endif %}), or give it a default: (value | default("not known", true))'),
    # default() without true leaves None as it is: the message of {{ }} says so
    ("{{ x | default('n/a') }}", '| default("not known", true); without true, default() replaces only a missing '
                                 'value, not None'),
])
def test_the_message_says_how_to_fix_it(prepared, template, advice) -> None:
    with pytest.raises(TemplateError) as info:
        render(prepared, NONE + template)
    assert info.value.code == "template-prints-none" and advice in str(info.value)


# --------------------------------------------------------------------------- real values and None handled
@pytest.mark.parametrize(("template", "out"), [
    ("{{ 'peru rail' | string }}", "peru rail"), ("{{ 'PeruRail' | upper }}", "PERURAIL"),
    ("{{ 'PeruRail' | lower }}", "perurail"), ("{{ 'peru rail' | title }}", "Peru Rail"),
    ("{{ 'peru rail' | capitalize }}", "Peru rail"), ("{{ '  rail  ' | trim }}", "rail"),
    ("{{ 'a-b' | replace('-', '+') }}", "a+b"), ("{{ 'abcdefghijklmnopqrstuvwxyz' | truncate(10) }}", "abcdefg..."),
    ("[{{ 'ab' | center(6) }}]", "[  ab  ]"), ("{{ 'one two' | wordwrap(3) }}", "one\ntwo"),
    ("{{ 'a\nb' | indent(2) }}", "a\n  b"), ("{{ '<b>bold</b>' | striptags }}", "bold"),
    ("{{ 'AT&T' | e }}", "AT&amp;T"), ("{{ 'AT&T' | escape }}", "AT&amp;T"), ("{{ 'one two' | wordcount }}", "2"),
    ("{{ claim('c-2026-run').likelihood | string }}", "likely"),
    ("{{ ['Peru', 'China'] | join(', ') }}", "Peru, China"), ("{{ [1, 2.5] | join('/') }}", "1/2.5"),
    ("{{ [{'n': 'a'}, {'n': 'b'}] | join(', ', attribute='n') }}", "a, b"),
    ("{{ '%s of %s' | format('a', 'b') }}", "a of b"), ("{{ '%s' % 'a' }}", "a"), ("{{ '%d%%' % 65 }}", "65%"),
    ("{{ '%s-%s' % ('a', 'b') }}", "a-b"), ("{{ '{}, {n}'.format('a', n='b') }}", "a, b"),
    ("{{ '{n}'.format_map({'n': 'b'}) }}", "b"),
    # None handled in the template
    (NONE + "{{ ['a', x, 'b'] | reject('none') | join(', ') }}", "a, b"),
    (NONE + "{{ ['a', x] | select | join(', ') }}", "a"),
    (NONE + "{{ ['a', x] | map('default', 'not known', true) | join(', ') }}", "a, not known"),
    (NONE + "{{ [{'n': 'a'}, {'n': x}] | rejectattr('n', 'none') | join(', ', attribute='n') }}", "a"),
    (NONE + "{{ x | default('not known', true) | upper }}", "NOT KNOWN"),
    (NONE + "{% if x %}{{ x | upper }}{% else %}open{% endif %}", "open"),
    (NONE + "{{ x is none }} {{ [x, 1] | length }} {{ [x] | count }}", "True 2 1"),
    (NONE + "{{ x | date('undated') }}", "undated"),
    (NONE + "{{ [x, 'b'] | last }}", "b"),
    (NONE + "[{{ x | default([], true) | join(', ') }}]", "[]"),
])
def test_real_values_still_print_and_none_handled_prints(prepared, template, out) -> None:
    assert render(prepared, template) == out


# --------------------------------------------------------------------------- validate and build, PDF and HTML
@pytest.fixture
def join_project(tmp_path, monkeypatch) -> Path:
    project = tmp_path / "project"
    shutil.copytree(TESTS / "data" / "bad" / "template-prints-none-join", project)
    monkeypatch.chdir(project)
    monkeypatch.setenv("BRIEFGEN_CACHE_DIR", str(tmp_path / "cache"))
    return project


@pytest.mark.parametrize("command", [
    ("validate", "spec.yaml"),
    ("build", "spec.yaml", "-a", "public", "--format", "pdf", "-o", "out"),
    ("build", "spec.yaml", "-a", "public", "--format", "html", "-o", "out"),
    ("build", "spec.yaml", "--all-audiences", "--format", "pdf,html", "-o", "out"),
])
def test_validate_and_both_editions_stop_at_the_join(join_project, command) -> None:
    result = run_cli(*command)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert "spec.yaml:17" in result.output and "filter 'join' cannot join None (item 2 of 2)" in result.output
    out = join_project / "out"
    assert not out.exists() or not any(out.iterdir())


def test_the_json_error_names_the_code_and_the_fix(join_project) -> None:
    result = run_cli("validate", "spec.yaml", "--json")
    (error,) = json.loads(result.stdout)["errors"]
    assert (error["code"], error["line"], error["key"]) == ("template-prints-none", 17, "sections[0].template")
    assert error["got"] == "None" and error["suggestion"] == '| reject("none") | join(", ")'
