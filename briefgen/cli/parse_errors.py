"""Errors of the command-line parser itself, as PROBLEMs for ``--json``.

An unknown option, a missing argument, an option without its value, a value of the wrong
type or an unknown command is refused by the parser (typer's click) before the command
runs; it prints ``Usage: ... Error: ...`` on stderr and exits with code 2. The command
classes of ``briefgen`` (:class:`ParseErrorsRecorded`, mixed into
:class:`~briefgen.cli.helpfmt.PlainHelpCommand` and :class:`~briefgen.cli.helpfmt.PlainGroup`)
hand each such error to :func:`record` on its way out, unchanged, so the human message stays
click's (and :meth:`ParseErrorsRecorded.parse_args` first refuses an option whose value looks
like an option, ``-a --json``, which click would swallow as the value:
:func:`option_taken_as_value`); :func:`briefgen.cli.jsonout.finish` then prints the document's error from
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
_OPTION_AS_VALUE = re.compile(r"^Option '(?P<option>[^']+)' needs a value: '(?P<got>[^']*)' is an option")


def option_taken_as_value(params: list[Any], args: list[str]) -> tuple[str, str, str] | None:
    """The first (option, next token) where an option that takes a value is followed by
    something that looks like an option (``-a --json``, ``--since --format``): click would take
    that token as the value and the option it names would be lost. A token looks like an option
    when it starts with ``--`` (but is not ``--`` itself) or is a short flag the command knows
    (``-h``). ``--opt=--x`` and anything after ``--`` are left alone. Returns (option as
    written, the token, the option's long name), or None when there is none."""
    takes_value: dict[str, str] = {}
    flags: set[str] = set()
    for param in params:
        if getattr(param, "param_type_name", "") != "option":
            continue
        names = list(getattr(param, "opts", ()) or ()) + list(getattr(param, "secondary_opts", ()) or ())
        flags.update(names)
        if not getattr(param, "is_flag", False) and not getattr(param, "count", False):
            opts = list(getattr(param, "opts", ()) or ())
            takes_value.update({opt: max(opts, key=len) for opt in opts})
    flags.update(("-h", "--help"))
    for index, token in enumerate(args[:-1]):
        if token == "--":
            return None
        following = args[index + 1]
        if token in takes_value and following != "--" and (following.startswith("--") or following in flags):
            return token, following, takes_value[token]
    return None


def is_parser_error(exc: BaseException) -> bool:
    """True for click's (or typer's vendored click's) ``UsageError`` and its subclasses."""
    return any(cls.__name__ == "UsageError" for cls in type(exc).__mro__)


def record(exc: BaseException, commands: list[str] | None = None) -> None:
    """Keep ``exc``'s PROBLEM for the ``--json`` document (the innermost error wins: a
    command's error is recorded before its group sees it). ``commands``: the names a group
    knows, for an unknown command's did-you-mean."""
    from briefgen.cli import jsonout

    jsonout.note_parser_error(exc, lambda: problem_of(exc, commands), command_name(exc))


def command_name(exc: BaseException) -> str:
    """The command ``exc`` was raised in, as typed after ``briefgen`` (``export stix``, a
    command of a sub-group, with its group's name); "" for the top-level group itself."""
    ctx = getattr(exc, "ctx", None)
    names: list[str] = []
    while ctx is not None and ctx.parent is not None:
        names.append(ctx.info_name or "")
        ctx = ctx.parent
    return " ".join(reversed(names))


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
        as_value = _OPTION_AS_VALUE.search(message)
        if as_value:
            out.update(code="option-needs-value", key=as_value.group("option"), got=as_value.group("got"))
        elif unknown:
            out.update(code="no-such-command", key="COMMAND", got=unknown.group("name"),
                       expected=f"one of {', '.join(commands)}" if commands else "",
                       suggestion=did_you_mean(unknown.group("name"), commands or []) or "")
    return out


def explain_command_option(exc: BaseException, group: Any, ctx: Any) -> None:
    """An unknown option given to the group itself (``briefgen --json``) that one of its commands
    knows: say it belongs after a command, and drop click's near misses (``--version`` for
    ``--json`` helps nobody). ``exc`` is changed in place; anything else is left alone."""
    if _kind(exc) != "NoSuchOption" or not hasattr(group, "list_commands"):
        return
    name = getattr(exc, "option_name", "") or ""
    owners = commands_taking(group, ctx, name)
    if owners:
        example = "build" if "build" in owners else owners[0]
        exc.possibilities = None  # type: ignore[attr-defined]
        exc.message = (f"No such option: {name} (it belongs to a command: write it after the command, "  # type: ignore[attr-defined]
                       f"e.g. briefgen {example} ... {name}; commands that take it: {', '.join(owners)})")


_OPTION_ADVICE = {
    ("batch", "-a"): "batch builds each spec's default audience, or every audience with --all-audiences",
    ("batch", "--audience"): "batch builds each spec's default audience, or every audience with --all-audiences",
}
"""What to do instead, for options a command lacks on purpose (command, option) -> advice."""


def commands_taking(group: Any, ctx: Any, name: str, *, besides: Any = None) -> list[str]:
    """The commands of ``group`` (other than ``besides``) that take the option ``name``, as
    typed: a command of a sub-group with its group's name (``export stix``)."""
    owners = []
    for command_name in group.list_commands(ctx):
        command = group.get_command(ctx, command_name)
        listed = [(command_name, command)]
        if hasattr(command, "list_commands"):  # a group of its own (export, import): its commands
            listed = [(f"{command_name} {sub}", command.get_command(ctx, sub)) for sub in command.list_commands(ctx)]
        owners += [shown for shown, candidate in listed if candidate is not besides and name in
                   {o for p in getattr(candidate, "params", ()) for o in (getattr(p, "opts", ()) or ())}]
    return owners


def explain_sibling_option(exc: BaseException, command: Any, ctx: Any) -> None:
    """An unknown option given to a command that other commands of its group know
    (``briefgen batch -a``): name them (and, for some, what to do instead), dropping click's
    near misses when they are not near. ``exc`` is changed in place; anything else is left alone."""
    parent = getattr(ctx, "parent", None)
    group = getattr(parent, "command", None)
    if _kind(exc) != "NoSuchOption" or group is None or not hasattr(group, "list_commands"):
        return
    name = getattr(exc, "option_name", "") or ""
    owners = commands_taking(group, parent, name, besides=command)
    advice = _OPTION_ADVICE.get((ctx.info_name or "", name))
    if not owners and not advice:
        return
    extra = "; ".join(filter(None, [advice, f"commands that take {name}: {', '.join(owners)}" if owners else ""]))
    exc.message = f"No such option: {name} ({extra})"  # type: ignore[attr-defined]


class ParseErrorsRecorded:
    """Mixin for a typer command or group: parser errors raised while it parses its
    arguments, converts their values or (a group) finds its subcommand are recorded
    (:func:`record`) and raised on, unchanged."""

    def _known_commands(self, ctx: Any) -> list[str] | None:
        lister = getattr(self, "list_commands", None)
        return list(lister(ctx)) if lister is not None else None

    def parse_args(self, ctx, args):  # noqa: D102 - click hook
        try:
            taken = option_taken_as_value(list(getattr(self, "params", ()) or ()), list(args))
            if taken is not None:
                ctx.fail(f"Option '{taken[0]}' needs a value: '{taken[1]}' is an option, not a value "
                         f"(write {taken[0]} VALUE, or {taken[2]}={taken[1]} if that really is the value).")
            return super().parse_args(ctx, args)  # type: ignore[misc]
        except Exception as exc:
            if is_parser_error(exc):
                explain_command_option(exc, self, ctx)
                if not hasattr(self, "list_commands"):
                    explain_sibling_option(exc, self, ctx)
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
