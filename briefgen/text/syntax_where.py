"""Where on its line a template's syntax error is: the column, and a short excerpt that marks it.

Jinja2's :class:`~jinja2.TemplateSyntaxError` names a line only; in a long one-line template
``expected token 'end of statement block', got 'was'`` leaves the author to search the line.
:func:`syntax_where` finds the token (:func:`briefgen.compat.jinja2_syntax.syntax_error_spot`)
and gives its column in the template line, its column in the file (where the line's text is found
as written there: a template file, a ``|`` block; 0 when it is not, e.g. a quoted string with
escapes), and words for the message: ``; here: …visible('x') % ⟨was⟩ the…``, or for a block
left open at the template's end, where it opens. An unknown filter (``No filter named 'dat'.``,
met generating code, not parsing) is found after its ``|`` and offered the nearest filter.
"""

from __future__ import annotations

from dataclasses import dataclass

from jinja2 import Environment, TemplateSyntaxError

from briefgen.compat.jinja2_syntax import normalised, syntax_error_spot, unknown_name_spot
from briefgen.errors import did_you_mean
from briefgen.regular_files import read_regular
from briefgen.text.sources import TemplateSource

CONTEXT = 30
"""Characters of the line shown on each side of the marked token."""


@dataclass(frozen=True)
class SyntaxWhere:
    """``column``: 1-based column of the error in its template line (0: unknown); ``file_column``:
    the same in the file the template is written in (0: unknown); ``note``: words to add to the
    message (empty when nothing was found)."""

    column: int = 0
    file_column: int = 0
    note: str = ""
    message: str = ""
    """Words to say instead of Jinja2's message (empty: its own)."""


def syntax_where(env: Environment, source: TemplateSource, error: TemplateSyntaxError) -> SyntaxWhere:
    """Where ``error``, raised compiling ``source`` in ``env``, is on its line (see the module doc)."""
    unknown = unknown_name_spot(env, source.text, error)
    if unknown is not None:  # met compiling, not parsing: ``No filter named 'dat'.``
        at, kind, name = unknown
        known = env.filters if kind == "filter" else env.tests  # briefgen's and Jinja2's own
        close = did_you_mean(name, sorted(known))
        found = _where(source, at.start, at.end)
        hint = f"; did you mean {close!r}?" if close else ""
        return SyntaxWhere(found.column, found.file_column, f"; here: {found.note}{hint}", f"no {kind} named {name!r}")
    spot = syntax_error_spot(env, source.text, error)
    if spot is None:
        return SyntaxWhere()
    text = normalised(source.text)
    line_start = text.rfind("\n", 0, spot.start) + 1
    line_end = text.find("\n", spot.start)
    line = text[line_start:line_end if line_end >= 0 else len(text)]
    column = spot.start - line_start + 1
    excerpt = marked(line, column - 1, min(spot.end, line_start + len(line)) - line_start)
    line_number = text.count("\n", 0, spot.start) + 1
    in_file = file_column(source, line_number, line, column)
    if spot.unclosed:
        where = f"line {line_number}, column {column} of the template"
        if in_file:
            where += f" ({source.file}:{source.line + line_number - 1}:{in_file})"
        return SyntaxWhere(note=f" The {spot.unclosed!r} block opens at {where}: {excerpt}")
    return SyntaxWhere(column, in_file, f"; here: {excerpt}")


def _where(source: TemplateSource, start: int, end: int) -> SyntaxWhere:
    """Columns (template line, file) of offsets ``start``..``end`` of the normalised template, and
    the excerpt marking them as ``note``."""
    text = normalised(source.text)
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    line = text[line_start:line_end if line_end >= 0 else len(text)]
    column = start - line_start + 1
    in_file = file_column(source, text.count("\n", 0, start) + 1, line, column)
    return SyntaxWhere(column, in_file, marked(line, column - 1, min(end, line_start + len(line)) - line_start))


def marked(line: str, start: int, end: int) -> str:
    """``line`` cut to :data:`CONTEXT` characters on each side of ``line[start:end]``, which is
    wrapped in ``⟨ ⟩`` (``…% was ⟨the⟩ largest…``); ``…`` where the line was cut."""
    end = max(end, start + 1)
    before = line[max(0, start - CONTEXT):start]
    after = line[end:end + CONTEXT]
    return (("…" if start > CONTEXT else "") + before + "⟨" + line[start:end] + "⟩" + after
            + ("…" if end + CONTEXT < len(line) else ""))


def file_column(source: TemplateSource, line_number: int, line: str, column: int) -> int:
    """The column in ``source.file`` of template line ``line_number``'s ``column``: found where the
    line's text stands as written on its file line; 0 when it does not (or the file cannot be read)."""
    if not line.strip():
        return 0
    try:
        lines = normalised(read_regular(source.file).decode("utf-8-sig")).split("\n")
        written = lines[source.line + line_number - 2]
    except (OSError, UnicodeDecodeError, IndexError, ValueError):
        return 0
    at = written.find(line)
    return at + column if at >= 0 else 0
