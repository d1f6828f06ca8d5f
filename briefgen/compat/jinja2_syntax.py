"""Where in a template Jinja2 met a syntax error: the offset Jinja2's own error does not give.

:class:`jinja2.TemplateSyntaxError` carries a line number only; on a long line (a one-line
template of many words) the author is left to find the tag. :func:`syntax_error_spot` reads
the template again the way Jinja2 compiles it and notes where each token starts, using Jinja2's
lexer (``Environment.lexer``: ``tokeniter``, which yields each token's text as written, and
``wrap``, which turns them into the parser's tokens) and a :class:`jinja2.parser.Parser` whose
``stream`` is replaced by one that records where each token came from. None of these is the
documented template API (the lexer is internal; ``Parser`` and ``TokenStream`` are documented for
extensions only), hence this module, written for the versions of :mod:`briefgen.compat.jinja2`
(:data:`~briefgen.compat.jinja2.SUPPORTED`); outside them it finds no offset (the error keeps its
line, without a column) rather than fail.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from jinja2 import Environment, TemplateSyntaxError
from jinja2.lexer import Token, TokenStream
from jinja2.parser import Parser

from briefgen.compat import jinja2 as checked

_NEWLINES = re.compile(r"\r\n|\r|\n")


def normalised(text: str) -> str:
    """``text`` with every line break written ``\\n``, as Jinja2's lexer reads it (offsets are into it)."""
    return _NEWLINES.sub("\n", text)


class _Positions:
    """The tokens of ``text`` and where each is: ``start`` and ``end`` of the last raw token read,
    ``seen`` the parser's tokens with their spans, ``refused`` when ``wrap`` refused a raw token."""

    def __init__(self, env: Environment, text: str) -> None:
        self.env = env
        self.text = text
        self.source = normalised(text)
        self.start = self.end = 0
        self.seen: list[tuple[Token, int, int]] = []
        self.refused = False

    def raw(self) -> Iterator[tuple[int, str, str]]:
        # each raw token is the text as written, in order: the next one starts at or after the last one's end
        # (after white space that lstrip_blocks or '-' dropped)
        for lineno, kind, value in self.env.lexer.tokeniter(self.text, None):
            found = self.source.find(value, self.end) if value else -1
            self.start = found if found >= 0 else self.end
            self.end = self.start + len(value)
            yield lineno, kind, value

    def tokens(self) -> Iterator[Token]:
        try:
            for token in self.env.lexer.wrap(self.raw(), None):
                self.seen.append((token, self.start, self.end))
                yield token
        except TemplateSyntaxError:  # wrap refused the raw token just read (an identifier, a string escape)
            self.refused = True
            raise

    def span_of(self, token: Token) -> tuple[int, int] | None:
        return next(((start, end) for seen, start, end in reversed(self.seen) if seen is token), None)


@dataclass(frozen=True)
class Spot:
    """Where in :func:`normalised` text a syntax error is: ``start`` and ``end`` offsets of the token
    (or character) it complains of; for an error at the template's end (a block left open),
    ``unclosed`` names the innermost open block (``if``) and ``start``/``end`` span its opening tag
    (``{% if``), on an earlier line than the error's."""

    start: int
    end: int
    unclosed: str = ""


_OPENERS = frozenset({"if", "for", "macro", "call", "filter", "with", "block", "autoescape", "trans"})
_INNERMOST = re.compile(r"The innermost block that needs to be closed is '(\w+)'")


def syntax_error_spot(env: Environment, text: str, error: TemplateSyntaxError) -> Spot | None:
    """Where in :func:`normalised` ``text`` is what ``error`` (raised compiling ``text`` in ``env``)
    complains of: the token the parser stopped at (``got 'was'``), the character the lexer could
    not read (``unexpected '}'``), or, at the template's end, the tag opening the innermost block
    left open. None when it is not known: the error is not met again (an error of the compiler, not
    the parser), or is met on another line than the error's, or Jinja2 is not a version this module
    knows."""
    if not checked.VERSION_OK:
        return None
    positions = _Positions(env, text)
    try:
        for _ in positions.raw():
            pass
    except TemplateSyntaxError as again:  # the lexer stopped where the last token it read ends
        at = positions.end
        return Spot(at, at + 1) if _same(again, error) and _line_of(positions.source, at) == error.lineno else None
    positions = _Positions(env, text)
    parser: Any = Parser(env, text)
    parser.stream = TokenStream(positions.tokens(), None, None)
    try:
        parser.parse()
    except TemplateSyntaxError as again:
        if not _same(again, error):
            return None
        if parser.stream.current.type == "eof":
            return _innermost_open(positions.seen, again.message or "")
        span = (positions.start, positions.end) if positions.refused else positions.span_of(parser.stream.current)
        return Spot(*span) if span is not None and _line_of(positions.source, span[0]) == error.lineno else None
    except Exception:  # noqa: BLE001 - only a position is sought; the error itself is reported as met
        return None
    return None


_UNKNOWN = re.compile(r"No (filter|test) named '([^']+)'")


def unknown_name_spot(env: Environment, text: str, error: TemplateSyntaxError) -> tuple[Spot, str, str] | None:
    """For Jinja2's compile-time ``No filter named 'dat'.`` (or ``No test named ...``), which the
    parser does not meet again: ``(spot, kind, name)``, the spot being the name after its ``|`` (or
    ``is``, ``not``, ``{% filter``) on the error's line, ``kind`` ``filter`` or ``test``; None when the
    error is not one of these or the name is not found there."""
    named = _UNKNOWN.search(error.message or "")
    if named is None or not checked.VERSION_OK:
        return None
    kind, name = named.group(1), named.group(2)
    positions = _Positions(env, text)
    try:
        for _ in positions.tokens():
            pass
    except TemplateSyntaxError:
        return None
    before: Token | None = None
    for token, start, end in positions.seen:
        if (token.type == "name" and token.value == name and before is not None
                and (before.type == "pipe" or (before.type == "name" and before.value in ("is", "not", "filter")))
                and _line_of(positions.source, start) == error.lineno):
            return Spot(start, end), kind, name
        before = token
    return None


def _innermost_open(seen: list[tuple[Token, int, int]], message: str) -> Spot | None:
    """The opening tag of the innermost block still open after ``seen``, if it is the one ``message``
    (Jinja2's "Unexpected end of template") names."""
    named = _INNERMOST.search(message)
    stack: list[Spot] = []
    for i, (token, start, _) in enumerate(seen[:-1]):
        following, _, name_end = seen[i + 1]
        if token.type != "block_begin" or following.type != "name":
            continue
        name = str(following.value)
        rest = [t for t, _, _ in seen[i + 2:i + 40]]
        assigns = any(t.type == "assign" for t in _until_block_end(rest))
        if name in _OPENERS or (name == "set" and not assigns):
            stack.append(Spot(start, name_end, name))
        elif name.startswith("end") and stack:
            stack.pop()
    if named is None or not stack or stack[-1].unclosed != named.group(1):
        return None
    return stack[-1]


def _until_block_end(tokens: list[Token]) -> Iterator[Token]:
    for token in tokens:
        if token.type == "block_end":
            return
        yield token


def _same(again: TemplateSyntaxError, error: TemplateSyntaxError) -> bool:
    return again.lineno == error.lineno and again.message == error.message


def _line_of(source: str, offset: int) -> int:
    return source.count("\n", 0, offset) + 1
