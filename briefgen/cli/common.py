"""What every ``briefgen`` command shares: the two rich consoles, the spec argument, the
problem listing, the failure exit and the checked writing of output files.

Commands reach the consoles as ``common.out`` and ``common.err`` (attributes, not imported
names), so that a test can swap them for wider ones.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import NoReturn

import typer
from rich.console import Console
from rich.markup import escape as esc

from briefgen.errors import BriefgenError, Problem, SpecError, TemplateError, located_problems

PIPE_WIDTH = 100_000
"""Columns of a console whose stream is not a terminal (a pipe, a file, a CI log): rich would take 80
there; this wide, and soft-wrapped, no line is broken (a path stays whole for grep and copy) and a
table is as wide as its content needs (a table does not stretch to the console's width)."""


def console_for(stderr: bool = False) -> Console:
    """A rich console for stdout (or stderr): on a terminal as wide as the terminal, which wraps;
    otherwise :data:`PIPE_WIDTH` wide and soft-wrapped (nothing wrapped). Markup is read, emoji codes
    and highlighting are not (":smile:" in user text stays as written)."""
    terminal = (sys.stderr if stderr else sys.stdout).isatty()
    return Console(stderr=stderr, highlight=False, emoji=False, width=None if terminal else PIPE_WIDTH,
                   soft_wrap=not terminal)


out = console_for()
err = console_for(stderr=True)

SpecArg = typer.Argument(..., help="Briefing spec (YAML), e.g. specs/peru-china.yaml.", show_default=False,
                         metavar="SPEC")


def show_problems(problems: list[Problem], title: str = "Problems") -> None:
    """Print problems on stderr, one block each: ``file:line:col  severity  key`` then the
    message, what was expected and found, and a did-you-mean hint."""
    err.print(f"[bold]{title}[/]")
    for p in problems:
        sev = "[red]error[/]" if p.severity == "error" else "[yellow]warning[/]"
        err.print(f"[cyan]{esc(p.location())}[/]  {sev}  [magenta]{esc(p.key)}[/]", soft_wrap=True)
        msg = p.message
        if p.expected:
            msg += f" (expected {p.expected}" + (f", got {p.got})" if p.got else ")")
        elif p.got:
            msg += f" (got {p.got})"
        msg = esc(msg)
        if p.suggestion:
            msg += f" — did you mean [green]{esc(repr(p.suggestion))}[/]?"
        err.print(f"    {msg}", soft_wrap=True)


def fail(exc: BriefgenError, outcome: str | None = "nothing was written.") -> NoReturn:
    """Report ``exc`` and exit with its code; ``outcome`` says what happened to the
    output folder (None for commands that write nothing). Under ``--json`` the error is
    also printed as the command's JSON document (:mod:`briefgen.cli.jsonout`)."""
    from briefgen.cli import jsonout

    exc = with_missing_file_suggestions(exc)
    jsonout.error(exc)
    problems = located_problems(exc) if isinstance(exc, (SpecError, TemplateError)) else []
    if problems:  # shown as a located block; other errors (an edition file's too) stay one line
        show_problems(problems)
        n = sum(1 for p in problems if p.severity == "error")
        err.print(f"[red]{n} error(s)[/]" + (f"; {outcome}" if outcome else ""))
    else:
        err.print(f"[red]error:[/] {esc(str(exc))}", soft_wrap=True)
        if outcome:
            err.print(outcome)
    raise typer.Exit(exc.exit_code)


def with_missing_file_suggestions(exc: BriefgenError) -> BriefgenError:
    """``exc`` with a did-you-mean on each "file not found" problem that has none: the nearest
    name (same suffix) among the files of the folder it was looked for in
    (``specs/calder-bey.yaml`` -> ``specs/calder-bay.yaml``). Other errors come back as they are."""
    import dataclasses

    if not isinstance(exc, SpecError):
        return exc
    problems = [dataclasses.replace(p, suggestion=nearest_file(p.file)) if p.message == "file not found"
                and not p.suggestion else p for p in exc.problems]
    if problems == exc.problems:
        return exc
    return SpecError(problems)


def nearest_file(missing: str, *, folders: bool = False) -> str:
    """The existing file (or folder, with ``folders``) nearest to the path ``missing`` (as typed
    on the command line), its folders too (``spec/x.yaml`` -> ``specs/x.yaml``, ``x.yml`` ->
    ``x.yaml``): see :func:`briefgen.load.paths.near_path`; "" when none is near."""
    from briefgen.load.paths import near_path

    return near_path(missing, Path(missing).absolute(), lambda p: p.is_file() or folders and p.is_dir())


def check_since(since: str | None) -> None:
    """Refuse ``--since`` naming no file when it is a near miss of ``last`` (``lats``, ``Last``),
    with the did-you-mean; anything else is left to the edition reader."""
    from briefgen.errors import did_you_mean

    if since is None or since == "last" or Path(since).exists():
        return
    if did_you_mean(since.strip().lower(), ["last"], cutoff=0.5):
        usage_error(f"--since: no edition file {since!r}; give an edition file or 'last'", suggestion="last",
                    file=since)


def usage_error(message: str, *, suggestion: str = "", file: str = "", code: str = "usage",
                outcome: str = "") -> NoReturn:
    """Refuse a bad option or argument: print ``error: message`` (with ``; did you mean
    'suggestion'?``) on stderr, then ``outcome`` (what happened to the output folder) when
    given, and under ``--json`` the same as the document's one error (``message``,
    ``suggestion`` and ``file`` as fields); exit with code 2."""
    from briefgen.cli import jsonout

    jsonout.emit(2, errors=[{**jsonout.message_problem(message, code), "file": file, "suggestion": suggestion}])
    err.print(f"[red]error:[/] {esc(message)}" + (f"; did you mean {suggestion!r}?" if suggestion else ""),
              soft_wrap=True)
    if outcome:
        err.print(outcome)
    raise typer.Exit(2)


def note_unusable_cache(options) -> None:
    """Say so when the chart cache folder cannot be used (a file in the way, no
    permission): the build still works, drawing every chart."""
    from briefgen.load.cacheroot import cache_disabled

    if not options.cache or cache_disabled():
        return
    from briefgen.charts.recent import default_root
    from briefgen.charts.store import mark_reported

    root = options.cache_dir or default_root()
    try:
        root.mkdir(parents=True, exist_ok=True)
        usable = os.access(root, os.W_OK)
    except OSError:
        usable = False
    if not usable:
        mark_reported(root)  # said once: not again after the build (take_write_failures)
        err.print(f"[yellow]note:[/] the chart cache {esc(str(root))} cannot be written; every chart is drawn "
                  f"(set BRIEFGEN_CACHE_DIR to a writable folder)", soft_wrap=True)


def note_cache_write_failures() -> None:
    """Say once per chart cache folder that entries could not be written to it (a full
    disk, say): the build went on, its charts were drawn but not kept."""
    from briefgen.charts.store import take_write_failures

    for root, why in take_write_failures().items():
        err.print(f"[yellow]note:[/] the chart cache {esc(root)} cannot be written ({esc(why)}); the charts were "
                  f"drawn but not kept", soft_wrap=True)
    note_template_cache_failures()


def note_template_cache_failures() -> None:
    """Say once per folder that compiled templates could not be kept in it: every template
    was compiled, the next run compiles them again (:mod:`briefgen.text.bytecode`)."""
    from briefgen.text.bytecode import take_write_failures as take_template_failures

    for root, why in take_template_failures().items():
        if "cache key" not in why:
            fix = "set BRIEFGEN_CACHE_DIR to a writable folder"
        elif "not private" in why or "byte key" in why:
            fix = "remove that key file and a new key is made"
        elif "remove it" in why:
            fix = ""  # the reason says what to do
        else:  # its folder cannot be made or used
            fix = "make that folder usable, or set XDG_CACHE_HOME to a private folder of yours"
        err.print(f"[yellow]note:[/] the template cache {esc(root)} cannot be written ({esc(why)}); templates "
                  f"are compiled at every run" + (f" ({fix})" if fix else ""), soft_wrap=True)


def check_writable(out_dir: Path, *, stores: "Iterable[Path]" = ()) -> None:
    """Stop before building anything when ``out_dir``, its ``audit`` folder or one of the
    editions ``stores`` could not be written: it is not a folder, or it does not take a new
    file, or (when it does not exist yet) no folder can be made in its nearest existing folder
    (tried: a folder made and removed at once, as permission bits do not tell for read-only
    mounts, /sys or /proc). Leaves nothing behind; exits with code 2 (``batch`` as ``build``)
    with :func:`briefgen.pipeline.write_errors.cannot_write`'s message."""
    from briefgen.pipeline.write_errors import cannot_write

    for folder in (out_dir, out_dir / "audit", *stores):
        try:
            _probe_folder(folder)
        except OSError as exc:
            usage_error(cannot_write(exc, folder), file=str(folder), code="output", outcome="nothing was written.")


def _probe_folder(folder: Path) -> None:
    """Raise OSError (``filename`` the folder, or the file in its way) unless ``folder`` takes a
    new file or, missing, can be made."""
    import errno
    import tempfile

    if folder.exists() or folder.is_symlink():
        if not folder.is_dir():
            raise OSError(errno.EEXIST, "it is a file, where a folder is needed", str(folder))
        with tempfile.TemporaryFile(dir=folder):
            pass
        return
    parent = folder.absolute().parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        raise OSError(errno.ENOTDIR, f"{parent} is not a folder", str(folder))
    if not os.access(parent, os.W_OK | os.X_OK):
        raise OSError(errno.EACCES, f"cannot create folders in {parent}", str(folder))
    # the permission bits may say yes where the file system says no (root in /sys or
    # /proc, a read-only mount): a folder made there, and removed at once, tells
    try:
        os.rmdir(tempfile.mkdtemp(prefix=".briefgen-probe-", dir=parent))
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(folder)) from None


def write_outputs(files: dict, *, fix: str = "Choose another folder with --out.") -> list[Path]:
    """Write output files atomically (a value of None removes that file in the same commit),
    turning file-system refusals into a clear error (:class:`briefgen.errors.OutputError`)
    that ends with ``fix`` (:func:`briefgen.pipeline.write_errors.cannot_write`). Returns the
    files removed."""
    from briefgen.deliver.output import atomic_write_many
    from briefgen.errors import OutputError

    try:
        return atomic_write_many(files)
    except OSError as exc:
        from briefgen.pipeline.write_errors import cannot_write

        raise OutputError(cannot_write(exc, Path(next(iter(files), "")), fix), errno=exc.errno) from None


def note_removed(paths: list[Path], *, stamp: str = "") -> None:
    """Say, on stderr, which files of an earlier build a commit removed and why
    (:meth:`briefgen.pipeline.build.BuildResult.stale_paths`); ``stamp``: a time to start
    each line with (``watch``)."""
    for path in paths:
        err.print((f"[dim]{stamp}[/] " if stamp else "") + f"[yellow]note:[/] removed {esc(str(path))} "
                  f"({removal_reason(Path(path))})", soft_wrap=True)


def removal_reason(path: Path) -> str:
    """Why a variant's file of an earlier build was removed, by its kind (its name's end)."""
    name = path.name
    if name.endswith(".eml"):
        return ("a message made from an earlier build, which may show what this one withholds; "
                "briefgen email makes one of this build")
    if name.endswith(".stix.json"):
        return "a STIX bundle of an earlier build; briefgen export stix makes one of this build"
    if name.endswith(".document.json"):
        return "an earlier build's --emit-document model; not written by this build"
    return "an earlier build's; not among this build's formats"


