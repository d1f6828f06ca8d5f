"""Line breaks in templates (briefgen.text.linebreaks): a line holding only tags leaves no
line behind; a line of text ending in a block tag or comment keeps its line break, so a
sentence after ``{% endif %}`` does not run on and a blank line still starts a paragraph
(tester report: ``Strike shown.{% endif %}`` + ``Line three.`` printed ``Strike shown.Line three.``)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import pdf_pages_text

from briefgen.resolve.select import resolve
from briefgen.text.linebreaks import keep_line_breaks
from briefgen.text.templates import Renderer, TemplateSource


def render(prepared, text: str, audience: str = "analyst") -> str:
    b = resolve(prepared.loaded, prepared.kb, audience)
    return Renderer(b, prepared.kb).render(TemplateSource(text, "specs/peru-china.yaml", 40, "section 'test'",
                                                          "sections[9].template"))


# --------------------------------------------------------------------------- the rewrite
@pytest.mark.parametrize(("text", "rewritten"), [
    ("Shown.{% endif %}\nNext.", "Shown.{% endif +%}\nNext."),
    ("a {# note #}\nb", "a {# note +#}\nb"),
    ("{{ x }}{% endif %}\nb", "{{ x }}{% endif +%}\nb"),
    ("{% endraw %}", "{% endraw %}"),  # no raw block open: a tag like any other, alone
    ("x {% raw %}{% if %}{% endraw %}\ny", "x {% raw %}{% if %}{% endraw +%}\ny"),
    ("a{% if true %}\r\nb", "a{% if true +%}\r\nb"),
    ("{{ '%}' }}{% if a %}\nz", "{{ '%}' }}{% if a +%}\nz"),
    ("text{% if a\n %}\nb", "text{% if a\n +%}\nb"),  # a tag over two lines ends the line it ends on
])
def test_a_tag_ending_a_line_of_text_keeps_the_newline(text, rewritten) -> None:
    assert keep_line_breaks(text) == rewritten


@pytest.mark.parametrize("text", [
    "{% if a %}\nb\n{% endif %}\nc",           # tags alone on their lines
    "  {% for x in y %}  {# c #}\n",            # tags, comments and white space
    "a\n{# a note #}\nb",
    "text{%- if a -%}\nb",                     # -%} strips as written
    "text{% if a +%}\nb",                      # already kept
    "text{% if a %}b",                         # the tag does not end the line
    "{% set s = 'x %}' %}\nv",                 # a string holding %}
    "no tags at all\n",
])
def test_lines_of_tags_and_written_signs_are_left_alone(text) -> None:
    assert keep_line_breaks(text) == text


@pytest.mark.parametrize(("text", "rewritten"), [
    ("{% if a %}X{% endif %}\nnext", '{% if a %}X{{ "\\n" }}{% endif %}\nnext'),
    ("  {% if a %}X{% elif b %}{% else %}Z{% endif %}\nn",  # an empty branch prints no newline
     '  {% if a %}X{{ "\\n" }}{% elif b %}{% else %}Z{{ "\\n" }}{% endif %}\nn'),
    ("{% for c in xs %}{{ c }}.{% endfor %}\nL",
     '{% for c in xs %}{{ c }}.{{ "\\n" if loop.last else "" }}{% endfor %}\nL'),
    ("{% for c in xs %}i{% else %}none{% endfor %}\nL",
     '{% for c in xs %}i{{ "\\n" if loop.last else "" }}{% else %}none{{ "\\n" }}{% endfor %}\nL'),
    ("{% if a %}T1\nT2{% endif %}\nn", '{% if a %}T1\nT2{{ "\\n" }}{% endif %}\nn'),
    ("a {% if b %}X{% endif %}\nn", "a {% if b %}X{% endif +%}\nn"),  # text before the block: not its own
    ("{% if a %}X\n  {% else %}Y{% endif %}\nn",  # the first branch ends its line already
     '{% if a %}X\n  {% else %}Y{{ "\\n" }}{% endif %}\nn'),
    ("{% if a %}X  {%- endif %}\nn", '{% if a %}X  {{- "\\n" }}{%- endif %}\nn'),
])
def test_a_block_that_is_its_lines_prints_their_newline(text, rewritten) -> None:
    assert keep_line_breaks(text) == rewritten


def test_the_rewrite_keeps_every_line_number() -> None:
    text = "a{% if x %}\nb{% endif %}\n{# c #}\nd{# e #}\n{% for i in y %}{{ i }}{% endfor %}\nf"
    out = keep_line_breaks(text)
    assert out.count("\n") == text.count("\n")
    assert out.replace("+", "").replace('{{ "\\n" if loop.last else "" }}', "") == text
    assert out.count("+") == 3


# --------------------------------------------------------------------------- rendered
@pytest.mark.parametrize(("text", "out"), [
    ("Line two.{% if visible('c-us-donation') %} Strike shown.{% endif %}\nLine three.",
     "Line two. Strike shown.\nLine three."),
    ("{% for c in ['a', 'b'] %}item {{ c }}.{% endfor %}\nLine five.", "item a.item b.\nLine five."),
    ("P1 {% if visible('c-us-donation') %}guarded.{% endif %}\n\nP2 ordinary.", "P1 guarded.\n\nP2 ordinary."),
    ("A\n{% if visible('c-us-donation') %}\nB\n{% endif %}\nC", "A\nB\nC"),
    ("A\n  {% for i in [1, 2] %}\n{{ i }}\n  {% endfor %}\nC", "A\n1\n2\nC"),
    ("A {# note #}\nB\n{# alone #}\nC", "A \nB\nC"),
    ("A{%- if true -%}\n B {%- endif %}\nC", "AB\nC"),
    ("A.\n{% if visible('c-us-donation') %}Shown.{% endif %}\nB.", "A.\nShown.\nB."),
    ("A.\n{% if true %}{% elif false %}Hidden.{% endif %}\nB.", "A.\nB."),  # an empty branch: no line
    ("A.\n{% if false %}Hidden.{% endif %}\n\nB.", "A.\n\nB."),
    ("A.\n{% if false %}Hidden.{% else %}Other.{% endif %}\nB.", "A.\nOther.\nB."),
    ("A.\n{% for x in [] %}{{ x }}.{% endfor %}\n\nB.", "A.\n\nB."),
    ("A.\n{% for x in [1, 2] %}{{ x }}.{% endfor %}\nB.", "A.\n1.2.\nB."),
    ("A.\n{% for x in [] %}{{ x }}{% else %}None.{% endfor %}\nB.", "A.\nNone.\nB."),
    ("A.\n{% if true %}X\n  {% else %}Y{% endif %}\nB.", "A.\nX\nB."),
    ("A.\n{% if false %}X\n  {% else %}Y{% endif %}\nB.", "A.\nY\nB."),
    ("A.\n{% if true %}X   {%- endif %}\nB.", "A.\nX\nB."),
])
def test_rendered_line_breaks(prepared, text, out) -> None:
    assert render(prepared, text) == out


def test_a_guarded_line_withheld_from_an_audience_leaves_no_line(prepared) -> None:
    text = ("Bottom line.\n{% if visible('c-desk-leverage') %}We judge it {{ claim('c-desk-leverage') | likelihood }}."
            "{% endif %}\nNext line.\n\nNext paragraph.")
    assert render(prepared, text, "public") == "Bottom line.\nNext line.\n\nNext paragraph."
    assert render(prepared, text, "analyst").startswith("Bottom line.\nWe judge it ")
    assert render(prepared, text, "analyst").endswith(".\nNext line.\n\nNext paragraph.")


def test_an_error_keeps_its_template_line(prepared) -> None:
    from briefgen.errors import TemplateError

    with pytest.raises(TemplateError) as info:
        render(prepared, "a{% if true %}\nb{% endif %}\n{{ entity('nope') }}")
    assert "line 3 of the template" in str(info.value) and "specs/peru-china.yaml:42" in str(info.value)


# --------------------------------------------------------------------------- read back from the PDF and HTML
SPEC = """\
briefing: {id: lines, title: Line breaks, date: 2025-05-12, desk: Test Desk}
knowledge_base: [kb]
audiences:
  analyst: {tlp: TLP:AMBER}
sections:
  - id: text
    title: Text
    template: |
      Line one ends with a plain sentence.
      Line two ends with a block.{% if visible('c-owner') %} Owner shown.{% endif %}
      Line three.

      P2 {% if visible('c-owner') %}guarded.{% endif %}

      P3 ordinary.{# a note #}
      {% if visible('c-owner') %}
      P3 continued.
      {% endif %}

      P4 ordinary.
"""


def test_pdf_and_html_keep_the_lines_and_paragraphs(tmp_path) -> None:
    from briefgen.pipeline.build import BuildOptions, build

    kb = Path(__file__).parents[1] / "data" / "bad" / "template-not-text" / "kb" / "kb.yaml"
    (tmp_path / "kb").mkdir()
    (tmp_path / "kb" / "kb.yaml").write_text(kb.read_text())
    (tmp_path / "briefgen.toml").write_text("")
    (tmp_path / "spec.yaml").write_text(SPEC)
    result = build(tmp_path / "spec.yaml", "analyst",
                   BuildOptions(out_dir=tmp_path / "out", formats=("pdf", "html"), write=False))
    paragraphs = re.findall(r'<p id="text\.p\d+"[^>]*>(.*?)</p>', result.html.decode())
    assert [re.sub(r"^\(TLP:CLEAR\) ", "", p) for p in paragraphs] == [
        "Line one ends with a plain sentence.<br>Line two ends with a block. Owner shown.<br>Line three.",
        "P2 guarded.", "P3 ordinary.<br>P3 continued.", "P4 ordinary."]
    page = pdf_pages_text(result.pdf)[1]
    lines = [line.strip() for line in page.splitlines()]
    assert "Line two ends with a block. Owner shown." in lines and "Line three." in lines
    assert "P3 continued." in lines and "(TLP:CLEAR) P4 ordinary." in lines
