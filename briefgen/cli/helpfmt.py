"""Help text without raw metavars: ``SPEC`` rather than ``{SPEC}`` or ``SPEC <path>``.

Recent typer versions print an argument as ``{SPEC}`` in the usage line and ``SPEC <path>``
(or ``SPEC|DIR... <list[Path]>``) in the arguments list, whatever its ``metavar``.
:class:`PlainHelpCommand` (the class of every ``briefgen`` command) prints arguments by
their metavar alone: ``[OPTIONS] SPEC`` and ``SPEC  Briefing spec ...``. Options keep
typer's records; every option that takes a value sets a ``metavar`` (``DIR``, ``NAME``,
``N``), so no ``<path>`` or ``<int range>`` shows. Only click's stable API is used
(``collect_usage_pieces``, ``format_options``, ``get_help_record``).
"""

from __future__ import annotations

import inspect

import typer.core

from briefgen.cli.parse_errors import ParseErrorsRecorded


def _argument_name(param) -> str:
    """An argument as the usage line and the arguments list show it: its metavar (or its
    upper-cased name), ``...`` when it takes several values."""
    name = param.metavar or (param.name or "").upper()
    if param.nargs != 1 and not name.endswith("..."):
        name += "..."
    return name


class PlainHelpCommand(ParseErrorsRecorded, typer.core.TyperCommand):
    """A typer command whose help names arguments by their metavar alone (and whose parser
    errors reach ``--json``: :mod:`briefgen.cli.parse_errors`)."""

    def collect_usage_pieces(self, ctx):  # noqa: D102 - click hook
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if param.param_type_name == "argument":
                name = _argument_name(param)
                pieces.append(name if param.required else f"[{name}]")
        return pieces

    def format_options(self, ctx, formatter) -> None:  # noqa: D102 - click hook
        arguments, options = [], []
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is None:
                continue
            if param.param_type_name == "argument":
                arguments.append((_argument_name(param), record[1]))
            else:
                options.append(record)
        if arguments:
            with formatter.section("Arguments"):
                formatter.write_dl(arguments)
        if options:
            with formatter.section("Options"):
                formatter.write_dl(options)


def summary(command) -> str:
    """A command's one-line summary, whole: its ``short_help``, else the first sentence of its
    help (up to the first word ending in a full stop, in the first paragraph)."""
    if command.short_help:
        return command.short_help
    first = inspect.cleandoc(command.help or "").split("\n\n", 1)[0]
    words: list[str] = []
    for word in first.split():
        words.append(word)
        if word.endswith("."):
            break
    return " ".join(words)


class PlainGroup(ParseErrorsRecorded, typer.core.TyperGroup):
    """A typer group (``briefgen``, ``briefgen export``, ``briefgen import``) whose parser
    errors, an unknown command among them, reach ``--json``, and whose help lists each
    command with its whole summary (:func:`summary`, wrapped), not cut short with "..."."""

    def format_commands(self, ctx, formatter) -> None:  # noqa: D102 - click hook
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, summary(command)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)
