"""The options the building commands share (``build``, ``batch``, ``email``), declared once.

An option whose words are the same everywhere is a constant (:data:`NoCacheOpt`); one whose help
names the command's own job is made by a function of those words (:func:`out_option`,
:func:`strict_option` ...). Typer reads each declaration when the command line is parsed, so one
declaration may serve several commands. Only typer is imported here: ``--help`` stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

NoCacheOpt = typer.Option(False, "--no-cache",
                          help="Use no project cache: draw every chart, read every YAML file, compile every "
                               "template; nothing is read from or written to the cache folder.")


def apply_no_cache(no_cache: bool) -> None:
    """With ``--no-cache``, turn every project cache off for this process (the YAML and
    template ones too); the top-level callback turns them on again before each command."""
    if no_cache:
        from briefgen.load.cacheroot import turn_off

        turn_off()


def audience_option(verb: str) -> Any:
    """``-a/--audience NAME`` (repeatable): "Audience to ``verb`` (repeatable; default: the
    spec's default audience)."."""
    return typer.Option(None, "--audience", "-a", metavar="NAME",
                        help=f"Audience to {verb} (repeatable; default: the spec's default audience).")


def all_audiences_option(help_text: str) -> Any:
    """``--all-audiences``, a flag, with the command's ``help_text``."""
    return typer.Option(False, "--all-audiences", help=help_text)


def non_empty(what: str, convert: Any = str) -> Any:
    """A value parser that refuses an empty (or blank) value with a usage error (exit 2) that
    click prefixes with the option's name: ``-o ''`` would otherwise mean the current folder
    (``Path('')`` is ``.``) and ``--since ''`` no comparison at all, each silently. ``what``
    says what the option needs; ``convert`` makes the value (``Path``, ``str``)."""
    def parse(value: Any) -> Any:
        if isinstance(value, str) and not value.strip():
            raise typer.BadParameter(f"an empty value is not {what}; give {what}, or leave the option out")
        return convert(value) if isinstance(value, str) else value

    return parse


def out_option(holds: str = "") -> Any:
    """``-o/--out DIR``: "Output folder (``holds``default: the project's, see briefgen.toml).";
    ``holds`` names what the folder receives, ending in "; ". An empty value is refused."""
    return typer.Option(None, "--out", "-o", metavar="DIR", parser=non_empty("a folder", Path),
                        help=f"Output folder ({holds}default: the project's, see briefgen.toml).")


def strict_option(which: str = "") -> Any:
    """``--strict``: "Treat validation warnings ``which``as errors."; ``which`` narrows the
    warnings, ending in a space."""
    return typer.Option(False, "--strict", help=f"Treat validation warnings {which}as errors.")


def since_option(help_text: str, metavar: str = "FILE|last") -> Any:
    """``--since FILE|last`` (or just ``last``, ``metavar``) with the command's ``help_text``.
    An empty value is refused."""
    return typer.Option(None, "--since", metavar=metavar, help=help_text,
                        parser=non_empty("an edition file or 'last'" if "FILE" in metavar else "'last'"))


def no_edition_option(whose: str) -> Any:
    """``--no-edition``: "Do not file ``whose`` edition record in the project's
    editions/<briefing>/<audience>/<date>.json."."""
    return typer.Option(False, "--no-edition",
                        help=f"Do not file {whose} edition record in the project's "
                             f"editions/<briefing>/<audience>/<date>.json.")


def one_audience(audience: list[str] | None, command: str, writes: str) -> str | None:
    """The one audience of a command that writes one file (``writes``) for one audience, from a
    repeatable ``-a/--audience`` (None: the default audience). The same name given twice counts
    once; two different names are a usage error (exit 2) naming the option, since only one of
    them could be written (and the file could carry a name that suggests the other)."""
    names = list(dict.fromkeys(audience or []))
    if len(names) > 1:
        from briefgen.cli.common import usage_error

        usage_error(f"--audience: {command} writes {writes} for one audience; got {len(names)}: "
                    f"{', '.join(repr(n) for n in names)} (run it once per audience)", code="usage")
    return names[0] if names else None


def format_option(help_text: str = "What to write: pdf, html or pdf,html (default: each audience's formats, "
                                   "else briefgen.toml's [project] formats, else pdf).") -> Any:
    """``--format LIST``: what to write (pdf, html or pdf,html); parsed with
    :func:`briefgen.cli.defaults.parse_formats`."""
    return typer.Option(None, "--format", metavar="LIST", help=help_text)
