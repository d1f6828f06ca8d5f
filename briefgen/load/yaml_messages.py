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
    opened = (_odd_space(exc, text) or _unclosed_quote(exc, text) or _unclosed_bracket(exc, text)
              or _quote_closed_in_comment(exc, text))
    if opened is not None:
        return opened
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark is not None else (0, 0)
    problem = str(exc.problem or "")
    lines = text.splitlines()
    if problem == "could not find expected ':'" and exc.context_mark is not None:  # "while scanning a simple key"
        line, col = exc.context_mark.line + 1, exc.context_mark.column + 1
        return (line, col) + _missing_colon(lines, line - 1)
    if problem.startswith("expected <block end>, but found '") and problem[-2:-1] in "-?" and mark is not None:
        return _list_among_keys(exc, lines)
    if problem == "mapping values are not allowed here" and mark is not None:
        return _colon_in_value(mark, text, lines)
    if problem.startswith("found character ") and problem.endswith("that cannot start any token") and mark is not None:
        return (line, col) + _cannot_start(mark, lines)
    message, expected = syntax_message(exc, text)
    if line > len(lines) and lines:  # at the end of a file ending in a line break: its last line, not one past it
        line, col = len(lines), len(lines[-1]) + 1
    return line, col, message, expected


_ODD_SPACES = "\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000\ufeff"  # as a regular expression's class
"""Spaces YAML does not read as spaces (a no-break space copied from a web page or a word processor)."""

_ODD_AT = re.compile(f"^[ \t]*(?:([{_ODD_SPACES}])|(?:-[ ]+)?[^\\s:#'\"][^:#]*:([{_ODD_SPACES}]))")
"""A line with such a space where YAML needs a plain one: in its indentation (which then ends
before it), or after its ``key:`` (which then is no key)."""


def _odd_space(exc: Any, text: str) -> tuple[int, int, str, str] | None:
    """A space YAML reads as text (U+00A0 ...) in the indentation or after the ':' of the line PyYAML
    stopped at, the line above it or the line its context starts on (a line it made no key or list
    item of, which fails there or at the next line): named at that character."""
    import unicodedata

    mark = exc.problem_mark or exc.context_mark
    if mark is None:
        return None
    lines = text.splitlines()
    near = {mark.line - 1, mark.line} | ({exc.context_mark.line} if exc.context_mark is not None else set())
    for n in sorted(m for m in near if 0 <= m < len(lines)):
        found = _ODD_AT.match(lines[n])
        if found is None:
            continue
        at = 1 if found.group(1) else 2
        char = found.group(at)
        name = unicodedata.name(char, "space").lower()
        return (n + 1, found.start(at) + 1,
                f"a {name} (U+{ord(char):04X}) where YAML needs a plain space: YAML reads it as text, so this "
                "line is no 'key: value' or list item",
                "a plain space (retype it: such spaces come with text copied from a web page or a word processor)")
    return None


def _colon_in_value(mark: Any, text: str, lines: list[str]) -> tuple[int, int, str, str]:
    """A ``': '`` where PyYAML reads a plain value: in a value on its own line (``title: Peru: a
    port``, the value to be quoted), or on a line that continues a plain text begun on an earlier
    line. That text is a key's value (``desk: Desk`` then a key indented further: the key is
    indented wrongly, at its own line) or begins its line (``- id src-x`` then ``title: ...``: the
    first line lacks its ':', which is named at that line, not at the next)."""
    here = lines[mark.line] if mark.line < len(lines) else ""
    scalar = next((t for t in reversed(_tokens_before(text, mark.index))
                   if isinstance(t, yaml.ScalarToken) and t.plain), None)
    if scalar is None or scalar.start_mark.line >= mark.line:  # the ': ' is in a value on this line
        value = _value_after_key(here)
        return (mark.line + 1, mark.column + 1,
                "mapping values are not allowed here (a value containing ': ' must be quoted, or this line is "
                "indented wrongly)",
                "the whole value in quotes" + (f", e.g. {quoted_whole(value)}" if value else ""))
    start = scalar.start_mark
    first = lines[start.line] if start.line < len(lines) else ""
    indent = len(here) - len(here.lstrip(" "))
    begins = re.fullmatch(r"\s*(?:-\s+)*", first[:start.column]) is not None  # the text begins its line
    lone_key = re.fullmatch(r"[A-Za-z_][\w-]*\s*", first[start.column:]) is not None and indent > start.column
    if begins and (start.column == indent or lone_key):  # a key without ':' above ('- id x'; 'briefing' + block)
        return (start.line + 1, start.column + 1) + _missing_colon(lines, start.line)
    above = re.match(r"\s*(?:-\s+)*([^:#]+):", first)
    key = f" ({above.group(1).strip() + ':'!r} at column {above.start(1) + 1})" if above else ""
    return (mark.line + 1, mark.column + 1,
            "mapping values are not allowed here (a value containing ': ' must be quoted, or this line is "
            "indented wrongly: it continues the value of the line above)",
            f"{here.strip()!r} indented as the key above it{key}, or the value above in quotes")


def _cannot_start(mark: Any, lines: list[str]) -> tuple[str, str]:
    """A character that cannot start a YAML token: a tab (indenting, or after a key's ':') or one
    YAML reserves (``@``, a backquote, ``%``) at the start of a plain value."""
    here = lines[mark.line] if mark.line < len(lines) else ""
    char = here[mark.column:mark.column + 1]
    if char == "\t":
        if not here[:mark.column].strip():
            return ("found character '\\t' that cannot start any token (while scanning for the next token) "
                    "(indent with spaces, not tabs)", "spaces for indentation (YAML does not accept tabs there)")
        return ("a tab where YAML expects a space (after a key's ':' or a list's '-')",
                "a space instead of the tab")
    value = _value_after_key(here)
    return (f"a value cannot begin with {char!r}: YAML reserves it (found character {char!r} that cannot start "
            "any token)", "the whole value in quotes" + (f", e.g. {quoted_whole(value)}" if value else ""))


def past_separator_tabs(exc: Any, text: str) -> tuple[Any, str]:
    """``(exc, text)`` past the tabs that separate a value from its ``key:`` or ``-``: libyaml, which
    reads the files, accepts them; PyYAML's pure-Python loader, which words the messages, stops at
    the first (``found character '\\t'``) and would name it instead of the mistake libyaml stopped
    at. Each such tab is read as a space (one character for one: every line and column stays) until
    the error is another; ``exc`` as it is when it is not about such a tab."""
    from briefgen.load.yamlcompose import compose_canonical

    for _ in range(1000):  # a bound: a file of tabs is read in at most that many more passes
        mark = exc.problem_mark
        if mark is None or not str(exc.problem or "").startswith("found character '\\t'"):
            return exc, text
        if text[mark.index:mark.index + 1] != "\t" or not text[text.rfind("\n", 0, mark.index) + 1:mark.index].strip():
            return exc, text  # a tab that indents: that is the mistake
        spaced = text[:mark.index] + " " + text[mark.index + 1:]
        try:
            compose_canonical(spaced)
        except yaml.MarkedYAMLError as later:
            exc, text = later, spaced
            continue
        return exc, text  # nothing else is wrong: the tab is what is refused
    return exc, text


_BLOCK_TEXT = re.compile(r"^(\s*(?:-\s+)?)([^\s#'\"][^#]*?):\s+[|>][-+0-9]*\s*(?:#.*)?$")
"""A line that opens a block of text (``template: |``, ``- note: >-``): its text follows, indented further."""

_EMPTY_VALUE = re.compile(r"^(\s*(?:-\s+)?)([^\s#'\"-][^#]*?):\s*(?:#.*)?$")
"""A ``key:`` line with its value to follow on the lines below."""


def _missing_colon(lines: list[str], n: int) -> tuple[str, str]:
    """Message and expected for line ``n`` (0-based), which is not ``key: value``: a ``:`` left out,
    or the text of a ``key: |`` block above that is not indented under its key."""
    line = lines[n] if 0 <= n < len(lines) else ""
    written = line.strip()
    above = next((m for m in range(n - 1, -1, -1) if lines[m].strip() and not lines[m].lstrip().startswith("#")),
                 None)
    block = _BLOCK_TEXT.match(lines[above]) if above is not None else None
    if block is None and above is not None and not written.startswith("-") and len(written.split()) >= 4:
        block = _EMPTY_VALUE.match(lines[above])  # a sentence under 'description:': its text, not a key
    if block is not None and above is not None and len(line) - len(line.lstrip()) <= len(block.group(1)):
        opener = lines[above].strip()
        return (f"a line that is not 'key: value' ({written!r}) under {opener!r} (line {above + 1}): the text "
                f"of a block is indented further than its key",
                f"the text indented further than {block.group(2).strip() + ':'!r} (column "
                f"{len(block.group(1)) + 1}), e.g. {len(block.group(1)) + 2} spaces")
    fix = re.fullmatch(r"(-\s+)?([A-Za-z_][\w-]*)\s+(\S.*)", written)
    below = next((lines[m] for m in range(n + 1, len(lines)) if lines[m].strip()), "")
    if re.fullmatch(r"(-\s+)?[A-Za-z_][\w-]*", written) and _indent(below) > _indent(line):  # its block below it
        return (f"a line that is not 'key: value' ({written!r}): a ':' is missing after the key, whose value is "
                "the indented block below it", f"'{written}:'")
    expected = "'key: value'" + (f", e.g. '{fix.group(1) or ''}{fix.group(2)}: {fix.group(3)}'" if fix else "")
    return (f"a line that is not 'key: value' ({written!r}): a ':' followed by a space is missing, or text "
            "continues on a line of its own (indent it under its key, or use '|' for text of several lines)",
            expected)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


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
    start, end = last.start_mark, last.end_mark
    if _swallows_structure(text.splitlines(), start, end.line, end.column - 1):
        return _never_closed(text, start.line, start.column,
                             f"the text runs on to the first quote of line {end.line + 1}")
    return None


def _swallows_structure(lines: list[str], start: Any, end_line: int, end_column: int) -> bool:
    """Whether text opened at ``start`` (a quote or bracket) and read on to line ``end_line``
    (0-based; up to ``end_column`` there) took in lines that read as YAML structure no further
    indented than the key of its own line: ``key:`` lines, list items, or a comment line whose quote
    closed it (a text or list that legitimately spans lines is indented under its key)."""
    opening = lines[start.line]
    key_column = len(opening) - len(opening.lstrip(" -")) if opening.lstrip().startswith("-") else (
        len(opening) - len(opening.lstrip()))
    for n in range(start.line + 1, min(end_line + 1, len(lines))):
        body = lines[n] if n < end_line else lines[n][:max(end_column, 0)]
        stripped = body.strip()
        if not stripped:
            continue
        if n == end_line and stripped.startswith("#"):  # the quote that closed it stands in a comment
            return True
        if len(body) - len(body.lstrip()) <= key_column and _STRUCTURE.match(stripped):
            return True
    return False


_FLOW = {"flow sequence": ("[", "]", "list"), "flow mapping": ("{", "}", "mapping")}
"""PyYAML's name of a bracketed collection -> its opening and closing bracket and what it is."""


def _unclosed_bracket(exc: Any, text: str) -> tuple[int, int, str, str] | None:
    """Where a ``[`` or ``{`` left open starts, when it is what ``exc`` stumbled on: the list
    ran to the end of the file, or on into later lines that read as keys or list items (a list
    that legitimately spans lines is indented under its key)."""
    context, start, mark = str(exc.context or ""), exc.context_mark, exc.problem_mark
    kind = next((k for k in _FLOW if f"while parsing a {k}" in context), None)
    if kind is None or start is None or mark is None or mark.line <= start.line:
        return None
    opening, closing, what = _FLOW[kind]
    lines = text.splitlines()
    if "<stream end>" in str(exc.problem or ""):
        runs = "the text runs to the end of the file"
    elif _swallows_structure(lines, start, mark.line, mark.column + 1):  # with the character it stopped at
        runs = f"the {what} runs on into line {mark.line + 1}"
    else:
        return None
    return (start.line + 1, start.column + 1,
            f"the {opening!r} opened at line {start.line + 1}, column {start.column + 1} is never closed on its "
            f"line: {runs}",
            f"a closing {closing!r} at the end of the {what} on line {start.line + 1}, or the whole value in "
            f"quotes when {opening!r} is part of the text")


def _quote_closed_in_comment(exc: Any, text: str) -> tuple[int, int, str, str] | None:
    """A quote left open before a comment on its own line (``title: "Peru  # the "mayor" one``):
    YAML reads the comment as text up to the comment's own quote, then finds more text. Named at the
    quote that opens the value, with the line as it was meant (the closing quote before the comment)."""
    mark = exc.problem_mark
    if mark is None or not str(exc.problem or "").startswith("expected <block end>, but found"):
        return None
    quoted = next((t for t in reversed(_tokens_before(text, mark.index))
                   if isinstance(t, yaml.ScalarToken) and t.style in ("'", '"')), None)
    if quoted is None or quoted.start_mark.line != mark.line or quoted.end_mark.line != mark.line:
        return None
    line = text.splitlines()[mark.line]
    start, end = quoted.start_mark.column, quoted.end_mark.column  # the opening quote; just past the closing one
    inside = line[start + 1:end - 1]
    comment = re.search(r"\s#(?:\s|$)", inside)  # '# text', as comments are written ('Issue #3' is no comment)
    if comment is None:
        return None
    quote, remark = line[start], line[start + 1 + comment.start():].strip()
    meant = f"{quote}{inside[:comment.start()].rstrip()}{quote}  {remark}"
    return (mark.line + 1, start + 1,
            f"the quote ({quote}) opened at line {mark.line + 1}, column {start + 1} is not closed before the "
            f"comment ({remark}): YAML reads the comment as part of the text, up to its first quote",
            f"a closing quote ({quote}) before the comment, e.g. {_shown(meant)}, or the whole value in quotes "
            f"when '#' is part of the text")


def _shown(line: str) -> str:
    """``line`` in the quotes it does not hold, to quote it in a message (single quotes when it holds both)."""
    return f'"{line}"' if '"' not in line else f"'{line}'"


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
        if value and len(value) > 2 and value[0] == value[-1] and value[0] in "'\"":  # 'Mayor's office'
            value = value[1:-1]  # its own quotes were meant as quotes: the text inside them, quoted right
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
