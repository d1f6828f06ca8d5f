"""``briefgen serve``: start, stop or ask about the resident build server
(:mod:`briefgen.cli.server`).

While it runs, every ``briefgen`` command of the same user and Python environment runs in a
process forked from it (:mod:`briefgen.cli.serve_client`): the same output, files and exit
code, without the half second a fresh process spends importing. ``BRIEFGEN_SERVER=off``
makes a command ignore it.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass

import typer
from rich.markup import escape as esc

from briefgen.cli import common
from briefgen.cli import serve_protocol as protocol


@dataclass(frozen=True)
class CommandLine:
    """How to run a command line in this process, handed down by the app (:mod:`briefgen.cli.app`
    sets it as the context's object; importing the app from here would make a cycle): ``run``
    returns the exit code of ``sys.argv``'s command; ``main`` runs it and leaves the process
    with that code."""

    run: Callable[[], int]
    main: Callable[[], None]


def serve_command(ctx: typer.Context,
                  stop: bool = typer.Option(False, "--stop", help="Stop the running server (it finishes the "
                                                                   "commands it runs first)."),
                  status: bool = typer.Option(False, "--status", help="Say whether a server runs, since when "
                                                                      "and how many commands it ran."),
                  idle: float = typer.Option(60.0, "--idle", min=0.0, metavar="MINUTES",
                                             help="Stop after this many minutes without a command (0: never).")
                  ) -> None:
    """Keep a warm briefgen process that runs every briefgen command of this user and Python
    environment (until Ctrl-C, --stop or --idle): each command then skips the ~0.35 s a fresh
    process spends importing, with the same output, files and exit code. Set BRIEFGEN_SERVER=off
    to bypass it."""
    if not protocol.supported():
        common.err.print("[red]error:[/] the build server needs Unix sockets and fork (Linux, macOS)")
        raise typer.Exit(2)
    path = protocol.socket_path()
    if stop or status:
        raise typer.Exit(_ask(path, "stop" if stop else "status"))
    _run(path, idle * 60, ctx.obj)


def _ask(path: str, what: str) -> int:
    """Send a control message; print the answer. 0 when a server answered, 1 when none runs."""
    folder = os.path.dirname(path)
    problem = protocol.untrusted_folder(folder) if os.path.lexists(folder) else ""
    if problem:  # a server listening there could be anyone's: never asked
        common.err.print(f"[red]error:[/] {esc(problem)}", soft_wrap=True)
        return 1
    import socket

    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(10)
    try:
        sock.connect(path)
        protocol.send(sock, {"control": what})
        answer = protocol.LineReader(sock).receive()
    except OSError:
        answer = None
    finally:
        sock.close()
    if not answer:
        common.err.print(f"no build server runs (its socket would be {esc(path)})", soft_wrap=True)
        return 1
    if what == "stop":
        waiting = f"; it finishes {answer['running']} running command(s) first" if answer.get("running") else ""
        common.out.print(f"build server (pid {answer['stopping']}) stopping{waiting}", soft_wrap=True)
    else:
        since = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(float(answer["since"])))
        common.out.print(f"build server running: pid {answer['pid']}, since {since}, {answer['served']} command(s) "
                         f"served, {answer['running']} running; socket {esc(str(answer['path']))}", soft_wrap=True)
    return 0


def _run(path: str, idle_seconds: float, command_line: CommandLine) -> None:
    """Check, warm up, serve (see :mod:`briefgen.cli.server`); errors exit 1 with one line."""
    from briefgen.cli.server import BuildServer, ServerError
    from briefgen.cli.warmup import warm_up

    def log(line: str) -> None:
        try:
            common.out.print(f"{time.strftime('%H:%M:%S')}  {esc(line)}", soft_wrap=True, highlight=False)
            common.out.file.flush()
        except (OSError, ValueError, SystemExit):  # its output is gone (`briefgen serve | head`; rich
            pass  # raises SystemExit for a broken pipe): it serves on, unheard

    server = BuildServer(path=path, idle=idle_seconds, log=log, command=command_line.main)
    try:
        server.check_free()
        server.fingerprint = protocol.fingerprint()
        started = time.perf_counter()
        log("warming up (imports, a starter project built in a temporary folder)")
        for problem in warm_up(command_line.run):
            log(problem)
        log(f"warm in {time.perf_counter() - started:.1f} s; commands of this Python environment now run here "
            f"(BRIEFGEN_SERVER=off bypasses it); Ctrl-C stops")
        server.serve()
    except (ServerError, OSError) as exc:
        common.err.print(f"[red]error:[/] {esc(str(exc))}", soft_wrap=True)
        raise typer.Exit(1) from None
