"""Templates past Python's limits (too deeply nested to compile or to render) and templates
that would load other templates: located TemplateErrors naming the template line and the
limit, never a RecursionError, IndentationError or TypeError traceback."""

from __future__ import annotations

import pytest

from briefgen.errors import TemplateError
from briefgen.text import bytecode
from briefgen.text.environment import compiled, make_environment
from briefgen.text.nesting import deepest
from briefgen.text.templates import Renderer, TemplateSource


def render(prepared, text: str, audience: str = "analyst") -> str:
    from briefgen.resolve.select import resolve

    b = resolve(prepared.loaded, prepared.kb, audience)
    src = TemplateSource(text, "specs/peru-china.yaml", 40, "section 'test'", "sections[9].template")
    return Renderer(b, prepared.kb).render(src)


def _nested_fors(n: int) -> str:
    return "".join(f"{{% for i{k} in [1] %}}" for k in range(n)) + "x" + "{% endfor %}" * n


# template, its line that nests deepest, the limit the message names
TOO_DEEP_TO_COMPILE = [
    ("a\nb\n{{ " + "(" * 100 + "1" + ")" * 100 + " }}", 3,
     "brackets and calls nest 100 deep; they can nest about 60 levels within Python's recursion limit (1000 calls)"),
    ("{{ " + "[" * 90 + "1" + "]" * 90 + " }}", 1, "brackets and calls nest 90 deep; they can nest about 60"),
    ("{% with a = 1 %}" * 300 + "x" + "{% endwith %}" * 300, 1,
     "blocks nest 300 deep; about 240 levels parse within Python's recursion limit (1000 calls)"),
    ("{% if true %}" * 150 + "{{ " + "(" * 80 + "1" + ")" * 80 + " }}" + "{% endif %}" * 150, 1,
     "brackets and calls nest 80 deep"),
    ("{% if true %}" * 100 + "x" + "{% endif %}" * 100, 1,
     "blocks ({% if %}, {% for %}, {% macro %} ...) nest 100 deep; they can nest about 95 levels (Python allows "
     "100 levels of indentation)"),
    ("top\n" + "{% macro m() %}" * 100 + "x" + "{% endmacro %}" * 100, 2, "blocks ({% if %}, {% for %}, "
                                                                           "{% macro %} ...) nest 100 deep"),
    (_nested_fors(25), 1, "blocks nest 25 deep; {% for %} loops can nest at most 20 deep in one template or "
                          "macro (Python's limit)"),
    pytest.param("a\n{{ 1 }}\n{{ 1" + " + 1" * 250 + " }}", 3, "an expression chains too many operations; at most "
                 "about 200 (a + b + ..., x.a.b ...: Python's limit of 200 nested parentheses)",
                 marks=pytest.mark.slow),  # Jinja2's optimizer: seconds
]


@pytest.mark.parametrize(("text", "line", "limit"), TOO_DEEP_TO_COMPILE)
def test_a_template_too_deep_to_compile_is_a_located_error(prepared, text, line, limit) -> None:
    with pytest.raises(TemplateError) as info:
        render(prepared, text)
    (problem,) = info.value.problems
    assert (problem.file, problem.line, problem.key, problem.code) == (
        "specs/peru-china.yaml", 40 + line - 1, "sections[9].template", "template-too-deep")
    assert problem.message.startswith(f"section 'test' (line {line} of the template): the template nests too "
                                      f"deeply to compile: {limit}"), problem.message
    assert str(info.value).startswith(f"specs/peru-china.yaml:{40 + line - 1}: section 'test'")
    assert info.value.exit_code == 2


def test_just_under_the_limits_still_compiles(prepared) -> None:
    assert render(prepared, "{{ " + "(" * 40 + "1" + ")" * 40 + " }}") == "1"
    assert render(prepared, "{% if true %}" * 80 + "x" + "{% endif %}" * 80) == "x"
    assert render(prepared, _nested_fors(19)) == "x"


RECURSIVE_MACRO = "intro\n{% macro down(n) %}{{ down(n + 1) }}{% endmacro %}{{ down(0) }}"
DEEP_LIST = ("{% set ns = namespace(x=[]) %}{% for i in range(3000) %}{% set ns.x = [ns.x] %}{% endfor %}\n"
             "{{ ns.x FILTER }}")


@pytest.mark.parametrize(("text", "line"), [
    (RECURSIVE_MACRO, 2),
    ("{% for x in [[1]] recursive %}{{ loop([x]) }}{% endfor %}", 1),
    (DEEP_LIST.replace(" FILTER", ""), 2),  # printed
    (DEEP_LIST.replace("FILTER", "| tojson"), 2),
    (DEEP_LIST.replace("FILTER", "| string"), 2),
    ("{% set ns = namespace(x=[], y=[]) %}{% for i in range(3000) %}{% set ns.x = [ns.x] %}{% set ns.y = [ns.y] %}"
     "{% endfor %}\n{{ ns.x == ns.y }}", 2),
])
def test_a_template_too_deep_to_render_is_a_located_error(prepared, text, line) -> None:
    with pytest.raises(TemplateError) as info:
        render(prepared, text)
    (problem,) = info.value.problems
    assert (problem.line, problem.code) == (40 + line - 1, "template-too-deep")
    assert problem.message.startswith(
        f"section 'test' (line {line} of the template): the template nests too deeply while rendering (a "
        f"recursive macro or loop, or a value nested deeper than Python's recursion limit of "), problem.message
    assert render(prepared, "still {{ 'working' }}") == "still working"  # the renderer is usable after it


@pytest.mark.parametrize(("text", "line", "tag"), [
    ("a\n{% include '/etc/passwd' %}", 2, "include"),
    ("{% include 'specs/audiences.yaml' ignore missing %}", 1, "include"),
    ("{% import 'macros.j2' as m %}{{ m.x() }}", 1, "import"),
    ("a\nb\n{% from 'macros.j2' import x %}", 3, "from ... import"),
    ("{% extends 'base.j2' %}", 1, "extends"),
])
def test_loading_another_template_is_refused_at_its_line(prepared, text, line, tag) -> None:
    with pytest.raises(TemplateError) as info:
        render(prepared, text)
    (problem,) = info.value.problems
    assert (problem.line, problem.code) == (40 + line - 1, "template-syntax")
    assert problem.message == (
        f"section 'test' (line {line} of the template): {{% {tag} %}} is not supported: a briefgen template "
        f"cannot load another template (write the text here, with a {{% macro %}} for a repeated part, or use "
        f"the section's template_file)")


def test_a_syntax_error_names_the_template_line(prepared) -> None:
    src = TemplateSource("one\ntwo\nthree {{ x + }}", "specs/t.j2", 1, "section 'x'", "template")
    with pytest.raises(TemplateError) as info:
        compiled(src)
    (problem,) = info.value.problems
    assert (problem.file, problem.line, problem.code) == ("specs/t.j2", 3, "template-syntax")
    assert problem.message.startswith("section 'x' (line 3, column 14 of the template): template syntax error: "
                                      "unexpected")


def test_too_deep_templates_go_through_the_bytecode_cache_and_are_never_stored(project_cache) -> None:
    src = TemplateSource("{% if true %}" * 100 + "x" + "{% endif %}" * 100, "spec.yaml", 5, "section 'x'",
                         "sections[0].template")
    with pytest.raises(TemplateError) as info:
        compiled(src)
    assert info.value.problems[0].code == "template-too-deep"
    assert not list(project_cache.glob("jinja/*/*.cache"))
    fine = TemplateSource("{{ 1 + 1 }}", "spec.yaml", 5, "section 'x'", "sections[0].template")
    assert compiled(fine) is not None
    assert len(list(project_cache.glob("jinja/*/*.cache"))) == 1


def test_code_that_cannot_be_marshalled_is_kept_in_memory_only(tmp_path, monkeypatch) -> None:
    """marshal refuses objects nested too deeply (ValueError): the compiled code is still
    returned, nothing is stored and nothing is reported as a write failure."""
    env = make_environment()

    def refuse(self, bucket):
        raise ValueError("object too deeply nested to marshal")

    monkeypatch.setattr(bytecode.SignedBytecodeCache, "set_bucket", refuse)
    monkeypatch.setattr(bytecode.cachesign, "user_key", lambda: b"k" * 32)
    code = bytecode.compile_cached(env, tmp_path / "jinja", "{{ 2 }}", "x", "spec.yaml#x")
    assert code.co_filename == "spec.yaml#x"
    assert not list((tmp_path / "jinja").glob("*.cache"))
    assert str(tmp_path / "jinja") not in bytecode.WRITE_FAILURES


@pytest.mark.parametrize(("text", "brackets", "blocks"), [
    ("plain", (0, 1), (0, 1)),
    ("a\n{{ ((1)) }}", (2, 2), (0, 1)),
    ("{% if x %}\n{% for y in z %}\n{{ (y) }}{% endfor %}{% endif %}", (1, 3), (2, 2)),
    ("{% set a = [1] %}{% set b %}\n{{ (a) }}{% endset %}", (1, 1), (1, 1)),  # a {% set %} block opens, `=` not
    ("{{ (1) }}\n{{ ((((2)))) }}\n{{ (3) }}", (4, 2), (0, 1)),
    ("{{ 1 }", (0, 1), (0, 1)),  # not a template: nothing found
])
def test_deepest_finds_the_depth_and_its_first_line(text, brackets, blocks) -> None:
    found = deepest(make_environment(), text)
    assert (found.brackets, found.blocks) == (brackets, blocks)
