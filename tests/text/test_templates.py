"""Templates: functions and filters, withheld claims, strict undefined, the sandbox."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import TESTS

from briefgen.errors import TemplateError, TemplateSecurityError, WithheldError
from briefgen.resolve.select import resolve
from briefgen.text.templates import Renderer, TemplateSource, cite_token, ref_token


def render(prepared, audience: str, text: str) -> str:
    b = resolve(prepared.loaded, prepared.kb, audience)
    src = TemplateSource(text, "specs/peru-china.yaml", 40, "section 'test'", "sections[9].template")
    return Renderer(b, prepared.kb).render(src)


def test_filters_format_figures_dates_and_likelihood(prepared):
    out = render(prepared, "analyst",
                 "{{ claim('c-perurail-revenue').figures[0] | figure }} / "
                 "{{ claim('c-chancay-cost').figures[0] | figure }} / "
                 "{{ claim('c-california-ceremony').date | date }} / "
                 "{{ claim('c-2026-run') | likelihood }} / {{ entity('china-minmetals').aliases | last }}")
    assert out == ("more than USD 65 million per year / USD 1.3 billion / late April 2025 / "
                   "likely (65%, low confidence) / 中国五矿")


def test_cite_and_ref_make_tokens(prepared):
    out = render(prepared, "analyst", "x{{ cite('c-us-donation', 'c-chancay-cost') }} {{ ref('fig-money') }}")
    assert out == "x" + cite_token(("c-us-donation", "c-chancay-cost")) + " " + ref_token("fig-money")


def test_withheld_claim_fails_unless_guarded(prepared):
    with pytest.raises(WithheldError) as info:
        render(prepared, "public", "Intro\n\nWe judge {{ claim('c-desk-leverage').statement }}")
    msg = str(info.value)
    assert "specs/peru-china.yaml:42" in msg and "line 3 of the template" in msg
    assert "'c-desk-leverage'" in msg and "withheld from audience 'public'" in msg
    guarded = "{% if visible('c-desk-leverage') %}secret{% else %}open{% endif %}"
    assert render(prepared, "public", guarded) == "open"
    assert render(prepared, "analyst", guarded) == "secret"


def test_missing_field_and_undefined_name_name_the_culprit(prepared):
    with pytest.raises(TemplateError) as info:
        render(prepared, "analyst", "a\nb {{ entity('china-minmetals').contry }}")
    msg = str(info.value)
    assert "entity 'china-minmetals' has no field 'contry'" in msg
    assert "did you mean 'country'?" in msg
    assert "specs/peru-china.yaml:41" in msg
    with pytest.raises(TemplateError) as info:
        render(prepared, "analyst", "{{ nonsense }}")
    assert "'nonsense' is undefined" in str(info.value)
    with pytest.raises(TemplateError) as info:
        render(prepared, "analyst", "{{ claim('c-us-donaton') }}")
    assert "did you mean 'c-us-donation'?" in str(info.value)


@pytest.mark.parametrize(("text", "audience", "line", "code", "message", "suggestion"), [
    ("a\nb {{ entity('china-minmetals').contry }}", "analyst", 41, "template-undefined",
     "section 'test' (line 2 of the template): entity 'china-minmetals' has no field 'contry'", "country"),
    ("{{ claim('c-us-donaton') }}", "analyst", 40, "template-undefined",
     "section 'test' (line 1 of the template): unknown claim id 'c-us-donaton'", "c-us-donation"),
    ("x\ny\n{{ claim('c-desk-leverage').statement }}", "public", 42, "template-withheld",
     "section 'test' (line 3 of the template): refers to claim 'c-desk-leverage', which is withheld",
     '{% if visible("c-desk-leverage") %}'),
    ("one\ntwo {% if %}", "analyst", 41, "template-syntax",
     "section 'test' (line 2, column 11 of the template): template syntax error", ""),
])
def test_template_errors_carry_a_located_problem(prepared, text, audience, line, code, message, suggestion):
    """The error's one Problem holds the file, the line in it, the spec key, a code and the
    did-you-mean apart (the message keeps the rest), for the Problems block and --json."""
    with pytest.raises(TemplateError) as info:
        render(prepared, audience, text)
    (problem,) = info.value.problems
    assert (problem.file, problem.line, problem.key, problem.code) == ("specs/peru-china.yaml", line,
                                                                       "sections[9].template", code)
    assert problem.message.startswith(message) and problem.suggestion == suggestion
    assert "did you mean" not in problem.message and problem.severity == "error"
    assert f"specs/peru-china.yaml:{line}: {message}" in str(info.value)  # the one-line text is unchanged


def test_sandbox_refuses_internals(prepared):
    with pytest.raises(TemplateSecurityError) as info:
        render(prepared, "analyst", "{{ cycler.__init__.__globals__ }}")
    assert "sandbox" in str(info.value)
    with pytest.raises(TemplateSecurityError):
        render(prepared, "analyst", "{{ claim('c-us-donation').__class__.__mro__ }}")


def test_syntax_error_is_located(prepared):
    with pytest.raises(TemplateError) as info:
        render(prepared, "analyst", "one\ntwo {% if %}")
    assert "specs/peru-china.yaml:41" in str(info.value) and "syntax" in str(info.value)


def test_validate_lists_every_broken_template_at_once(example_project):
    """Three broken sections: one run names all three (not one per run)."""
    from briefgen.pipeline.build import check_templates, prepare

    spec = example_project / "specs" / "peru-china.yaml"
    text = spec.read_text(encoding="utf-8")
    text = text.replace("{{ entity('chancay-port').name }}", "{{ entity('chancay-prot').name }}", 1)
    text = text.replace("{{ cite('c-us-donation') }}", "{{ cite('c-us-donatoin') }}", 1)
    text = text.replace("{{ entity('blinken').name }}", "{{ entity('blinken').nmae }}", 1)
    spec.write_text(text, encoding="utf-8")
    with pytest.raises(TemplateError) as info:
        check_templates(prepare(spec))
    message = str(info.value)
    assert message.startswith("3 template errors:")
    for culprit in ("'chancay-prot'", "'c-us-donatoin'", "has no field 'nmae'"):
        assert message.count(culprit) == 1, (culprit, message)
    assert message.count("peru-china.yaml:") == 3  # each with its file and line
    assert "for audience" not in message  # none of them is inside a test of visible()
    assert sorted((p.code, p.suggestion) for p in info.value.problems) == [  # located, for --json
        ("template-undefined", "c-us-donation"), ("template-undefined", "chancay-port"), ("template-undefined", "name")]


def test_claim_sources_are_only_the_visible_ones_and_print_as_text(levels_prepared_for_templates):
    """Issue 13: ``claim('x').sources`` holds the Source items this audience may see (a
    withheld one is not even named); items and lists print as their text, never a repr."""
    prepared = levels_prepared_for_templates
    text = "{{ claim('c-mixed').sources }}|{% for s in claim('c-mixed').sources %}[{{ s.id }}]{% endfor %}|" \
           "{{ claim('c-mixed').about }}|{{ claim('c-alpaca') }}|{{ entity('e-hub') }}|{{ source('s-alpaca') }}"
    red = render(prepared, "red", text).split("|")
    clear = render(prepared, "clear", text).split("|")
    titles = {s.id: s.title for s in prepared.kb.sources.values()}
    assert clear[0] == titles["s-alpaca"] and clear[1] == "[s-alpaca]"
    assert red[0] == f"{titles['s-alpaca']}, {titles['s-rhino']}" and red[1] == "[s-alpaca][s-rhino]"
    assert clear[2] == prepared.kb.entities["e-hub"].name
    assert clear[3] == prepared.kb.claims["c-alpaca"].statement
    assert clear[4] == prepared.kb.entities["e-hub"].name and clear[5] == titles["s-alpaca"]
    printed = [part for out in (red, clear) for i, part in enumerate(out) if i != 1]
    assert not [p for p in printed if any(bad in p for bad in ("Source(", "Entity(", "Claim(", "['", "id='"))]


@pytest.fixture(scope="module")
def levels_prepared_for_templates():

    from briefgen.pipeline.build import prepare

    return prepare(TESTS / "data" / "tlp_levels" / "spec.yaml")


def test_validate_renders_each_audience_subject_as_email_would(example_project):
    """A subject template that names a claim withheld from its audience fails at validate
    (located at the audience's distribution.subject), not first at ``email``."""
    from briefgen.pipeline.build import check_templates, prepare

    audiences = example_project / "specs" / "audiences.yaml"
    text = audiences.read_text(encoding="utf-8")
    assert text.count("subject: Peru-China briefing (public release)") == 1
    audiences.write_text(text.replace("subject: Peru-China briefing (public release)",
                                      "subject: \"{{ claim('c-desk-leverage').statement }}\""), encoding="utf-8")
    with pytest.raises(TemplateError) as info:
        check_templates(prepare(example_project / "specs" / "peru-china.yaml"))
    [problem] = info.value.problems
    assert (Path(problem.file), problem.key) == (audiences, "audiences.public.distribution.subject")
    assert "refers to claim 'c-desk-leverage', which is withheld from audience 'public'" in problem.message
