"""Look-ups and formatting a template gets wrong fail in briefgen's words: the item and the field
named, what there is, the fix (README, "Templates"): a fact through ``| likelihood``, an undated
claim through ``| date``, a missing attribute or audience field, a figure a claim does not have,
``%d`` of text, ``ref()`` of a section that is no table, a withheld claim (with its fix as fields).
The valid forms still print the right text."""

from __future__ import annotations

import pytest

from briefgen.errors import TemplateError
from briefgen.resolve.select import resolve
from briefgen.text.conflicts import DisputeView, ReportView
from briefgen.text.python_errors import worded
from briefgen.text.template_objects import no_view_field
from briefgen.text.templates import Renderer, TemplateSource, ref_token

WHERE = "section 'test' (line 1 of the template): "


def render(prepared, text: str, audience: str = "analyst") -> str:
    b = resolve(prepared.loaded, prepared.kb, audience)
    return Renderer(b, prepared.kb).render(TemplateSource(text, "specs/peru-china.yaml", 40, "section 'test'",
                                                          "sections[9].template"))


def failure(prepared, text: str, audience: str = "analyst") -> tuple[str, str, str, str, str]:
    """(code, message, expected, got, suggestion) of the one located problem ``text`` fails with."""
    with pytest.raises(TemplateError) as info:
        render(prepared, text, audience)
    (problem,) = info.value.problems
    assert (problem.file, problem.line, problem.key) == ("specs/peru-china.yaml", 40, "sections[9].template")
    assert problem.code == info.value.code
    return problem.code, problem.message.removeprefix(WHERE), problem.expected, problem.got, problem.suggestion


CASES = [
    # a fact through | likelihood printed nothing
    ("{{ claim('c-lopez-mayor') | likelihood }}",
     ("template-filter-type",
      "filter 'likelihood': claim 'c-lopez-mayor' is no judgment (it sets no likelihood, probability or confidence), "
      "so the filter would print nothing here; use it on a judgment, or only when one is set: "
      '{% if claim("c-lopez-mayor").likelihood %}...{% endif %}',
      "a judgment: a claim with a likelihood, probability or confidence", "claim 'c-lopez-mayor', a statement of fact",
      '{% if claim("c-lopez-mayor").likelihood %}')),
    # an undated claim through | date printed "undated" inside the sentence
    ("We met on {{ claim('c-us-donation').date | date }}.",
     ("template-prints-none",
      "filter 'date' has no date to format: claim 'c-us-donation' sets no 'date' in the knowledge base, and the filter "
      "would print 'undated' in the sentence; print it only when it is set ({% if claim('c-us-donation').date %}..."
      '{% endif %}), or write what to print without one: | date("undated")',
      "a date", "no date (not set)", '| date("undated")')),
    ("{{ none | date }}",
     ("template-prints-none",
      "filter 'date' has no date to format: it was given nothing (None), and the filter would print 'undated' in the "
      "sentence; print it only when it is set ({% if value %}...{% endif %}), or write what to print without one: "
      '| date("undated")', "a date", "None", '| date("undated")')),
    # a missing attribute or field: the entity or the audience named, what it has, the did-you-mean
    ("{{ entity('lopez-aliaga').attributes.ofice }}",
     ("template-undefined",
      "entity 'lopez-aliaga' has no attribute 'ofice'; test it first ({% if entity('lopez-aliaga').attributes.ofice "
      "is defined %}) or read it with .get('ofice'), which gives none when it is missing",
      "one of its attributes: office, party, business interest, political outlook", "'ofice'", "office")),
    ("{{ entity('bri').attributes['capacity'] }}",
     ("template-undefined",
      "entity 'bri' has no attribute 'capacity'; test it first ({% if entity('bri').attributes.capacity is defined "
      "%}) or read it with .get('capacity'), which gives none when it is missing",
      "an attribute it has, but it has none", "'capacity'", "")),
    ("{{ audience.nam }}",
     ("template-undefined", "audience has no field 'nam'", "one of its fields: name, tlp", "'nam'", "name")),
    # a figure or source a claim does not have
    ("{{ claim('c-lopez-mayor').figures[0] | figure }}",
     ("template-undefined",
      "claim 'c-lopez-mayor' has no figures, so there is no figures[0]; use it only when there is one: "
      '{% if claim("c-lopez-mayor").figures %}...{% endif %}',
      "an item that has figures", "claim 'c-lopez-mayor' with none", '{% if claim("c-lopez-mayor").figures %}')),
    ("{{ claim('c-chancay-cost').sources[4] }}",
     ("template-undefined",
      "claim 'c-chancay-cost' has 1 source, so there is no sources[4]; loop over them ({% for x in "
      "claim('c-chancay-cost').sources %}) or test the count first ({% if claim('c-chancay-cost').sources | length > "
      "4 %})", "an index from 0 to 0, or -1 to -1 from the end", "4", "")),
    # Python's formatting errors, in briefgen's words
    ("{{ '%d' % claim('c-lopez-mayor').statement }}",
     ("template-filter-type",
      "'%' formatting: %d needs a number, but was given text (str); write %s to print a value as it is, or make a "
      "number of it first (| int, | float)", "a number for %d", "text (str)", "%s")),
    ("{{ '{:d}'.format('x') }}",
     ("template-filter-type", "format(): the format code 'd' cannot lay out text (str); write {} to print it as it is",
      "a number for d, f, e, g, x and %", "text (str)", "{}")),
    ("{{ 'a' + 1 }}",
     ("template-filter-type",
      "'+' joins text only to text, but was given text and a whole number (int); write ~ to join values as they "
      "print: 'a' ~ x", "text on both sides", "text and a whole number (int)", "~")),
    # ref() says what it takes and lists the ids it would take
    ("{{ ref('bluf') }}",
     ("template-undefined",
      "ref(): section 'bluf' is a text section, which has no number to refer to; ref() takes the id of a chart, an "
      "image or a table section (of kind claims_table or conflicts)",
      "one of claims, fig-money, fig-network, fig-timeline", "'bluf'", "")),
    ("{{ ref('fig-mony') }}",
     ("template-undefined",
      "ref(): no chart, image or table section 'fig-mony' in this briefing; ref() takes the id of a chart, an image "
      "or a table section (of kind claims_table or conflicts)",
      "one of claims, fig-money, fig-network, fig-timeline", "'fig-mony'", "fig-money")),
]


@pytest.mark.parametrize(("template", "want"), CASES)
def test_the_error_names_the_item_the_field_and_the_fix(prepared, template, want) -> None:
    assert failure(prepared, template) == want


def test_a_withheld_claim_has_its_fix_as_fields(prepared) -> None:
    """``--json`` gives ``expected`` and ``suggestion`` of a withheld claim (they were empty)."""
    assert failure(prepared, "{{ claim('c-desk-leverage').statement }}", "public") == (
        "template-withheld",
        "refers to claim 'c-desk-leverage', which is withheld from audience 'public' (ceiling TLP:CLEAR); wrap it in "
        "{% if visible('c-desk-leverage') %} ... {% endif %}",
        "a claim audience 'public' may see, or its use inside {% if visible(\"c-desk-leverage\") %}",
        "claim 'c-desk-leverage', withheld", '{% if visible("c-desk-leverage") %}')


def test_the_valid_forms_still_print(prepared) -> None:
    parts = [
        ("{{ claim('c-financial-dependency') | likelihood }}", "moderate confidence"),
        ("{{ claim('c-2026-run') | likelihood }}", "likely (65%, low confidence)"),
        ("{{ claim('c-us-donation').date | date('at no set date') }}", "at no set date"),
        ("{{ claim('c-blinken-lima').date | date }}", "November 2024"),
        ("{{ entity('lopez-aliaga').attributes.office }}", "Mayor of Lima"),
        ("{{ entity('lopez-aliaga').attributes['party'] }}", "Renovación Popular"),
        ("{{ entity('lopez-aliaga').attributes.get('age') is none }}", "True"),
        ("{{ entity('lopez-aliaga').attributes.age is defined }}", "False"),
        ("{{ 'office' in entity('lopez-aliaga').attributes }}", "True"),
        ("{{ audience.name }} {{ audience.tlp }}", "analyst TLP:AMBER"),
        ("{{ claim('c-chancay-cost').figures[0] | figure }}", "USD 1.3 billion"),
        ("{{ claim('c-chancay-cost').figures[-1] | figure }}", "USD 1.3 billion"),
        ("{{ claim('c-chancay-cost').figures | length }} {{ claim('c-lopez-mayor').figures | length }}", "1 0"),
        ("{% if claim('c-lopez-mayor').figures %}x{% else %}no figures{% endif %}", "no figures"),
        ("{{ claim('c-chancay-cost').sources[0] == claim('c-chancay-cost').sources | first }}", "True"),
        ("{{ '%d%%' % 65 }} {{ '%s' % claim('c-lopez-mayor') == claim('c-lopez-mayor').statement }}", "65% True"),
    ]
    assert render(prepared, " / ".join(t for t, _ in parts)) == " / ".join(text for _, text in parts)


def test_a_ref_to_a_table_section_or_a_chart_still_works(prepared) -> None:
    out = render(prepared, "{{ ref('claims') }} {{ ref('fig-money') }}")
    assert out == f"{ref_token('claims')} {ref_token('fig-money')}"


def test_a_field_a_conflicts_value_lacks_is_named() -> None:
    report = ReportView(value="USD 2 billion", comparator="", scope="", as_of=None, sources=(), rating="B2",
                        claim="c-a")
    view = DisputeView(measure="port.cost", label="Port cost", summary="", reports=(report,), claims=("c-a",))
    assert no_view_field(view, "measur") == (
        "disputed quantity 'port.cost' (of conflicts()) has no field 'measur' (expected one of its fields: measure, "
        "label, summary, reports, claims, got 'measur'); did you mean 'measure'?")
    assert no_view_field(report, "sorce") == (
        "report of claim 'c-a' (of conflicts()[...].reports) has no field 'sorce' (expected one of its fields: value, "
        "comparator, scope, as_of, sources, rating, claim, got 'sorce'); did you mean 'sources'?")
    assert no_view_field({"a": 1}, "b") is None  # not a conflicts() value: Jinja2's own words


@pytest.mark.parametrize(("expression", "message"), [
    ("'%s %s' % ('a',)", "'%' formatting has more placeholders than values; give one value for each, as a tuple: "
                         "'%s and %s' % (a, b) (expected one value for each placeholder, got fewer)"),
    ("'%s' % ('a', 'b')", "'%' formatting was given more values than it has placeholders; write %% for a percent sign "
                          "(expected one value for each placeholder, got more)"),
    ("'%q' % 1", "'%' formatting: %q (at index 1 of the text) is no placeholder; write %% for a percent sign (expected "
                 "one of %s, %d, %i, %f, %e, %g, %x, %o, %c, %r or %%, got %q); did you mean '%%'?"),
    ("'%.1f' % 'x'", "'%' formatting: %f, %e and %g need a number, but were given text (str); write %s to print a "
                     "value as it is, or make a number of it first (| float) (expected a number, got text (str)); did "
                     "you mean '%s'?"),
    ("'{} {}'.format('a')", "format(): placeholder 1 (counting from 0) has no value; give one value for each {} "
                            "(expected at least 2 values, got fewer)"),
    ("1 / 0", "division by zero; test the divisor first: {% if n %}...{% endif %} (expected a divisor other than 0, "
              "got 0)"),
    ("[1] - 1", "'-' cannot work on a list and a whole number (int) (expected two numbers, got a list and a whole "
                "number (int))"),
    ("{}.x()", "AttributeError: 'dict' object has no attribute 'x'"),  # one it does not know keeps Python's words
])
def test_python_errors_are_worded(expression, message) -> None:
    try:
        eval(expression)  # noqa: S307 - fixed test expressions, to get Python's own error
    except Exception as exc:  # noqa: BLE001 - every kind is the point
        assert worded(exc)[0] == message
    else:
        raise AssertionError(f"{expression} raised nothing")
