"""The build server's side of one command: the process it forked becomes the client's
command (:mod:`briefgen.cli.server` forks it, :mod:`briefgen.cli.serve_client` waits for it).

:func:`become_command` takes on everything the client is: standard streams (the descriptors
it sent), working folder, environment, file mode mask, limits and priority
(:mod:`briefgen.cli.serve_process`), import path, ``sys.argv``, ``sys.executable`` and the
``matplotlibrc`` its folder and environment select (:mod:`briefgen.compat.matplotlib_rc`); then it
runs the command as ``briefgen`` would, and leaves with its exit code, which it also tells the
client itself. It never returns into the server's code, whatever the command raises.
"""

from __future__ import annotations

import os
import signal
import socket
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

from briefgen.cli import serve_process
from briefgen.cli import serve_protocol as protocol
from briefgen.compat import matplotlib_rc

RELAYED = frozenset({signal.SIGINT, signal.SIGTERM, signal.SIGHUP})
"""Signals a client relays to its command (:class:`briefgen.cli.serve_client._Relay`): blocked
from the fork until the command handles them, so that one that comes early waits for it."""


@dataclass(frozen=True)
class Start:
    """How the process was forked: the server's pid (for ``BRIEFGEN_SERVED``) and the signal
    mask to restore once the command handles its signals."""

    server_pid: int
    mask: set


def become_command(command: Callable[[], None], message: dict, server_fds: list[int],
                   conn: socket.socket, start: Start) -> None:
    """In the forked process: become the client's command (see the module doc), closing the
    server's descriptors ``server_fds`` and taking the client's stdin, stdout and stderr (sent
    with its go-ahead) as 0-2, then run ``command`` (the app's ``main``); leaves with its exit
    code, which it also tells the client over ``conn`` (so the client learns it even if the
    server dies meanwhile)."""
    try:
        os.setsid()  # its own process group: the client relays signals to it (not the server's)
        protocol.send(conn, {"accepted": os.getpid()})
        reader = protocol.LineReader(conn)
        go = reader.receive(with_fds=True)  # the client, waiting still, answers "go" with its streams
        fds = reader.fds
        if not go or "go" not in go or len(fds) != 3:  # it gave up waiting (and runs it itself): never here
            os._exit(0)
        signal.set_wakeup_fd(-1)
        for sig in (signal.SIGCHLD, signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, signal.SIG_DFL)
        for fd in server_fds:
            try:
                os.close(fd)
            except OSError:
                pass
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
            os.close(fd)
        _adopt_streams(message.get("streams") or [None, None, None])
        os.environ.clear()
        os.environ.update({str(k): str(v) for k, v in dict(message.get("env") or {}).items()})
        os.environ[protocol.SERVED_ENV] = str(start.server_pid)
        time.tzset()
        os.umask(int(message.get("umask", 0o022)))
        serve_process.adopt(message.get("process") or {})  # ulimit, nice, taskset
        sys.path[:] = [str(p) for p in message.get("path") or sys.path]
        sys.argv = [str(a) for a in message.get("argv") or ["briefgen"]]
        sys.executable = str(message.get("executable") or sys.executable)
        os.chdir(str(message.get("cwd")))
        try:
            matplotlib_rc.follow()  # a ./matplotlibrc, $MATPLOTLIBRC...: as a fresh import reads it
        except Exception:  # noqa: BLE001, S110 - an unreadable file: matplotlib's import would skip it too
            pass
    except (BrokenPipeError, ConnectionError):  # the client is gone: alone, it would not run at all
        os._exit(1)
    except OSError as exc:  # the working folder is gone, ...
        os.write(2, f"briefgen: {exc.filename or ''}: {exc.strerror or exc}\n".encode("utf-8", "replace"))
        os._exit(2)
    except BaseException:  # pragma: no cover - never the server's code path
        os._exit(1)
    code = 1
    try:
        from briefgen import collector
        from briefgen.cli import common, interrupts

        os.register_at_fork(after_in_child=conn.close)  # its workers do not hold the client's line
        interrupts.report_exit_to(lambda code: protocol.send(conn, {"exit": code}))
        common.out, common.err = common.console_for(), common.console_for(stderr=True)
        collector.hold()  # as in a fresh command: frozen again once the command's modules are in
        interrupts.handle_interrupts()
        signal.pthread_sigmask(signal.SIG_SETMASK, start.mask)  # a Ctrl-C that came meanwhile acts now
        command()  # leaves the process with the command's code (interrupts.leave)
        code = 0
    except SystemExit as exc:  # as the interpreter ends a process that raised it
        code = _exit_code(exc)
    except BaseException:  # noqa: BLE001 - as the interpreter reports an uncaught exception
        sys.excepthook(*sys.exc_info())
        code = 1
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except BaseException:  # noqa: BLE001, S110 - a broken stream: what it held is lost, as alone
                pass
        try:
            protocol.send(conn, {"exit": code})
        except BaseException:  # noqa: BLE001, S110 - the server tells the client then
            pass
        os._exit(code)


def _exit_code(exc: SystemExit) -> int:
    """The exit code the interpreter gives for an uncaught ``SystemExit`` (its message, when
    not a number, printed on stderr)."""
    if exc.code is None:
        return 0
    if isinstance(exc.code, int):
        return exc.code & 0xFF
    print(exc.code, file=sys.stderr)
    return 1


def _adopt_streams(streams: list) -> None:
    """New ``sys.stdin``/``stdout``/``stderr`` over descriptors 0-2 with the client's encodings
    (the server's were made for its own terminal)."""
    import io

    made = []
    for fd, spec in enumerate(streams[:3]):
        encoding, errors = (spec or [None, None])[:2]
        raw = io.FileIO(fd, "r" if fd == 0 else "w", closefd=False)
        interactive = os.isatty(fd)
        buffered = io.BufferedReader(raw) if fd == 0 else io.BufferedWriter(raw)
        made.append(io.TextIOWrapper(buffered, encoding=encoding or "utf-8", errors=errors or "strict",
                                     line_buffering=interactive or fd == 2, write_through=fd == 2))
    sys.stdin, sys.stdout, sys.stderr = made
    for name, stream in zip(("__stdin__", "__stdout__", "__stderr__"), made):
        setattr(sys, name, stream)  # what a library falls back to
