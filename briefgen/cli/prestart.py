"""Whether a command line should start the chart worker before anything else is imported.

Shared by the entry point (:mod:`briefgen.cli.launch`) and ``python -m briefgen.cli.app``
(:func:`briefgen.cli.app.main`); pure and light: it imports nothing at the top.
"""

from __future__ import annotations


def draws(args: list[str]) -> bool:
    """True for a command line that will draw charts: ``build`` or ``email`` without a
    help option."""
    return bool(args) and args[0] in ("build", "email") and not {"--help", "-h"} & set(args)


_VALUED = {"-a", "--audience", "-o", "--out", "--smtp-config", "--max-attachment-mb"}
"""Options of ``build`` and ``email`` that take a value (the spec is the first other
argument)."""


def should_prestart(args: list[str]) -> bool:
    """True when the command draws (:func:`draws`) and may well find charts missing from
    the cache: ``--no-cache``, no record of the spec's last build, or a chart of it gone
    (see :mod:`briefgen.charts.recent`). A wrong guess costs time, never a result."""
    if not draws(args):
        return False
    if "--no-cache" in args:
        return True
    spec = _spec_argument(args)
    if spec is None:
        return True
    from briefgen.charts.recent import default_root, probably_cached

    return not probably_cached(default_root(), spec)


def _spec_argument(args: list[str]) -> str | None:
    """The first argument after the command that is neither an option nor an option's value."""
    i = 1
    while i < len(args):
        if args[i] in _VALUED:
            i += 2
        elif args[i].startswith("-"):
            i += 1
        else:
            return args[i]
    return None
