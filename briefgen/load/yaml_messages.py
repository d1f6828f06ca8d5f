"""PyYAML's syntax errors in words an author can act on.

PyYAML names what its parser expected and found by token names (``expected <block end>, but
found '<scalar>'``); :func:`syntax_message` says instead what the text at the error does (a
quoted value followed by more text, a list item out of line, a bracket never closed) and how
to write it, with the whole value quoted when that is the fix. Pure: the standard library.
"""

from __future__ import annotations

from typing import Any

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
