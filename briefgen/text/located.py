"""Template errors located in the spec or template file: the file line, the template line
and the spec key, as one :class:`~briefgen.errors.Problem` (shared by compiling,
:mod:`briefgen.text.environment`, and rendering, :mod:`briefgen.text.renderer`)."""

from __future__ import annotations

import re
from dataclasses import replace

from briefgen.errors import Problem, TemplateError, met_also
from briefgen.text.sources import TemplateSource

_DID_YOU_MEAN = re.compile(r"; did you mean '([^']*)'\?$")
_EXPECTED = re.compile(r" \(expected (.*?)(?:, got (.*))?\)$", re.S)


def located(cls: type[TemplateError], source: TemplateSource, line: int, message: str,
            code: str = "", audience: tuple[str, str] | None = None, column: tuple[int, int] = (0, 0)) -> TemplateError:
    """``cls`` for ``message`` at template line ``line`` (1-based) of ``source``: its text
    names the file line (``source.line + line - 1``) and the template line; its one
    :class:`Problem` has them as fields, with the did-you-mean hint (if any) as
    ``suggestion``, a closing ``(expected X, got Y)`` as ``expected`` and ``got``, and
    ``code`` (default: the class's). ``audience``: (the audience's name, the test of it the line is
    inside, such as ``visible('c-x')``) for a line that runs for some audiences only
    (:mod:`briefgen.text.audience_lines`), named after the template line. ``column``: (column in the
    template line, column in the file), 1-based, 0 when unknown: the first is named after the line,
    the second is the problem's column (and in the text's ``file:line:col``)."""
    if column == (0, 0):  # the file's column of the id the message quotes; the text keeps its words
        column = (0, _quoted_column(source, max(line, 1), message))
    at_line = source.line + max(line, 1) - 1
    for_whom = f", for audience {audience[0]!r}: inside a test of {audience[1]}" if audience else ""
    in_line = f", column {column[0]}" if column[0] else ""
    where = f"{source.label} (line {max(line, 1)}{in_line} of the template{for_whom})"
    hint = _DID_YOU_MEAN.search(message)
    text = message[:hint.start()] if hint else message
    wanted = _EXPECTED.search(text)
    problem = Problem(file=source.file, line=at_line, column=column[1], key=source.key,
                      message=f"{where}: {text[:wanted.start()] if wanted else text}",
                      expected=wanted.group(1) if wanted else "", got=(wanted.group(2) or "") if wanted else "",
                      suggestion=hint.group(1) if hint else "", code=code or cls.code)
    file_column = f":{column[1]}" if column[1] else ""
    return cls(f"{source.file}:{at_line}{file_column}: {where}: {message}", [problem], code=code)


_QUOTED_ID = re.compile(r"'([\w.:+-]{2,})'")


def _quoted_column(source: TemplateSource, line: int, message: str) -> int:
    """The 1-based column in the file of the id ``message`` quotes first (``unknown claim id
    'c-us-donaton'``) where template line ``line`` writes it quoted exactly once
    (``cite('c-us-donaton')``), so that ``file:line:col`` finds it on a long one-line template;
    0 when the message quotes no id, the line does not write it once, or the file's line differs."""
    from briefgen.text.syntax_where import file_column

    quoted = _QUOTED_ID.search(message)
    lines = source.text.splitlines()
    if quoted is None or not 1 <= line <= len(lines):
        return 0
    text = lines[line - 1]
    spots = [m.start() for q in ("'", '"') for m in re.finditer(re.escape(q + quoted.group(1) + q), text)]
    return file_column(source, line, text, spots[0] + 2) if len(spots) == 1 else 0


def template_line(exc: BaseException, filename: str) -> int:
    """The template line ``exc`` was raised at: the last traceback frame in the template's
    compiled code (named ``filename``), else 1."""
    tb = exc.__traceback__
    line = 1
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == filename:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


_FOR_AUDIENCE = re.compile(r", for audiences? ('[^']*'(?:, '[^']*')*): inside a test of ")


def add_error(found: dict[str, TemplateError], exc: TemplateError) -> None:
    """Add ``exc`` to ``found`` (errors by their text, in order) unless it is there: the same error
    met in another audience's version, on a line inside a test of ``visible()`` or ``audience``
    (:func:`located`'s ``audience``), is kept once, naming every audience it was met for
    (``for audiences 'analyst', 'internal'``)."""
    text = str(exc)
    mine = _FOR_AUDIENCE.search(text)
    if mine is None:
        kept = found.setdefault(text, exc)
        if kept is not exc:
            met_also(kept, exc)  # its problems name every audience that met it (--json)
        return
    for key, kept in list(found.items()):
        theirs = _FOR_AUDIENCE.search(key)
        if theirs is None or (key[:theirs.start()], key[theirs.end():]) != (text[:mine.start()], text[mine.end():]):
            continue
        names = ", ".join(dict.fromkeys([*theirs.group(1).split(", "), *mine.group(1).split(", ")]))
        fragment = f", for audiences {names}: inside a test of "
        problems = [replace(p, message=p.message.replace(theirs.group(0), fragment, 1)) for p in kept.problems]
        merged = type(kept)(key.replace(theirs.group(0), fragment, 1), problems, code=kept.code)
        met_also(merged, exc)
        rebuilt = {(str(merged) if k == key else k): (merged if k == key else v) for k, v in found.items()}
        found.clear()
        found.update(rebuilt)
        return
    found.setdefault(text, exc)
