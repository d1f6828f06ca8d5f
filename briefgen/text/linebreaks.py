"""Line breaks in templates: kept as written, except for lines that only hold tags.

Jinja2's ``trim_blocks`` drops the newline after every block tag (``{% ... %}``) and comment
(``{# ... #}``). That is what a line holding only tags wants (``{% if ... %}`` or
``{% endfor %}`` alone on its line leaves no empty line behind), but it also joined a line of
text that ends in a tag to the next one: ``Strike shown.{% endif %}`` then ``Line three.``
printed ``Strike shown.Line three.``, and a blank line after such a line (a new paragraph)
was lost. The README promises that line breaks are kept and that a blank line starts a
paragraph.

:func:`keep_line_breaks` rewrites a template's source before it is compiled. A block tag or
comment that ends a line holding text (anything but white space outside the tags) or a
``{{ ... }}`` keeps that line's newline:

* when the tag closes an ``{% if %}`` or ``{% for %}`` that opened at the start of a line
  (only white space or tags before it), the lines are the block's own: the newline is
  printed with what the block prints (``{{ "\\n" }}`` at the end of each branch of the
  ``if`` that has content; ``{{ "\\n" if loop.last else "" }}`` at the end of the loop's
  body, ``{{ "\\n" }}`` at the end of its ``{% else %}``), so a guarded line that prints
  nothing leaves no empty line (which would end a paragraph);
* else the tag gets Jinja2's ``+%}`` (``+#}``), which keeps the newline after that one tag.

Lines holding only block tags, comments and white space are left to ``trim_blocks`` and
``lstrip_blocks`` (they vanish). Tags written with ``-%}`` (strip all white space after) or
``+%}`` are left as written. Nothing inserted holds a newline, so every error keeps its
template line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_CLOSERS = {"{%": "%}", "{#": "#}", "{{": "}}"}
_NEWLINES = "\r\n"
_NEXT = re.compile(r"\{[%#{]|[\r\n]")
"""What the scan stops at: a tag's start or a line's end."""
_ENDS_LINE = re.compile(r"[%#]\}[\r\n]")
_TAG_STOPS = {close: re.compile(re.escape(close) + "|['\"]") for close in ("%}", "}}")}
"""What the scan of a tag stops at: its end or a quoted string's start."""
_OPENERS = frozenset({"if", "for", "macro", "call", "filter", "with", "block", "autoescape", "trans"})
_NEWLINE = '{{ "\\n" }}'
_LAST_NEWLINE = '{{ "\\n" if loop.last else "" }}'


@dataclass
class _Block:
    """An open ``{% if %}``, ``{% for %}`` or other block: its ``name``, whether it opened at
    the start of a line, and where each of its branches ends so far (``branch_start``: where
    the current branch's content starts; ``ends``: (index of the tag ending a branch, what
    to print there, whether the branch needs it))."""

    name: str
    at_line_start: bool
    branch_start: int
    ends: list[tuple[int, str, bool]] = field(default_factory=list)
    in_else: bool = False


def keep_line_breaks(text: str) -> str:
    """``text`` rewritten so that a line of text ending in a block tag or comment keeps its
    newline (see the module doc).

    Reads the tags as Jinja2's lexer does: ``{%``, ``{{`` and ``{#`` open a tag; a block or
    variable tag ends at the first closing delimiter outside a quoted string; a comment at the
    first ``#}``; ``{% raw %}`` ... ``{% endraw %}`` is text. A tag left open (a syntax error)
    ends the scan: Jinja2 reports it."""
    if not _ENDS_LINE.search(text):
        return text  # no block tag or comment ends a line: trim_blocks changes nothing
    inserts: list[tuple[int, str]] = []
    stack: list[_Block] = []
    i, n = 0, len(text)
    line_has_text = False
    while i < n:
        found = _NEXT.search(text, i)
        if found is None:
            break  # text to the end: nothing more to rewrite
        at = found.start()
        if not line_has_text and at > i and not text[i:at].isspace():
            line_has_text = True
        if found.group() in _NEWLINES:
            line_has_text, i = False, at + 1
            continue
        i, opener = at, found.group()
        end = _comment_end(text, i) if opener == "{#" else _tag_end(text, i + 2, _CLOSERS[opener])
        if end < 0:
            break  # unterminated: Jinja2 reports it
        ends_line = end < n and text[end] in _NEWLINES and text[end - 3] not in "-+"
        if opener == "{{":
            line_has_text = True
        elif opener == "{#":
            if ends_line and line_has_text:
                inserts.append((end - 2, "+"))
        else:
            words = text[i + 2:end - 2].strip("-+ \t\r\n").split(None, 1)
            name = words[0] if words else ""
            if name == "raw":
                end, line_has_text = _skip_raw(text, end, line_has_text)
                if end < 0:
                    break
                if end < n and text[end] in _NEWLINES and text[end - 3] not in "-+" and line_has_text:
                    inserts.append((end - 2, "+"))
            else:
                closed = _track(stack, text, name, words[1] if len(words) > 1 else "", (i, end), line_has_text)
                if ends_line and line_has_text:
                    if closed is not None and closed.at_line_start and closed.name in ("if", "for"):
                        inserts.extend(_block_newlines(closed))
                    else:
                        inserts.append((end - 2, "+"))
        i = end
    return _apply(text, inserts)


def _track(stack: list[_Block], text: str, name: str, rest: str, span: tuple[int, int],
           line_has_text: bool) -> _Block | None:
    """Follow the block structure at tag ``name`` (at ``span`` of ``text``): push an opener,
    note a branch (``elif``, ``else``), pop and return the block an ``end...`` tag closes."""
    start, end = span
    if name in _OPENERS or (name == "set" and "=" not in rest):
        stack.append(_Block(name, not line_has_text, end))
        return None
    top = stack[-1] if stack else None
    if name in ("elif", "else") and top is not None and top.name in ("if", "for"):
        _end_branch(top, text, start)
        top.in_else = top.in_else or name == "else"
        top.branch_start = end
        return None
    if name.startswith("end") and top is not None:
        stack.pop()
        _end_branch(top, text, start)
        return top
    return None


def _end_branch(block: _Block, text: str, tag_start: int) -> None:
    """Note the branch of ``block`` ending at ``tag_start``: what would print its newline,
    and whether it needs one (it has content, and does not end its last line already)."""
    printed = _LAST_NEWLINE if block.name == "for" and not block.in_else else _NEWLINE
    if text.startswith("{%-", tag_start):  # the tag strips the white space before it: so does the newline
        printed = "{{-" + printed[2:]
    content = text[block.branch_start:tag_start]
    needed = bool(content.strip()) and not content.rstrip(" \t").endswith(("\n", "\r"))
    block.ends.append((tag_start, printed, needed))


def _block_newlines(block: _Block) -> list[tuple[int, str]]:
    """The newline printed at the end of each branch of ``block`` that has content and does
    not end its line already (a branch of white space prints nothing: its newline would make
    an empty line)."""
    return [(at, printed) for at, printed, has_content in block.ends if has_content]


def _apply(text: str, inserts: list[tuple[int, str]]) -> str:
    if not inserts:
        return text
    out, pos = [], 0
    for at, piece in sorted(inserts, key=lambda x: x[0]):
        out.append(text[pos:at])
        out.append(piece)
        pos = at
    out.append(text[pos:])
    return "".join(out)


def _tag_end(text: str, i: int, close: str) -> int:
    """The index just past the ``close`` delimiter of the tag whose inside starts at ``i``
    (quoted strings skipped), or -1."""
    stop = _TAG_STOPS[close]
    while True:
        found = stop.search(text, i)
        if found is None:
            return -1
        if found.group() == close:
            return found.end()
        i = _string_end(text, found.start())
        if i < 0:
            return -1


def _string_end(text: str, i: int) -> int:
    """The index just past the quoted string starting at ``i`` (backslash escapes), or -1."""
    quote, i, n = text[i], i + 1, len(text)
    while i < n:
        if text[i] == "\\":
            i += 2
        elif text[i] == quote:
            return i + 1
        else:
            i += 1
    return -1


def _comment_end(text: str, i: int) -> int:
    found = text.find("#}", i + 2)
    return found + 2 if found >= 0 else -1


def _skip_raw(text: str, i: int, line_has_text: bool) -> tuple[int, bool]:
    """The index just past the ``{% endraw %}`` after ``i`` (or -1), and whether the line it
    ends on holds text (the raw text is text)."""
    j = i
    while True:
        start = text.find("{%", j)
        end = text.find("%}", start + 2) if start >= 0 else -1
        if end < 0:
            return -1, line_has_text
        if text[start + 2:end].strip("-+ \t\r\n") == "endraw":
            body = text[i:start]
            last = max(body.rfind("\n"), body.rfind("\r"))
            tail = body[last + 1:] if last >= 0 else body
            return end + 2, (line_has_text if last < 0 else False) or bool(tail.strip())
        j = start + 2
