"""PyYAML's syntax errors in words an author can act on.

PyYAML names what its parser expected and found by token names (``expected <block end>, but
found '<scalar>'``); :func:`syntax_message` says instead what the text at the error does (a
quoted value followed by more text, a list item out of line, a bracket never closed) and how
to write it, with the whole value quoted when that is the fix; :func:`syntax_problem` also says
where to look (a quote left open at the quote that opens it, found by scanning the text again
with PyYAML's scanner; a key without its ':' on its own line; never a line past the end).
"""

from __future__ import annotations

import re
from typing import Any

import yaml

_TOKENS = {
    "<block end>": "the end of the indented block",
    "<scalar>": "more text",
    "<block mapping start>": "a new 'key: value' block",
    "<block sequence start>": "a list item ('- ')",
    "<block entry>": "a list item ('- ')",
    "<flow mapping start>": "'{'",
    "<flow sequence start>": "'['",
    "<flow mapping end>": "'}'",
    "<flow sequence end>": "']'",
    "<flow entry>": "','",
    "<key>": "a key",
    "<value>": "':'",
    "<stream end>": "the end of the file",
    "<document start>": "'---'",
    "<anchor>": "an anchor ('&')",
    "<alias>": "an alias ('*')",
    "<tag>": "a tag ('!')",
}
"""PyYAML's token names -> words."""

def _words(text: str) -> str:
    for token, words in _TOKENS.items():
        text = text.replace(f"'{token}'", words).replace(token, words)
    return text


def quoted_whole(value: str) -> str:
    """``value`` as one YAML quoted scalar: in double quotes when it holds no ``"`` or ``\\``,
    else in single quotes with each ``'`` doubled."""
    if '"' not in value and "\\" not in value:
        return f'"{value}"'
    return "'" + value.replace("'", "''") + "'"


def _value_after_key(line: str) -> str | None:
    """The value written after ``key:`` (or ``- key:``) on ``line``, or a list item's whole
    quoted value (``- 'a' b``), or None."""
    body = line.strip()
    if body.startswith("- "):
        body = body[2:].lstrip()
    key, sep, value = body.partition(": ")
    if sep and key and key[0] not in "'\"":
        return value.strip() or None
    return body if body[:1] in "'\"" else None


def syntax_problem(exc: Any, text: str) -> tuple[int, int, str, str]:
    """``(line, column, message, expected)`` (1-based; 0, 0 when unknown) for the
    ``yaml.MarkedYAMLError`` ``exc`` raised reading ``text``: located where the author must look,
    which is not always where PyYAML stopped (a quote left open is named where it opens, a line
    without its ':' on that line, not the next)."""
    opened = _unclosed_quote(exc, text)
    if opened is not None:
        return opened
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark is not None else (0, 0)
    problem = str(exc.problem or "")
    lines = text.splitlines()
    if problem == "could not find expected ':'" and exc.context_mark is not None:  # "while scanning a simple key"
        line, col = exc.context_mark.line + 1, exc.context_mark.column + 1
        return (line, col) + _missing_colon(lines[line - 1] if line <= len(lines) else "")
    if problem.startswith("expected <block end>, but found '") and problem[-2:-1] in "-?" and mark is not None:
        return _list_among_keys(exc, lines)
    message, expected = syntax_message(exc, text)
    if line > len(lines) and lines:  # at the end of a file ending in a line break: its last line, not one past it
        line, col = len(lines), len(lines[-1]) + 1
    return line, col, message, expected


def _missing_colon(line: str) -> tuple[str, str]:
    written = line.strip()
    fix = re.fullmatch(r"(-\s+)?([A-Za-z_][\w-]*)\s+(\S.*)", written)
    expected = "'key: value'" + (f", e.g. '{fix.group(1) or ''}{fix.group(2)}: {fix.group(3)}'" if fix else "")
    return (f"a line that is not 'key: value' ({written!r}): a ':' followed by a space is missing, or text "
            "continues on a line of its own (indent it under its key, or use '|' for text of several lines)",
            expected)


def _list_among_keys(exc: Any, lines: list[str]) -> tuple[int, int, str, str]:
    """A list item written among a mapping's keys, or a key among a list's items."""
    mark, started = exc.problem_mark, exc.context_mark
    here = lines[mark.line].strip() if mark.line < len(lines) else ""
    block = f" (the block starts on line {started.line + 1})" if started is not None else ""
    if exc.problem.endswith("'-'"):  # a '- ' where the next key of a mapping was expected
        return (mark.line + 1, mark.column + 1,
                f"a list item ({here!r}) among 'key: value' lines{block}: a block holds either keys or "
                "list items, not both, and lines of one block are indented alike",
                "a 'key: value' line here, or the list indented under its own key ('key:' then '  - item')")
    # a key where the next '- ' item of a list was expected: name the list item(s) above it
    first = started.line if started is not None else mark.line
    items = [n for n in range(first, mark.line) if lines[n].lstrip().startswith("-")
             and len(lines[n]) - len(lines[n].lstrip()) == mark.column]
    item = lines[items[-1]].strip() if items else ""
    if len(items) == 1:  # one stray item above the keys: it is the odd one out
        at = items[0]
        return (at + 1, lines[at].index("-") + 1,
                f"a list item ({item!r}) among 'key: value' lines (line {mark.line + 1} is the key {here!r}): "
                "a block holds either keys or list items, not both",
                "a 'key: value' line instead of the list item, or only list items in this block")
    return (mark.line + 1, mark.column + 1,
            f"a 'key: value' line ({here!r}) among list items" + (f" (after {item!r})" if item else "")
            + f"{block}: a block holds either list items or keys, not both",
            "a list item ('- ...') here, or the key moved out of the list")


_STRUCTURE = re.compile(r"(?:-(?:\s|$)|[^\s#'\"-][^#]*?:(?:\s|$))")
"""A line (stripped) that reads as YAML structure: a list item or a ``key:``."""


def _unclosed_quote(exc: Any, text: str) -> tuple[int, int, str, str] | None:
    """Where a quote left open starts, when it is what ``exc`` stumbled on: the text ran to the
    end of the file, or a quoted text that spans lines ends (at the first quote of a later line)
    where the error is, and swallowed lines that read as keys or list items no further indented
    than its own key (a quoted text that legitimately spans lines is indented under its key)."""
    mark = exc.problem_mark or exc.context_mark
    context = str(exc.context or "")
    if str(exc.problem or "").startswith("found unexpected end of stream") and "quoted scalar" in context:
        start = exc.context_mark
        return _never_closed(text, start.line, start.column, "the text runs to the end of the file")
    if mark is None:
        return None
    last = None
    for token in _tokens_before(text, mark.index):
        spans_lines = token.end_mark.line > token.start_mark.line
        if isinstance(token, yaml.ScalarToken) and token.style in ("'", '"') and spans_lines:
            last = token
    if last is None or not last.end_mark.line <= mark.line <= last.end_mark.line + 1:
        return None
    lines = text.splitlines()
    start, end = last.start_mark, last.end_mark
    opening = lines[start.line]
    key_column = len(opening) - len(opening.lstrip(" -")) if opening.lstrip().startswith("-") else (
        len(opening) - len(opening.lstrip()))
    for n in range(start.line + 1, min(end.line + 1, len(lines))):
        body = lines[n] if n < end.line else lines[n][:end.column - 1]
        if body.strip() and len(body) - len(body.lstrip()) <= key_column and _STRUCTURE.match(body.strip()):
            return _never_closed(text, start.line, start.column,
                                 f"the text runs on to the first quote of line {end.line + 1}")
    return None


def _tokens_before(text: str, index: int) -> list[Any]:
    """PyYAML's tokens of ``text`` that start before character ``index``, as far as it reads
    (with those it had read ahead when it stopped)."""
    scanner = yaml.SafeLoader(text)
    tokens: list[Any] = []
    try:
        while scanner.check_token() and scanner.peek_token().start_mark.index < index:
            tokens.append(scanner.get_token())
    except yaml.YAMLError:
        tokens += scanner.tokens  # read ahead before the error
    finally:
        scanner.dispose()
    return [t for t in tokens if t.start_mark.index < index]


def _never_closed(text: str, line: int, column: int, runs: str) -> tuple[int, int, str, str]:
    lines = text.splitlines()
    quote = (lines[line][column:column + 1] if line < len(lines) else "") or '"'
    return (line + 1, column + 1,
            f"the quote ({quote}) opened at line {line + 1}, column {column + 1} is never closed on its line: {runs}",
            f"a closing quote ({quote}) at the end of the value, or a value without quotes")


def syntax_message(exc: Any, text: str) -> tuple[str, str]:
    """``(message, expected)`` for the ``yaml.MarkedYAMLError`` ``exc`` raised reading ``text``;
    ``expected`` is empty when there is nothing better to say than the message."""
    problem = str(exc.problem or "")
    context = str(exc.context or "")
    mark = exc.problem_mark or exc.context_mark
    lines = text.splitlines()
    line = lines[mark.line] if mark is not None and 0 <= mark.line < len(lines) else ""
    before = line[: mark.column].rstrip() if mark is not None else ""
    if problem.startswith("expected <block end>, but found") and before[-1:] in ("'", '"'):
        value = _value_after_key(line)
        expected = "the whole value in quotes" + (f", e.g. {quoted_whole(value)}" if value else "")
        return (f"a quoted text is followed by more text on the same line ({line[mark.column:].strip()!r}); "
                f"YAML ends the value at its closing quote: put the whole value in quotes", expected)
    if problem.startswith("expected <block end>, but found"):
        found = _words(problem.split("but found", 1)[1].strip())
        return (f"{found} where the indented block ends: this line is indented differently from the keys "
                f"above it, or a value continues after a quoted or bracketed part", "")
    if problem == "could not find expected ':'":
        return ("a line that is not 'key: value' (a ':' followed by a space is missing, or text continues on a "
                "line of its own: indent it under its key, or use '|' for text of several lines)", "")
    if problem.startswith("found unexpected end of stream") and "quoted scalar" in context:
        return "a quote is opened and never closed", "a closing quote at the end of the text"
    message = _words(problem or context or "invalid YAML")
    if problem and context:  # "expected ',' or ']' ... (while parsing a flow sequence ...)"
        started = exc.context_mark
        message += f" ({context}" + (f" that starts on line {started.line + 1})"
                                     if started and mark and started.line != mark.line else ")")
    return message, ""
