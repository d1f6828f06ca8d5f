"""The ``briefgen`` command line (typer + rich): the app, its commands, and the entry point.

Each command lives in its own module (:mod:`briefgen.cli.validate` for ``validate``,
``audiences`` and ``schema``; :mod:`briefgen.cli.build`; :mod:`briefgen.cli.email`;
:mod:`briefgen.cli.batch`); what they share is in :mod:`briefgen.cli.common`. Those modules
import only typer and rich at the top, so ``--help`` stays fast.

Exit codes: 0 success; 1 a build or delivery failed; 2 invalid input or usage (every
problem is listed with file, line, key and a hint; never a Python traceback for a user
mistake).
"""

from __future__ import annotations

import sys

import typer
from rich.markup import escape as esc

from briefgen import collector
from briefgen.cli import common, interrupts, jsonout
from briefgen.cli.batch import batch_command
from briefgen.cli.build import build
from briefgen.cli.diff import diff_command
from briefgen.cli.email import email_command
from briefgen.cli.helpfmt import PlainGroup, PlainHelpCommand
from briefgen.cli.init import init_command, new_command
from briefgen.cli.interop import export_app, import_app
from briefgen.cli.serve import CommandLine, serve_command
from briefgen.cli.validate import audiences, schema, validate
from briefgen.cli.watch import watch_command
from briefgen.compat import dataclass_code
from briefgen.errors import BriefgenError


def _version(value: bool) -> None:
    if value:
        from briefgen import __version__

        common.out.print(f"briefgen {__version__}")
        raise typer.Exit()


app = typer.Typer(cls=PlainGroup, add_completion=True, rich_markup_mode=None, no_args_is_help=True,
                  pretty_exceptions_enable=False,
                  context_settings={"help_option_names": ["-h", "--help"]},
                  help="Build sourced PDF and HTML briefings from a YAML knowledge base and briefing specs.")


@app.callback()
def _main(ctx: typer.Context,
          version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                       help="Print the version and exit.")) -> None:
    """Build sourced PDF and HTML briefings from a YAML knowledge base and briefing specs."""
    ctx.obj = CommandLine(run=run, main=main)  # for `serve`, which runs commands (briefgen.cli.serve)
    collector.release()  # the command line's modules are in: freeze them (briefgen.collector)
    jsonout.reset()  # no --json state left from a command run before in this process
    from briefgen.load.cacheroot import turn_off

    turn_off(False)  # nor a --no-cache


# the order of registration is the order of ``briefgen --help``
app.command(cls=PlainHelpCommand)(validate)
app.command(cls=PlainHelpCommand)(build)
app.command(cls=PlainHelpCommand)(audiences)
app.command(cls=PlainHelpCommand)(schema)
app.command("email", cls=PlainHelpCommand)(email_command)  # issue 6
app.command("batch", cls=PlainHelpCommand)(batch_command)  # issue 7
app.command("init", cls=PlainHelpCommand)(init_command)  # issue 16
app.command("new", cls=PlainHelpCommand)(new_command)
app.command("watch", cls=PlainHelpCommand)(watch_command)
app.command("diff", cls=PlainHelpCommand)(diff_command)  # issue 14
app.command("serve", cls=PlainHelpCommand)(serve_command)  # issue 18
app.add_typer(export_app, name="export")
app.add_typer(import_app, name="import")


def main() -> None:
    """Console entry point: :func:`run`, then leave with its exit code.

    Exits with ``os._exit`` (:func:`briefgen.cli.interrupts.leave`) after flushing: every file
    is already written (atomically) and every worker joined by then, and skipping the
    interpreter's teardown of matplotlib, ReportLab and pydantic saves about 0.1 s per command.
    """
    code = run()
    dataclass_code.save()  # what @dataclass compiled anew, for the next run (briefgen.cli.launch)
    sys.stdout.flush()
    sys.stderr.flush()
    interrupts.leave(code)  # os._exit, told to the build server's client first (briefgen.cli.server)


def run() -> int:
    """Run the command line in ``sys.argv`` once, in this process, and return its exit code
    (0 success, 1 a build or delivery failed, 2 invalid input or usage, 130 interrupted); never
    raises for a user's mistake. The build server's warm-up runs commands this way."""
    code: int = 0
    from briefgen.cli.prestart import should_prestart

    if should_prestart(sys.argv[1:]):  # started already when run through briefgen.cli.launch
        from briefgen.charts.worker import prestart

        prestart()  # before typer builds and parses the command line (~0.06 s)
    try:
        app()
    except SystemExit as exc:
        if isinstance(exc.code, int):
            code = exc.code
        elif exc.code is not None:
            common.err.print(str(exc.code))
            code = 1
    except KeyboardInterrupt:
        common.err.print("interrupted; files already in place are complete, nothing is half-written")
        report = sys.modules.get("briefgen.cli.batch_report")  # a batch: how many variants are in place
        if report is not None and (note := report.interrupted_note()):
            common.err.print(esc(note), soft_wrap=True)
        code = 130
    except BriefgenError as exc:  # a command that let one through: its message and exit code, not a traceback
        try:
            common.fail(exc, outcome=None)
        except typer.Exit as done:
            code = done.exit_code
    except OSError as exc:  # a folder that cannot be written, a full disk...
        where = f"{exc.filename}: " if exc.filename else ""
        common.err.print(f"[red]error:[/] {esc(where + (exc.strerror or str(exc)))}", soft_wrap=True)
        code = 2 if isinstance(exc, (PermissionError, FileExistsError, NotADirectoryError,
                                     IsADirectoryError)) else 1
    jsonout.finish(code, sys.argv[1:])  # --json: a document even when the command printed none
    return code


if __name__ == "__main__":
    main()
