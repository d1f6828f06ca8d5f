"""What ``{{ value }}`` prints (briefgen.text.printcheck): floats as a person writes them, and
a located error, not a Python repr, for a value with no text of its own (tester report:
``{{ claim }}`` printed ``<bound method Renderer._claim of <... at 0x7f...>>``, validate passed
and two builds of the same inputs differed)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import TESTS, run_cli

from briefgen.errors import TemplateError
from briefgen.resolve.select import resolve
from briefgen.text.printcheck import EXPECTED, float_text
from briefgen.text.templates import Renderer, TemplateSource


def render(prepared, text: str, audience: str = "analyst") -> str:
    b = resolve(prepared.loaded, prepared.kb, audience)
    return Renderer(b, prepared.kb).render(TemplateSource(text, "specs/peru-china.yaml", 40, "section 'test'",
                                                          "sections[9].template"))


# --------------------------------------------------------------------------- floats
@pytest.mark.parametrize(("value", "text"), [
    (420.0, "420"), (0.1 + 0.2, "0.3"), (-0.0, "0"), (2 / 3, "0.666666666666667"), (1.25, "1.25"),
    (1e20, "100000000000000000000"), (1e22, "1e+22"), (0.00001, "0.00001"), (1e-8, "1e-08"),
    (-1300.5, "-1300.5"), (123456789012345.6, "123456789012346"), (float("inf"), "inf"),
])
def test_float_text(value, text) -> None:
    assert float_text(value) == text


@pytest.mark.parametrize(("template", "out"), [
    ("{{ claim('c-chancay-cost').figures[0].value }}", "1300"),  # 1300.0 in the knowledge base
    ("{{ 0.1 + 0.2 }}", "0.3"),
    ("{% set x = 0.1 %}{{ x * 3 }}", "0.3"),
    ("{{ [0.5 * 3, 420.0] }}", "1.5, 420"),
    ("{{ {'cost': 1.0 + 0.1} }}", "cost: 1.1"),
    ("{{ claim('c-chancay-cost').figures[0].value | number }}", "1,300"),  # filters keep their format
    ("{{ 1 / 3 | round(2) }}", "0.333333333333333"),
    ("{{ (1 / 3) | round(2) }}", "0.33"),
])
def test_floats_print_as_written(prepared, template, out) -> None:
    assert render(prepared, template) == out


# --------------------------------------------------------------------------- values with no text
@pytest.mark.parametrize(("template", "got", "suggestion"), [
    ("{{ claim }}", "the function 'claim'", 'claim("id")'),
    ("{{ visible }}", "the function 'visible'", 'visible("id")'),
    ("{{ cite }}", "the function 'cite'", 'cite("claim-id")'),
    ("{{ conflicts }}", "the function 'conflicts'", "conflicts()"),
    ("{{ dict }}", "the class 'dict'", "dict(key=1)"),
    ("{% macro m() %}x{% endmacro %}{{ m }}", "the macro 'm'", "m(...)"),
    ("{{ claim('c-us-donation').statement.upper }}", "the method 'upper'", ""),
    ("{{ [entity, 1] }}", "the function 'entity'", 'entity("id")'),
    ("{{ {'f': source} }}", "the function 'source'", 'source("id")'),
    ("{{ ['a', 'b'] | map('upper') }}", "a generator (what filters such as map, select and reject give)",
     '| join(", ")'),
    ("{% for x in [1] %}{{ loop }}{% endfor %}", "the loop itself", "loop.index"),
    ("{{ range(3) }}", "a 'range' object", '| join(", ")'),
    ("{{ {'a': 1}.keys() }}", "a 'dict_keys' object", '| join(", ")'),
    ("{{ cycler('a', 'b') }}", "a 'Cycler' object", ""),
    ("{{ namespace() }}", "a 'Namespace' object", ""),
    ("{{ self }}", "a 'TemplateReference' object", ""),
])
def test_a_value_with_no_text_is_a_located_error(prepared, template, got, suggestion) -> None:
    with pytest.raises(TemplateError) as info:
        render(prepared, "First line.\n" + template)
    exc = info.value
    assert exc.code == "template-not-text"
    assert " at 0x" not in str(exc)
    (problem,) = exc.problems
    assert (problem.file, problem.line, problem.key) == ("specs/peru-china.yaml", 41, "sections[9].template")
    assert problem.message.startswith(f"section 'test' (line 2 of the template): cannot print {got}: ")
    assert (problem.expected, problem.got, problem.suggestion) == (EXPECTED, got, suggestion)


def test_the_hint_says_how_to_call_it(prepared) -> None:
    with pytest.raises(TemplateError) as info:
        render(prepared, "{{ claim }}")
    assert 'call it: claim("id")' in str(info.value)


@pytest.mark.parametrize(("template", "out"), [
    ("{{ claim('c-us-donation') }}", None),  # an item prints as its text
    ("{{ claim('c-chancay-cost').figures }}", "USD 1.3 billion"),
    ("{{ briefing }}", "Peru: Beijing's Stake in Lima's Mayor and the Race for 2026"),
    ("{{ audience }}", "name: analyst, tlp: TLP:AMBER"),
    ("{{ claim('c-2026-run').likelihood }}", "likely"),
    ("{{ claim('c-california-ceremony').date }}", "late April 2025"),
    ("{{ ['a', 'b'] | map('upper') | join(', ') }}", "A, B"),
    ("{{ range(3) | list }}", "0, 1, 2"),
    ("{% set ns = namespace(n=2) %}{{ ns.n }}", "2"),
    # an inline if without else, in a template whose name has quotes (section 'test'): Jinja2 writes the
    # name into the code it compiles, which did not compile ("nests too deeply")
    ("{{ ', ' ~ claim('c-2026-run').likelihood if true }}", ", likely"),
    ("a{{ 'x' if false }}b", "ab"),
    # '~' joins what {{ }} would print, not Python's str() ("Likelihood.LIKELY", "420.0")
    ("{{ 'Judged ' ~ claim('c-2026-run').likelihood }}", "Judged likely"),
    ("{{ 'on ' ~ claim('c-california-ceremony').date }}", "on late April 2025"),
    ("{{ 'cost: ' ~ claim('c-chancay-cost').figures[0].value }}", "cost: 1300"),
    ("{{ 'x' ~ (0.1 + 0.2) ~ 'y' }}", "x0.3y"),
    ("{{ 'n=' ~ 3 }}", "n=3"),
    ("{% set xs = ['a', 'b'] %}{{ 'ids: ' ~ xs }}", "ids: a, b"),
])
def test_values_with_text_still_print(prepared, template, out) -> None:
    printed = render(prepared, template)
    if out is None:
        assert printed == prepared.kb.claims["c-us-donation"].statement
    else:
        assert printed == out


# --------------------------------------------------------------------------- None
@pytest.mark.parametrize("template", [
    "{{ none }}",
    "{{ entity('lopez-aliaga').attributes.get('no-such-attribute') }}",  # a mapping's .get() of a missing key
    "{{ [1, none] }}",
    "{{ {'cost': none} }}",
    "{% macro m() %}{% endmacro %}{% set x = none %}{{ x }}",
])
def test_printing_none_is_a_located_error(prepared, template) -> None:
    with pytest.raises(TemplateError) as info:
        render(prepared, "First line.\n" + template)
    exc = info.value
    assert exc.code == "template-prints-none"
    (problem,) = exc.problems
    assert (problem.file, problem.line, problem.key) == ("specs/peru-china.yaml", 41, "sections[9].template")
    assert problem.message.startswith("section 'test' (line 2 of the template): cannot print None: ")
    assert "| default(" in problem.message and problem.got == "None"


@pytest.mark.parametrize(("template", "out"), [
    ("{{ entity('lopez-aliaga').attributes.get('no-such-attribute') | default('not known', true) }}", "not known"),
    ("{% set x = none %}{% if x %}{{ x }}{% else %}open{% endif %}", "open"),
    ("{{ none is none }}", "True"),
])
def test_none_handled_in_the_template_prints(prepared, template, out) -> None:
    assert render(prepared, template) == out


# --------------------------------------------------------------------------- validate and build
@pytest.fixture
def not_text_project(tmp_path, monkeypatch) -> Path:
    project = tmp_path / "project"
    shutil.copytree(TESTS / "data" / "bad" / "template-not-text", project)
    monkeypatch.chdir(project)
    monkeypatch.setenv("BRIEFGEN_CACHE_DIR", str(tmp_path / "cache"))
    return project


@pytest.mark.parametrize("command", [("validate", "spec.yaml"), ("build", "spec.yaml", "-a", "public", "-o", "out")])
def test_validate_and_build_stop_with_exit_2(not_text_project, command) -> None:
    result = run_cli(*command)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and " at 0x" not in result.output
    assert "spec.yaml:16" in result.output and "cannot print the function 'claim'" in result.output
    assert not (not_text_project / "out").exists() or not any((not_text_project / "out").iterdir())


def test_the_json_error_has_every_field(not_text_project) -> None:
    import json

    result = run_cli("validate", "spec.yaml", "--json")
    (error,) = json.loads(result.stdout)["errors"]
    assert error["code"] == "template-not-text" and error["line"] == 16 and error["key"] == "sections[0].template"
    assert error["expected"] == EXPECTED and error["got"] == "the function 'claim'"
    assert error["suggestion"] == 'claim("id")'
