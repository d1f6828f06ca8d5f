"""Template errors located in the spec or template file: the file line, the template line
and the spec key, as one :class:`~briefgen.errors.Problem` (shared by compiling,
:mod:`briefgen.text.environment`, and rendering, :mod:`briefgen.text.renderer`)."""

from __future__ import annotations

import re

from briefgen.errors import Problem, TemplateError
from briefgen.text.sources import TemplateSource

_DID_YOU_MEAN = re.compile(r"; did you mean '([^']*)'\?$")
_EXPECTED = re.compile(r" \(expected (.*?)(?:, got (.*))?\)$", re.S)


def located(cls: type[TemplateError], source: TemplateSource, line: int, message: str,
            code: str = "") -> TemplateError:
    """``cls`` for ``message`` at template line ``line`` (1-based) of ``source``: its text
    names the file line (``source.line + line - 1``) and the template line; its one
    :class:`Problem` has them as fields, with the did-you-mean hint (if any) as
    ``suggestion``, a closing ``(expected X, got Y)`` as ``expected`` and ``got``, and
    ``code`` (default: the class's)."""
    at_line = source.line + max(line, 1) - 1
    where = f"{source.label} (line {max(line, 1)} of the template)"
    hint = _DID_YOU_MEAN.search(message)
    text = message[:hint.start()] if hint else message
    wanted = _EXPECTED.search(text)
    problem = Problem(file=source.file, line=at_line, column=0, key=source.key,
                      message=f"{where}: {text[:wanted.start()] if wanted else text}",
                      expected=wanted.group(1) if wanted else "", got=(wanted.group(2) or "") if wanted else "",
                      suggestion=hint.group(1) if hint else "", code=code or cls.code)
    return cls(f"{source.file}:{at_line}: {where}: {message}", [problem], code=code)


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
