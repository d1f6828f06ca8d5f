"""A template syntax error names its column, in the template line and in the file, and quotes
the words around it with the token marked (:mod:`briefgen.text.syntax_where`,
:mod:`briefgen.compat.jinja2_syntax`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefgen.errors import TemplateError
from briefgen.text.environment import compiled
from briefgen.text.sources import TemplateSource
from briefgen.text.syntax_where import marked

LONG = ("Peru's rail links matter to Lima, and to the mines beyond it. {% if visible('c-owner') % was named in "
        "the study{{ cite('c-owner') }}, which many read.{% endif %} Nothing else is known about it.")


def failure(tmp_path: Path, text: str, spec_line: str | None = None, line: int = 1) -> TemplateError:
    """The error compiling ``text``, written in a file whose line ``line`` is ``spec_line`` (default:
    the template itself, as a template file is)."""
    path = tmp_path / "written.yaml"
    path.write_text("\n" * (line - 1) + (spec_line if spec_line is not None else text) + "\n", encoding="utf-8")
    with pytest.raises(TemplateError) as caught:
        compiled(TemplateSource(text, str(path), line, "section 'intro'", "sections[0].template"))
    return caught.value


def test_a_long_one_line_template_names_the_column_in_the_template_and_the_file(tmp_path: Path) -> None:
    error = failure(tmp_path, LONG, spec_line=f'    template: "{LONG}"', line=7)
    [p] = error.problems
    column = LONG.index("named in") + 1  # `% was` reads as a modulo: the parser stops at 'named'
    assert p.message.startswith(f"section 'intro' (line 1, column {column} of the template): template syntax "
                                f"error: expected token 'end of statement block', got 'named'; here: …")
    assert "visible('c-owner') % was ⟨named⟩ in the study{{ cite(" in p.message
    assert (p.line, p.column) == (7, column + len('    template: "'))
    assert str(error).startswith(f"{tmp_path / 'written.yaml'}:7:{p.column}: section 'intro' (line 1, column")


def test_a_character_the_lexer_refuses_is_marked(tmp_path: Path) -> None:
    text = "First line.\nSecond {{ entity('perurail').name } and the end."
    [p] = failure(tmp_path, text).problems
    assert p.message == ("section 'intro' (line 2, column 35 of the template): template syntax error: "
                         "unexpected '}'; here: …nd {{ entity('perurail').name ⟨}⟩ and the end.")
    assert p.column == 35  # a template file: its lines are the template's


def test_an_unknown_tag_is_marked(tmp_path: Path) -> None:
    [p] = failure(tmp_path, "Intro {% fi x %}text").problems
    assert "Encountered unknown tag 'fi'." in p.message and "here: Intro {% ⟨fi⟩ x %}text" in p.message
    assert p.column == 10


def test_a_block_left_open_names_where_it_opens(tmp_path: Path) -> None:
    text = "One {% if visible('c-owner') %}text\nand more {% for x in [1] %}{{ x }}{% endfor %} words"
    [p] = failure(tmp_path, text).problems
    assert p.line == 2 and p.column == 0  # the error is the template's end; the message says where the block opens
    assert p.message.endswith("The innermost block that needs to be closed is 'if'. The 'if' block opens at "
                              f"line 1, column 5 of the template ({tmp_path / 'written.yaml'}:1:5): "
                              "One ⟨{% if⟩ visible('c-owner') %}text")


def test_a_line_not_written_as_is_in_the_file_has_no_file_column(tmp_path: Path) -> None:
    """A quoted YAML string with escapes: the template's text is not the file's, so only the
    template's column is known."""
    text = "Caf\u00e9 {{ x } y"
    [p] = failure(tmp_path, text, spec_line='    template: "Caf\\u00e9 {{ x } y"').problems
    assert "(line 1, column 11 of the template)" in p.message and p.column == 0


def test_an_unknown_filter_is_named_at_its_column_with_a_did_you_mean(tmp_path: Path) -> None:
    """A filter unknown to the environment fails when the code is generated, not parsed: it is
    found on its line after its '|', and offered the nearest of briefgen's and Jinja2's own."""
    [p] = failure(tmp_path, "text {{ x | nosuchfilter }}").problems
    assert p.message == ("section 'intro' (line 1, column 13 of the template): template syntax error: "
                         "no filter named 'nosuchfilter'; here: text {{ x | ⟨nosuchfilter⟩ }}")
    assert p.column == 13  # the file column: the file holds the template as is
    [p] = failure(tmp_path, "text {{ x | uper }}").problems
    assert "no filter named 'uper'; here: text {{ x | ⟨uper⟩ }}" in p.message and p.suggestion == "upper"


def test_marked_cuts_long_lines_on_both_sides() -> None:
    line = "a" * 50 + "XYZ" + "b" * 50
    assert marked(line, 50, 53) == "…" + "a" * 30 + "⟨XYZ⟩" + "b" * 30 + "…"
    assert marked("ab}", 2, 3) == "ab⟨}⟩"


def test_outside_the_jinja2_versions_it_was_written_for_no_column_is_sought(tmp_path: Path, monkeypatch) -> None:
    from briefgen.compat import jinja2 as compat_jinja2

    monkeypatch.setattr(compat_jinja2, "VERSION_OK", False)
    [p] = failure(tmp_path, "a {{ x } b").problems
    assert p.message == "section 'intro' (line 1 of the template): template syntax error: unexpected '}'"
    assert p.column == 0
