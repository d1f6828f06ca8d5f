"""Templates nested deeper than Python compiles or runs: what the limit is and where the
template passes it, for a located :class:`~briefgen.errors.TemplateError`.

Jinja2 compiles a template to Python, so Python's own limits bound how deeply a template
may nest (measured with Jinja2 3.1 on CPython 3.11, default recursion limit 1000):

* brackets and calls: Jinja2's parser recurses about 14 frames per level, so about 60
  nested ``(``, ``[``, ``{`` or calls (``{{ ((((1)))) }}``) pass Python's recursion limit;
* blocks: Python allows 100 levels of indentation (about 95 nested ``{% if %}``,
  ``{% macro %}`` ...) and 20 nested loops in one function (``{% for %}`` inside
  ``{% for %}``, within one template or macro); blocks that add no indentation
  (``{% with %}``, ``{% set %}`` ... ``{% endset %}``) meet the recursion limit at about 240;
* chains: ``a + b + ...`` and ``x.a.b...`` compile to nested parentheses, at most 200;
* rendering: a recursive macro or loop, or a value nested deeper than the recursion limit
  (a list in a list in a list ... printed, compared or turned into JSON).

The limits are found by Python when it fails (RecursionError, SyntaxError,
IndentationError, MemoryError); nothing is checked beforehand, so templates that compile
pay nothing.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any

ABOUT_BRACKETS = 60
"""About how many nested brackets or calls Jinja2 parses within the default recursion limit."""

ABOUT_BLOCKS = 240
"""About how many nested blocks Jinja2 parses within the default recursion limit (``{% with %}``;
``{% if %}`` and ``{% macro %}`` meet Python's indentation limit first)."""

_OPENERS = frozenset({"if", "for", "macro", "call", "filter", "with", "block", "autoescape", "trans"})


@dataclass(frozen=True)
class Nesting:
    """How deeply a template nests, each as (depth, first template line at that depth):
    ``brackets`` (``(``, ``[``, ``{``, calls), ``blocks`` (``{% if %}`` ... ``{% endif %}``
    and the like), and ``longest``: (tokens, line) of its longest tag, where a chain of
    operations is."""

    brackets: tuple[int, int] = (0, 1)
    blocks: tuple[int, int] = (0, 1)
    longest: tuple[int, int] = (0, 1)


def compile_failure(env: Any, text: str, exc: BaseException) -> tuple[int, str]:
    """(template line, message) for ``exc`` (RecursionError, SyntaxError or its
    IndentationError, MemoryError) raised while compiling template ``text`` in ``env``: how
    deeply it nests and where (:func:`deepest`), and which of Python's limits it passed."""
    found = deepest(env, text)
    (brackets, bracket_line), (blocks, block_line) = found.brackets, found.blocks
    recursion = f"Python's recursion limit ({sys.getrecursionlimit()} calls)"
    if isinstance(exc, RecursionError) and brackets / ABOUT_BRACKETS >= blocks / ABOUT_BLOCKS:
        line, why = bracket_line, (f"brackets and calls nest {brackets} deep; they can nest about {ABOUT_BRACKETS} "
                                   f"levels within {recursion}")
    elif isinstance(exc, RecursionError):
        line, why = block_line, f"blocks nest {blocks} deep; about {ABOUT_BLOCKS} levels parse within {recursion}"
    elif isinstance(exc, IndentationError):
        line, why = block_line, (f"blocks ({{% if %}}, {{% for %}}, {{% macro %}} ...) nest {blocks} deep; they can "
                                 f"nest about 95 levels (Python allows 100 levels of indentation)")
    elif isinstance(exc, SyntaxError) and "statically nested blocks" in str(exc.msg):
        line, why = block_line, (f"blocks nest {blocks} deep; {{% for %}} loops can nest at most 20 deep in one "
                                 f"template or macro (Python's limit)")
    elif isinstance(exc, SyntaxError) and "parenthes" in str(exc.msg):
        line, why = found.longest[1], ("an expression chains too many operations; at most about 200 (a + b + ..., "
                                       "x.a.b ...: Python's limit of 200 nested parentheses)")
    elif isinstance(exc, SyntaxError):
        line, why = block_line, f"Python refuses the code it compiles to ({exc.msg})"
    elif isinstance(exc, MemoryError):
        line, why = 1, "compiling it needs more memory than there is"
    else:
        line, why = 1, f"Python cannot compile it ({type(exc).__name__}: {exc})"
    return line, f"the template nests too deeply to compile: {why}; split it up (a {{% set %}} for a part, a macro)"


def render_failure() -> str:
    """The message for a RecursionError while rendering."""
    return (f"the template nests too deeply while rendering (a recursive macro or loop, or a value nested "
            f"deeper than Python's recursion limit of {sys.getrecursionlimit()} calls)")


def deepest(env: Any, text: str) -> Nesting:
    """How deeply brackets and blocks nest in ``text`` at most, and the first template line
    where they do (:class:`Nesting`; all zero at line 1 when the text cannot be read as
    tokens). Reads Jinja2's raw tokens (:meth:`jinja2.Environment.lex`): brackets are
    ``operator`` tokens, a tag's words ``name`` tokens."""
    from jinja2 import TemplateSyntaxError

    brackets = blocks = 0
    most_brackets, most_blocks, longest = (0, 1), (0, 1), (0, 1)
    tag: list[tuple[str, str]] = []  # the tokens of the tag being read
    in_block = False
    try:
        for lineno, kind, value in env.lex(text):
            if kind == "whitespace":
                continue
            if kind in ("block_begin", "variable_begin"):
                in_block, tag = kind == "block_begin", []
            elif kind in ("block_end", "variable_end"):
                if in_block:
                    blocks += _block_change(tag)
                    if blocks > most_blocks[0]:
                        most_blocks = (blocks, lineno)
                in_block = False
                if len(tag) > longest[0]:
                    longest = (len(tag), lineno)
            else:
                tag.append((kind, value))
            if kind == "operator" and value in ("(", "[", "{"):
                brackets += 1
                if brackets > most_brackets[0]:
                    most_brackets = (brackets, lineno)
            elif kind == "operator" and value in (")", "]", "}"):
                brackets -= 1
    except (TemplateSyntaxError, RecursionError, MemoryError):
        return Nesting()
    return Nesting(most_brackets, most_blocks, longest)


def _block_change(tag: list[tuple[str, str]]) -> int:
    """+1 for a tag that opens a block, -1 for one that ends it, else 0."""
    if not tag or tag[0][0] != "name":
        return 0
    name = tag[0][1]
    if name.startswith("end"):
        return -1
    if name == "set":  # {% set x %} ... {% endset %} opens; {% set x = 1 %} does not
        return 0 if ("operator", "=") in tag else 1
    return 1 if name in _OPENERS else 0
