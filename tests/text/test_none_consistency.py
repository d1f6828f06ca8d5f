"""None handled one way in templates (tester's findings, closing notes 9):

* ``== none`` / ``!= none`` agree with ``is none`` for an optional field the knowledge base leaves unset;
* a misspelt field (no field of the item at all) is a located error in tests and comparisons too
  (``is none``, ``is defined``, ``rejectattr('x', 'none')``, ``default``), not a field that is not set;
* ``{{ "x" ~ none }}`` with a literal none is refused as a variable holding None is (Jinja2 folded it
  into "xNone" when compiling);
* ``| tojson`` of items, ``| unique`` of lists and ``(x if false) | upper`` say in briefgen's words what
  the filter takes and how to write it;
* an error inside ``{% if visible(...) %}`` names the audience whose version met it.
"""

from __future__ import annotations

import pytest

from briefgen.errors import Problem, TemplateError
from briefgen.resolve.select import resolve
from briefgen.text.filter_failures import TAKES
from briefgen.text.filter_text import PASSING, REFUSING, TAKING_NOTHING, TEXT_FILTERS
from briefgen.text.located import add_error
from briefgen.text.printcheck import EXPECTED
from briefgen.text.templates import Renderer, TemplateSource

UNSET = "claim('c-lopez-mayor')"
"""A claim whose optional ``label`` and ``confidence`` are not set."""

CLAIM_FIELDS = ("id, statement, label, about, sources, date, timing, reported, contradicts, figures, likelihood, "
                "probability, confidence, credibility, origin, tlp, tags")


def render(prepared, text: str, audience: str = "analyst") -> str:
    b = resolve(prepared.loaded, prepared.kb, audience)
    return Renderer(b, prepared.kb).render(TemplateSource(text, "specs/peru-china.yaml", 40, "section 'test'",
                                                          "sections[9].template"))


def problem_of(prepared, text: str, audience: str = "analyst") -> tuple[str, Problem]:
    with pytest.raises(TemplateError) as info:
        render(prepared, text, audience)
    (problem,) = info.value.problems
    assert (problem.file, problem.key) == ("specs/peru-china.yaml", "sections[9].template")
    assert "Error:" not in str(info.value)  # no Python exception name
    return info.value.code, problem


# --------------------------------------------------------------------------- 1. == none agrees with is none
@pytest.mark.parametrize(("template", "out"), [
    (f"{{{{ {UNSET}.label is none }}}} {{{{ {UNSET}.label == none }}}} {{{{ {UNSET}.label != none }}}}",
     "True True False"),
    (f"{{{{ none == {UNSET}.label }}}} {{{{ none != {UNSET}.label }}}} {{{{ {UNSET}.label is not none }}}}",
     "True False False"),
    (f"{{% if {UNSET}.label == none %}}no label{{% else %}}label{{% endif %}}", "no label"),
    (f"{{% if {UNSET}.label != none %}}label{{% else %}}no label{{% endif %}}", "no label"),
    # a field that is set compares as its value
    ("{{ claim('c-2026-run').likelihood == none }} {{ claim('c-2026-run').likelihood != none }} "
     "{{ claim('c-2026-run').likelihood is none }}", "False True False"),
    (f"{{{{ [{UNSET}] | selectattr('label', 'equalto', none) | list | length }}}} "
     f"{{{{ [{UNSET}] | selectattr('label', 'none') | list | length }}}} "
     f"{{{{ [{UNSET}] | rejectattr('label', 'none') | list | length }}}}", "1 1 0"),
    (f"{{{{ {UNSET}.label | default('no label') }}}} {{{{ {UNSET}.label is defined }}}}", "no label False"),
])
def test_equal_to_none_agrees_with_is_none_for_an_unset_field(prepared, template, out) -> None:
    assert render(prepared, template) == out


# --------------------------------------------------------------------------- 2. a misspelt field is an error
@pytest.mark.parametrize("template", [
    f"{{% if {UNSET}.confidnce is none %}}x{{% endif %}}",
    f"{{% if {UNSET}.confidnce is not none %}}x{{% endif %}}",
    f"{{% if {UNSET}.confidnce == none %}}x{{% endif %}}",
    f"{{% if {UNSET}.confidnce != none %}}x{{% endif %}}",
    f"{{% if {UNSET}.confidnce is defined %}}x{{% endif %}}",
    f"{{{{ {UNSET}.confidnce | default('n/a') }}}}",
    f"{{{{ [{UNSET}] | rejectattr('confidnce', 'none') | list | length }}}}",
    f"{{{{ [{UNSET}] | selectattr('confidnce', 'none') | list | length }}}}",
    f"{{{{ [{UNSET}] | selectattr('confidnce', 'defined') | list | length }}}}",
    f"{{{{ {UNSET}['confidnce'] is none }}}}",
])
def test_a_misspelt_field_is_a_located_error_in_tests_and_comparisons(prepared, template) -> None:
    code, problem = problem_of(prepared, "Intro.\n" + template)
    assert code == "template-undefined" and problem.line == 41
    assert problem.message == ("section 'test' (line 2 of the template): claim 'c-lopez-mayor' has no field "
                               "'confidnce'")
    assert (problem.expected, problem.got, problem.suggestion) == (
        f"one of its fields: {CLAIM_FIELDS}", "'confidnce'", "confidence")


def test_a_misspelt_name_or_key_is_an_error_in_is_none(prepared) -> None:
    code, problem = problem_of(prepared, "{% if claimm is none %}x{% endif %}")
    assert (code, problem.message, problem.suggestion) == (
        "template-undefined", "section 'test' (line 1 of the template): 'claimm' is undefined", "claim")
    code, problem = problem_of(prepared, "{% if entity('perurail').attributes.staf is none %}x{% endif %}")
    assert code == "template-undefined"
    assert problem.message == ("section 'test' (line 1 of the template): entity 'perurail' has no attribute 'staf'; "
                               "test it first ({% if entity('perurail').attributes.staf is defined %}) or read it "
                               "with .get('staf'), which gives none when it is missing")  # the entity named (H7)
    assert (problem.expected, problem.got) == ("one of its attributes: sector, reported revenue", "'staf'")
    # the ways that stay: a name tested with `is defined`, a key read with .get()
    assert render(prepared, "{{ claimm is defined }} {{ entity('perurail').attributes.get('staf') is none }}") \
        == "False True"


# --------------------------------------------------------------------------- 3. "x" ~ none, a literal none
@pytest.mark.parametrize(("template", "part", "reads"), [
    ("{{ 'x' ~ none }}", "2 of 2", "xNone"), ("{{ none ~ 'x' }}", "1 of 2", "Nonex"),
    ("{{ ('x' ~ none) | upper }}", "2 of 2", "xNone"), ("{% set y = 'x' ~ none %}{{ y }}", "2 of 2", "xNone"),
    ("{{ 'x' ~ [none][0] }}", "2 of 2", "xNone"), ("{% set v = none %}{{ 'x' ~ v }}", "2 of 2", "xNone"),
    ("{% set v = none %}{{ 'a' ~ v ~ 1.0 }}", "2 of 3", "aNone1"),
])
def test_a_literal_none_joined_is_refused_as_a_variable_is(prepared, template, part, reads) -> None:
    code, problem = problem_of(prepared, "Intro.\n" + template)
    assert code == "template-prints-none" and problem.line == 41
    assert problem.message.startswith(f"section 'test' (line 2 of the template): cannot print None (part {part} "
                                      f"joined by '~'): the value is empty here (a field this item does not set, or "
                                      f"an expression that gave nothing); joined with '~', the briefing would read "
                                      f"'{reads}'.")  # what the concatenation prints, not 'None'
    assert (problem.expected, problem.got) == (EXPECTED, "None")


def test_text_plus_none_is_the_located_none_error(prepared) -> None:
    code, problem = problem_of(prepared, "{% set v = none %}{{ 'x' + v }} {{ 'x' + none }}")
    assert code == "template-prints-none"
    assert problem.message == ("section 'test' (line 1 of the template): '+' cannot join text and None: the value is "
                               "empty here (a field this item does not set, or an expression that gave nothing). "
                               "Join it only when it is set ({% if value %}...{% endif %}), or give it a default: "
                               "(value | default(\"not known\", true))")


@pytest.mark.parametrize(("template", "out"), [
    # constants joined by ~ print as {{ }} prints them, as variables always did
    ("{{ 'a' ~ 1.0 }}|{% set f = 1.0 %}{{ 'a' ~ f }}", "a1|a1"),
    ("{{ 'a' ~ [1, 2] }}|{% set l = [1, 2] %}{{ 'a' ~ l }}", "a1, 2|a1, 2"),
    ("{{ 'a' ~ 'b' ~ 3 }} {{ ('a' ~ 'b') | upper }}", "ab3 AB"),
    ("{% if false %}{{ 'x' ~ none }}{% endif %}not run", "not run"),  # refused only where it runs
    ("{{ 'x' ~ (none | default('y', true)) }}", "xy"),
])
def test_constants_joined_print_as_variables_do(prepared, template, out) -> None:
    assert render(prepared, template) == out


# --------------------------------------------------------------------------- 4. filters in briefgen's words
FAILING = [
    ("{{ [claim('c-2026-run')] | tojson }}",
     "filter 'tojson' cannot work on a list of 1: item 1 of the list is claim 'c-2026-run', which has no JSON form; "
     "write the fields you need (its id, statement or name), or the text {{ }} prints for it (| string)",
     TAKES["tojson"], "a list of 1", '| map(attribute="id") | list | tojson'),
    ("{{ {'when': claim('c-2026-run').figures} | tojson }}", None, "", "", ""),  # an empty list: valid
    ("{{ [[1], [2]] | unique | list }}",
     "filter 'unique' cannot work on a list of 2: it compares whole values, and item 1 of the list is a list of 1, "
     "which cannot be compared whole; make each one text first", TAKES["unique"], "a list of 2",
     '| map("join", ", ") | unique'),
    ("{{ [claim('c-2026-run'), claim('c-2026-run')] | unique | join(', ') }}",
     "filter 'unique' cannot work on a list of 2: it compares whole values, and item 1 of the list is claim "
     "'c-2026-run', which cannot be compared whole (it holds lists); compare the items by a field",
     TAKES["unique"], "a list of 2", '| unique(attribute="id")'),
    ("{{ (x if false) | upper }}",
     "filter 'upper' was given no value: an inline if without else ((x if test) | upper) gives no value when its "
     "test is false; write the else: (x if test else \"not known\") | upper, or test first: "
     "{% if test %}{{ x | upper }}{% endif %}", "a value", "no value (an inline if whose test was false)",
     '(x if test else "not known") | upper'),
    ("{{ (x if false) | date }}",
     "filter 'date' was given no value: an inline if without else ((x if test) | date) gives no value when its "
     "test is false; write the else: (x if test else none) | date, or test first: "
     "{% if test %}{{ x | date }}{% endif %}", "a value", "no value (an inline if whose test was false)",
     "(x if test else none) | date"),
    ("{{ [1, 'a'] | sort | join }}",
     "filter 'sort' cannot work on a list of 2: its values cannot be put in order ('int' and 'str' mixed, or values "
     "without an order); order the items by one of their fields: sort(attribute=\"date\"), or make them one kind "
     "first: | map(\"string\")", TAKES["sort"], "a list of 2", '| sort(attribute="date")'),
    ("{{ {1: 'a', 'b': 'c'} | tojson }}",
     "filter 'tojson' cannot work on a mapping of 2: its keys are of different kinds ('int' and 'str'), and JSON's "
     "keys are text written in order: make every key text", TAKES["tojson"], "a mapping of 2", ""),
    ("{{ 3 | length }}",
     "filter 'length' cannot work on the int 3: it, or one of its arguments, is not what the filter works on "
     "(Python: object of type 'int' has no len())", TAKES["length"], "the int 3", ""),
]


@pytest.mark.parametrize(("template", "message", "expected", "got", "suggestion"), FAILING)
def test_a_filter_that_cannot_work_says_what_it_takes(prepared, template, message, expected, got,
                                                      suggestion) -> None:
    if message is None:
        assert render(prepared, template) == '{"when": []}'
        return
    code, problem = problem_of(prepared, "Intro.\n" + template)
    assert code == "template-filter-type" and problem.line == 41
    assert problem.message == f"section 'test' (line 2 of the template): {message}"
    assert (problem.expected, problem.got, problem.suggestion) == (expected, got, suggestion)


@pytest.mark.parametrize(("template", "out"), [
    ("{{ [claim('c-2026-run'), claim('c-2026-run')] | unique(attribute='id') | map(attribute='id') | join }}",
     "c-2026-run"),
    ("{{ [claim('c-2026-run')] | map(attribute='id') | list | tojson }}", '["c-2026-run"]'),
    ("{{ [[1], [1], [2]] | map('join', ', ') | unique | join('/') }}", "1/2"),
    ("{{ (1 if false else 'not known') | upper }}|{{ ('a' if true) | upper }}|{{ (1 if false) }}|", "NOT KNOWN|A||"),
    ("{{ (1 if false) | default('none given') }}", "none given"),
    ("{{ [2, 1] | sort | join }} {{ [1, 1, 2] | unique | join }}", "12 12"),
])
def test_the_forms_the_messages_suggest_render(prepared, template, out) -> None:
    assert render(prepared, template) == out


def test_every_filter_that_can_fail_says_what_it_takes() -> None:
    """The filters wrapped by briefgen.text.filter_text name what they take from TAKES (text filters: TEXT_TAKES)."""
    needed = (set(PASSING) - set(TAKING_NOTHING)) | (set(REFUSING) - set(TEXT_FILTERS))
    assert needed == set(TAKES), (needed - set(TAKES), set(TAKES) - needed)


# --------------------------------------------------------------------------- 5. the audience of a visible() line
GUARDED = "Intro.\n{% if visible('c-2026-run') %}\nAbout {{ entity('perurail').attributes.get('staff') }}.\n{% endif %}"


def test_an_error_inside_visible_names_the_audience_and_the_test(prepared) -> None:
    code, problem = problem_of(prepared, GUARDED)
    assert code == "template-prints-none" and problem.line == 42
    assert problem.message.startswith("section 'test' (line 3 of the template, for audience 'analyst': inside a test "
                                      "of visible('c-2026-run')): cannot print None: the value is empty here")
    assert render(prepared, GUARDED, "public") == "Intro.\n"  # the public's version leaves the line out


@pytest.mark.parametrize(("template", "test"), [
    ("{% if not visible('c-2026-run') %}x{% else %}{{ none }}{% endif %}", "visible('c-2026-run')"),
    ("{% if audience.name == 'analyst' %}{{ none | upper }}{% endif %}", "audience"),
    ("{{ (none | upper) if visible('c-2026-run') else '' }}", "visible('c-2026-run')"),
    ("{% if visible('c-2026-run') %}{% if visible('c-desk-leverage') %}y{% endif %}{{ none }}{% endif %}",
     "visible('c-2026-run')"),
])
def test_every_branch_of_an_audience_test_names_it(prepared, template, test) -> None:
    _code, problem = problem_of(prepared, template)
    assert problem.message.startswith(f"section 'test' (line 1 of the template, for audience 'analyst': inside a "
                                      f"test of {test}): ")


def test_an_error_after_a_visible_block_on_the_same_line_names_no_audience(prepared) -> None:
    """Templates are often one line: the audience is named by what ran, not by the line."""
    _code, problem = problem_of(prepared, "{% if visible('c-2026-run') %}x{% endif %} {{ none }}")
    assert problem.message.startswith("section 'test' (line 1 of the template): cannot print None")


def test_validate_keeps_one_error_naming_every_audience_it_was_met_for(prepared) -> None:
    """``validate`` renders every audience: the same error of several versions is listed once."""
    found: dict[str, TemplateError] = {}
    for audience in ("analyst", "executive", "public"):
        try:
            render(prepared, "{% if visible('c-lopez-mayor') %}{{ none }}{% endif %}", audience)
        except TemplateError as exc:
            add_error(found, exc)
    (message,) = found
    assert "(line 1 of the template, for audiences 'analyst', 'executive', 'public': inside a test of " \
           "visible('c-lopez-mayor')): cannot print None" in message
    (problem,) = found[message].problems
    assert problem.message.startswith("section 'test' (line 1 of the template, for audiences 'analyst', 'executive', "
                                      "'public': inside a test of visible('c-lopez-mayor')): cannot print None")


@pytest.mark.parametrize("template", ["{{ claim('c-2026-run').model_dump() }}", "{{ claim('c-2026-run').__class__ }}",
                                      "{% if claim('c-2026-run').__class__ is none %}x{% endif %}"])
def test_what_the_sandbox_refuses_stays_a_security_error_not_a_misspelt_field(prepared, template) -> None:
    code, problem = problem_of(prepared, template)
    assert code == "template-unsafe" and "has no field" not in problem.message
    assert problem.message.startswith("section 'test' (line 1 of the template): unsafe template access refused by "
                                      "the sandbox: access to attribute")
