"""Filters and formatting write knowledge-base values as ``{{ }}`` prints them
(briefgen.text.filter_text): ``{{ entity("x") | upper }}``, ``| join``, ``"%s" % claim`` and
``"{}".format(...)`` printed the item's Python repr, every field included (its description,
aliases and attributes, whatever the audience may see), where ``{{ entity("x") }}`` prints its name."""

from __future__ import annotations

import re

import pytest

from briefgen.errors import TemplateError
from briefgen.resolve.select import resolve
from briefgen.text.templates import Renderer, TemplateSource

NAME = "Rafael López Aliaga"
"""The name of the example's entity 'lopez-aliaga'."""

REPR_SIGNS = ("id=", "name=", "aliases=", "description=", "attributes=", "statement=", "sources=", "tlp=")


def render(prepared, text: str) -> str:
    b = resolve(prepared.loaded, prepared.kb, "analyst")
    return Renderer(b, prepared.kb).render(TemplateSource(text, "specs/peru-china.yaml", 40, "section 'test'",
                                                          "sections[9].template"))


@pytest.mark.parametrize(("template", "text"), [
    ('{{ entity("lopez-aliaga") | upper }}', NAME.upper()),
    ('{{ entity("lopez-aliaga") | string }}', NAME),
    ('{{ entity("lopez-aliaga") | title }}', NAME),
    ('{{ entity("lopez-aliaga") | truncate(12, true, "") }}', "Rafael López"),
    ('{{ entity("lopez-aliaga") | string | length }}', str(len(NAME))),
    ('{{ [entity("lopez-aliaga"), "and others"] | join(", ") }}', f"{NAME}, and others"),
    ('{{ [entity("lopez-aliaga")] | join(", ", attribute="name") }}', NAME),
    ('{{ "%s" % entity("lopez-aliaga") }}', NAME),
    ('{{ "%s (%d)" % (entity("lopez-aliaga"), 3) }}', f"{NAME} (3)"),
    ('{{ "%(who)s" % {"who": entity("lopez-aliaga")} }}', NAME),
    ('{{ "%s" | format(entity("lopez-aliaga")) }}', NAME),
    ('{{ "{} / {:.1f}".format(entity("lopez-aliaga"), 2.25) }}', f"{NAME} / 2.2"),
    ('{{ "{who}".format_map({"who": entity("lopez-aliaga")}) }}', NAME),
    ('{{ claim("c-lopez-mayor").tlp | lower }}', "tlp:clear"),
    ('{{ [1, 2.5] | string }}', "1, 2.5"),
    ('{{ (0.1 + 0.2) | string }}', "0.3"),
])
def test_a_knowledge_base_value_through_a_filter_or_format_is_its_printed_text(prepared, template, text):
    out = render(prepared, template)
    assert out == text
    assert not any(sign in out for sign in REPR_SIGNS)


def test_a_claim_through_a_filter_is_its_statement(prepared):
    statement = render(prepared, '{{ claim("c-lopez-mayor") }}')
    assert render(prepared, '{{ claim("c-lopez-mayor") | upper }}') == statement.upper()
    assert render(prepared, '{{ "%s" % claim("c-lopez-mayor") }}') == statement
    assert render(prepared, '{{ claim("c-lopez-mayor") | wordcount }}') == str(len(re.findall(r"\w+", statement)))


@pytest.mark.parametrize("template", ['{{ claim | upper }}', '{{ [claim] | join(", ") }}', '{{ "%s" % claim }}',
                                      '{{ "{}".format(claim) }}'])
def test_a_function_through_a_filter_or_format_is_refused_as_printing_it_is(prepared, template):
    with pytest.raises(TemplateError) as info:
        render(prepared, template)
    assert info.value.code == "template-not-text"
    (problem,) = info.value.problems
    assert (problem.file, problem.line) == ("specs/peru-china.yaml", 40)
    assert 'claim("id")' in problem.message


@pytest.mark.parametrize(("template", "code", "said"), [
    ("{{ source('src-fdd-report').date | pprint }}", "template-undefined", "has no field 'date' set"),
    ("{{ entity('lopez-aliaga').nosuch | upper }}", "template-undefined", "has no field 'nosuch'"),
    ("{{ entity('xi-jinping').attributes.get('party') | tojson }}", "template-prints-none",
     "filter 'tojson' cannot take None"),
    ("{{ none | length }}", "template-prints-none", "filter 'length' cannot take None"),
    ("{{ none | map('upper') | join(', ') }}", "template-prints-none", "filter 'map' cannot take None"),
    ("{{ '1,300' | int }}", "template-filter-type", "filter 'int' cannot make a number of '1,300' (it would print 0"),
    ("{{ 'about 40' | float }}", "template-filter-type", "filter 'float' cannot make a number of 'about 40'"),
])
def test_an_unset_field_none_or_no_number_never_prints_undefined_null_or_zero(prepared, template, code, said):
    """``| pprint`` printed "Undefined" for an unset field, ``| tojson`` "null" for None, ``| int`` 0 for
    text that is no number; ``None | length`` was a bare Python error."""
    with pytest.raises(TemplateError) as info:
        render(prepared, template)
    assert info.value.code == code
    (problem,) = info.value.problems
    assert (problem.file, problem.line) == ("specs/peru-china.yaml", 40)
    assert said in problem.message


@pytest.mark.parametrize(("template", "text"), [
    ("{{ '1300' | int }} {{ '40.5' | float }} {{ 'x' | int(7) }} {{ 'x' | float(default=1.5) }}", "1300 40.5 7 1.5"),
    ("{% if source('src-fdd-report').date is none %}undated{% else %}dated{% endif %}", "undated"),
    ("{% if source('src-fdd-report').publisher is none %}none{% else %}set{% endif %}", "set"),
    ("{{ [1, none] | length }} {{ none | default('n/a', true) }} {{ source('src-fdd-report').date | date('undated') }}",
     "2 n/a undated"),
])
def test_numbers_defaults_and_the_none_test_still_work(prepared, template, text):
    """An unset field counts as none for ``is none`` (it is an undefined value, not None)."""
    assert render(prepared, template) == text


@pytest.mark.parametrize(("template", "text"), [
    ('{{ entity("lopez-aliaga") | replace("a", "o") }}', "Rofoel López Aliogo"),
    ('{{ entity("lopez-aliaga") | format }}', NAME),
    ('{{ "%r" % claim("c-lopez-mayor").tlp }}', "'TLP:CLEAR'"),
    ('{{ claim("c-lopez-mayor").tlp | pprint }}', "'TLP:CLEAR'"),
    ('{{ entity("lopez-aliaga") | attr("name") }}', NAME),
    ('{{ "{0.name}".format(entity("lopez-aliaga")) }}', NAME),
    ('{{ "{}|{:>22}".format(entity("lopez-aliaga"), entity("lopez-aliaga")) }}', f"{NAME}|   {NAME}"),
    ('{{ "{x.name}".format_map({"x": entity("lopez-aliaga")}) }}', NAME),
])
def test_replace_format_enums_and_format_fields_print_the_text(prepared, template, text):
    """``replace`` and ``format`` work on the item's text; an ICD 203 or TLP term is its word, not the
    enum's repr; ``str.format`` still reads a field of an item (``{0.name}``)."""
    out = render(prepared, template)
    assert out == text
    assert not any(sign in out for sign in (*REPR_SIGNS, "<"))


@pytest.mark.parametrize("name", ["first", "max", "list", "length", "tojson", "reverse", "sort"])
def test_one_item_through_a_filter_that_takes_a_list_is_refused(prepared, name):
    """An item through a filter that takes a list would be read as its fields (``| first`` printed
    "id, lopez-aliaga")."""
    with pytest.raises(TemplateError) as info:
        render(prepared, f'{{{{ entity("lopez-aliaga") | {name} }}}}')
    assert info.value.code == "template-filter-type"
    (problem,) = info.value.problems
    assert f"filter {name!r} takes a list or other values, not one knowledge-base item" in problem.message


def test_a_format_field_cannot_reach_what_the_sandbox_hides(prepared):
    with pytest.raises(TemplateError):
        render(prepared, '{{ "{0.model_fields}".format(entity("lopez-aliaga")) }}')
