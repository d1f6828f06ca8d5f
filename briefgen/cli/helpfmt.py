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

import typer.core


def _argument_name(param) -> str:
    """An argument as the usage line and the arguments list show it: its metavar (or its
    upper-cased name), ``...`` when it takes several values."""
    name = param.metavar or (param.name or "").upper()
    if param.nargs != 1 and not name.endswith("..."):
        name += "..."
    return name


class PlainHelpCommand(typer.core.TyperCommand):
    """A typer command whose help names arguments by their metavar alone."""

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
