"""briefgen's filters given the wrong kind of value (briefgen.text.filters): a located template
error saying what the filter expects and how to write it, never a Python error (tester report:
``{{ 1|date }}`` gave "AttributeError: 'int' object has no attribute 'render'")."""

from __future__ import annotations

import pytest

from briefgen.errors import TemplateError
from briefgen.resolve.select import resolve
from briefgen.text.filters import EXPECTS
from briefgen.text.templates import Renderer, TemplateSource

FILTERS = ("date", "figure", "likelihood", "number")


def render(prepared, text: str, audience: str = "analyst") -> str:
    b = resolve(prepared.loaded, prepared.kb, audience)
    return Renderer(b, prepared.kb).render(TemplateSource(text, "specs/peru-china.yaml", 40, "section 'test'",
                                                          "sections[9].template"))


def test_every_registered_filter_is_checked(prepared) -> None:
    b = resolve(prepared.loaded, prepared.kb, "analyst")
    env = Renderer(b, prepared.kb).env
    assert set(FILTERS) == set(EXPECTS) and set(FILTERS) <= set(env.filters)


WRONG = [("1", "the int 1"), ("'2025-04'", "the text '2025-04'"), ("none", "nothing (None)"),
         ("[1, 2]", "a list of 2"), ("1.5", "the float 1.5"), ("true", "the bool True"),
         ("entity('blinken')", "entity 'blinken'")]


RIGHT = {("date", "none"), ("number", "1"), ("number", "1.5")}
"""The pairs of WRONG that are the right type for the filter."""


@pytest.mark.parametrize(("name", "value", "got"),
                         [(name, value, got) for name in FILTERS for value, got in WRONG if (name, value) not in RIGHT])
def test_a_filter_given_the_wrong_type_says_what_it_expects(prepared, name, value, got) -> None:
    with pytest.raises(TemplateError) as info:
        render(prepared, f"Intro.\n{{{{ {value} | {name} }}}}")
    exc = info.value
    assert exc.code == "template-filter-type"
    (problem,) = exc.problems
    assert (problem.file, problem.line, problem.key) == ("specs/peru-china.yaml", 41, "sections[9].template")
    assert problem.message == f"section 'test' (line 2 of the template): filter {name!r} cannot format {got}"
    assert (problem.expected, problem.got) == (EXPECTS[name], got)
    assert "Error:" not in str(exc)  # no Python exception name


@pytest.mark.parametrize(("template", "suggestion"), [
    ("{{ claim('c-chancay-cost') | date }}", 'claim("c-chancay-cost").date | date'),
    ("{{ claim('c-chancay-cost') | figure }}", 'claim("c-chancay-cost").figures[0] | figure'),
    ("{{ claim('c-chancay-cost').figures | figure }}", "... .figures[0] | figure"),
    ("{{ claim('c-chancay-cost').figures[0] | number }}", "... .figures[0].value | number"),
    ("{{ claim('c-chancay-cost').figures[0] | date }}", "... .figures[0].as_of | date"),
    ("{{ 'c-2026-run' | likelihood }}", 'claim("c-2026-run") | likelihood'),
    ("{{ 1300 | figure }}", "1300 | number"),
])
def test_the_suggestion_writes_the_fix(prepared, template, suggestion) -> None:
    with pytest.raises(TemplateError) as info:
        render(prepared, template)
    assert info.value.problems[0].suggestion == suggestion


def test_the_right_types_still_format(prepared) -> None:
    out = render(prepared, "{{ claim('c-chancay-cost').figures[0] | figure }} / {{ claim('c-2026-run') | likelihood }}"
                           " / {{ claim('c-california-ceremony').date | date }} / {{ 1300.0 | number }} / "
                           "{{ none | date('no date') }}")
    assert out == "USD 1.3 billion / likely (65%, low confidence) / late April 2025 / 1,300 / no date"


def test_a_date_filter_argument_must_be_text(prepared) -> None:
    with pytest.raises(TemplateError) as info:
        render(prepared, "{{ claim('c-chancay-cost').date | date(5) }}")
    assert info.value.code == "template-filter-type" and info.value.problems[0].got == "the int 5"


def test_an_unset_field_is_missing_for_date_and_named_for_the_others(prepared) -> None:
    fact = next(c for c in prepared.kb.claims.values() if c.probability is None and c.tlp.value == "TLP:CLEAR")
    assert render(prepared, f"{{{{ claim('{fact.id}').probability | date('undated') }}}}") == "undated"
    with pytest.raises(TemplateError) as info:
        render(prepared, f"{{{{ claim('{fact.id}').probability | number }}}}")
    assert info.value.code == "template-undefined"
    assert f"claim {fact.id!r} has no field 'probability' set in the knowledge base" in str(info.value)


def test_an_unknown_name_given_to_a_filter_is_undefined(prepared) -> None:
    with pytest.raises(TemplateError) as info:
        render(prepared, "{{ clam('x') | likelihood }}")
    assert info.value.code == "template-undefined"
