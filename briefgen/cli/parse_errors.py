"""Errors of the command-line parser itself, as PROBLEMs for ``--json``.

An unknown option, a missing argument, an option without its value, a value of the wrong
type or an unknown command is refused by the parser (typer's click) before the command
runs; it prints ``Usage: ... Error: ...`` on stderr and exits with code 2. The command
classes of ``briefgen`` (:class:`ParseErrorsRecorded`, mixed into
:class:`~briefgen.cli.helpfmt.PlainHelpCommand` and :class:`~briefgen.cli.helpfmt.PlainGroup`)
hand each such error to :func:`record` on its way out, unchanged, so the human message stays
click's; :func:`briefgen.cli.jsonout.finish` then prints the document's error from
:func:`problem_of`: the message, a ``code`` (:data:`CODES`), the option or argument as
``key``, what was given (``got``), what is known (``expected``) and the near miss
(``suggestion``, did-you-mean).

The errors are recognised by their class names along the MRO (``UsageError``,
``NoSuchOption`` ...) and read through click's documented attributes (``option_name``,
``possibilities``, ``param``, ``format_message()``): typer vendors click since 0.20 under a
private module, and this way neither that module nor click itself is imported.
"""

from __future__ import annotations

import re
from typing import Any

CODES = {"NoSuchOption": "no-such-option", "BadOptionUsage": "option-needs-value", "MissingParameter": "missing",
         "BadParameter": "bad-value", "BadArgumentUsage": "bad-argument", "NoArgsIsHelpError": "missing-command"}
"""Parser error class -> ``code`` (``missing`` becomes ``missing-argument`` or ``missing-option``;
an unknown command is ``no-such-command``; any other usage error ``usage``)."""

_NO_SUCH_COMMAND = re.compile(r"No such command '(?P<name>[^']*)'")


def is_parser_error(exc: BaseException) -> bool:
    """True for click's (or typer's vendored click's) ``UsageError`` and its subclasses."""
    return any(cls.__name__ == "UsageError" for cls in type(exc).__mro__)


def record(exc: BaseException, commands: list[str] | None = None) -> None:
    """Keep ``exc``'s PROBLEM for the ``--json`` document (the innermost error wins: a
    command's error is recorded before its group sees it). ``commands``: the names a group
    knows, for an unknown command's did-you-mean."""
    from briefgen.cli import jsonout

    jsonout.note_parser_error(exc, lambda: problem_of(exc, commands))


def _kind(exc: BaseException) -> str:
    for cls in type(exc).__mro__:
        if cls.__name__ in CODES:
            return cls.__name__
    return "UsageError"


def _param_name(param: Any) -> str:
    """An argument by its metavar (``SPEC``), an option by its longest flag (``--audience``)."""
    if param is None:
        return ""
    if getattr(param, "param_type_name", "") == "argument":
        return param.metavar or (param.name or "").upper()
    opts = list(getattr(param, "opts", ()) or ())
    return max(opts, key=len) if opts else (param.name or "")


def problem_of(exc: BaseException, commands: list[str] | None = None) -> dict:
    """The PROBLEM (:func:`briefgen.cli.jsonout.message_problem`'s shape) of parser error ``exc``."""
    from briefgen.cli.jsonout import message_problem
    from briefgen.errors import did_you_mean

    kind = _kind(exc)
    if kind == "NoArgsIsHelpError":  # its "message" is the whole help text
        message = "a command is needed" + (f" (one of {', '.join(commands)})" if commands else "")
    else:
        message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
    out = message_problem(message, CODES.get(kind, "usage"))
    param = getattr(exc, "param", None)
    if kind == "NoSuchOption":
        name = getattr(exc, "option_name", "") or ""
        known = sorted(getattr(exc, "possibilities", None) or ())
        out.update(key=name, got=name, expected=f"one of {', '.join(known)}" if known else "",
                   suggestion=did_you_mean(name, known) or (known[0] if len(known) == 1 else ""))
    elif kind == "BadOptionUsage":
        out.update(key=getattr(exc, "option_name", "") or "")
    elif kind == "MissingParameter":
        kind_word = getattr(exc, "param_type", None) or getattr(param, "param_type_name", "") or "parameter"
        out.update(code=f"missing-{kind_word}", key=_param_name(param))
    elif kind == "BadParameter":
        out.update(key=_param_name(param))
        choices = list(getattr(getattr(param, "type", None), "choices", None) or ())
        if choices:  # a choice: name them, and the nearest to what was given
            given = re.search(r"'([^']*)' is not one of", message)
            out.update(code="bad-choice", expected=f"one of {', '.join(map(str, choices))}",
                       got=given.group(1) if given else "",
                       suggestion=(did_you_mean(given.group(1), map(str, choices)) or "") if given else "")
    else:
        unknown = _NO_SUCH_COMMAND.search(message)
        if unknown:
            out.update(code="no-such-command", key="COMMAND", got=unknown.group("name"),
                       expected=f"one of {', '.join(commands)}" if commands else "",
                       suggestion=did_you_mean(unknown.group("name"), commands or []) or "")
    return out


class ParseErrorsRecorded:
    """Mixin for a typer command or group: parser errors raised while it parses its
    arguments, converts their values or (a group) finds its subcommand are recorded
    (:func:`record`) and raised on, unchanged."""

    def _known_commands(self, ctx: Any) -> list[str] | None:
        lister = getattr(self, "list_commands", None)
        return list(lister(ctx)) if lister is not None else None

    def parse_args(self, ctx, args):  # noqa: D102 - click hook
        try:
            return super().parse_args(ctx, args)  # type: ignore[misc]
        except Exception as exc:
            if is_parser_error(exc):
                record(exc, self._known_commands(ctx))
            raise

    def invoke(self, ctx):  # noqa: D102 - click hook (typer converts values here)
        try:
            return super().invoke(ctx)  # type: ignore[misc]
        except Exception as exc:
            if is_parser_error(exc):
                record(exc, self._known_commands(ctx))
            raise

    def resolve_command(self, ctx, args):  # noqa: D102 - click hook (groups only)
        try:
            return super().resolve_command(ctx, args)  # type: ignore[misc]
        except Exception as exc:
            if is_parser_error(exc):
                record(exc, self._known_commands(ctx))
            raise
