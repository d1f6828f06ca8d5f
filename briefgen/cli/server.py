"""The build server behind ``briefgen serve``: one resident process, warmed once, that runs
each ``briefgen`` command in a process forked from it.

A fresh ``briefgen build`` spends most of its half second importing typer, rich, pydantic,
Jinja2, ReportLab and pikepdf, building pydantic's validators and compiling patterns; the
briefing itself takes about a tenth of a second. The server pays all of that once
(:func:`briefgen.cli.warmup.warm_up`: it imports matplotlib too and builds a starter project),
then forks a copy of itself for every command (:mod:`briefgen.cli.serve_client` sends it),
so a command starts where a warm process stands. Each command runs in its own process, with
the client's working folder, environment, import path and standard streams, exactly as it
would run alone: its output, files, exit code and errors are the same (the tests compare
them), and one command's state never reaches another (the server never runs one itself).

The server stops on Ctrl-C or SIGTERM, on ``briefgen serve --stop``, after ``idle`` seconds
without a command, or when a client runs other code (briefgen or a library changed: see
:func:`briefgen.cli.serve_protocol.fingerprint`); it first waits for the commands still
running, whose clients get their exit codes. POSIX only (Unix sockets, ``fork``).
"""

from __future__ import annotations

import os
import selectors
import signal
import socket
import struct
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from briefgen.cli import serve_protocol as protocol


class ServerError(Exception):
    """The server cannot start: one runs already, the socket folder is not private, forking
    is unsafe. Its message says what to do."""


@dataclass
class _Running:
    conn: socket.socket
    argv: list[str]
    started: float


@dataclass
class BuildServer:
    """Runs ``command`` (the app's :func:`briefgen.cli.app.main`: ``sys.argv``'s command, then
    leave with its exit code) in a process forked for each client. Listens at ``path`` (default
    :func:`~briefgen.cli.serve_protocol.socket_path`) until stopped; ``idle`` seconds without a
    command end it (0: never). ``log`` receives one line per event (a command's start and end,
    stops)."""

    command: Callable[[], None]
    path: str = field(default_factory=protocol.socket_path)
    idle: float = 3600.0
    log: Callable[[str], None] = print
    fingerprint: str = ""
    served: int = 0
    _running: dict[int, _Running] = field(default_factory=dict)
    _stopping: str = ""
    _started: float = field(default_factory=time.time)

    def check_free(self) -> None:
        """Raise :class:`ServerError` when a server already answers at :attr:`path`, or its
        folder cannot be made private; remove a socket left by a server that died."""
        folder = os.path.dirname(self.path)
        os.makedirs(folder, mode=0o700, exist_ok=True)
        if not protocol.trusted_folder(folder):
            raise ServerError(f"{folder} must be a folder of yours that no one else may write or enter "
                              f"(chmod 700 {folder})")
        if not os.path.exists(self.path):
            return
        probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            probe.connect(self.path)
        except OSError:  # nobody listens: a socket left behind
            os.unlink(self.path)
            return
        finally:
            probe.close()
        raise ServerError(f"a build server already runs at {self.path} (stop it with: briefgen serve --stop)")

    def serve(self) -> None:
        """Bind, then answer clients until stopped (see the module doc). Call :meth:`check_free`
        and warm the process up first; the fingerprint is taken here unless set."""
        if threading.active_count() != 1:
            raise ServerError("cannot fork safely: another thread runs in this process")
        self.fingerprint = self.fingerprint or protocol.fingerprint()
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(self.path)
        os.chmod(self.path, 0o600)
        listener.listen(16)
        listener.setblocking(False)
        wake_r, wake_w = os.pipe()
        os.set_blocking(wake_w, False)
        os.set_blocking(wake_r, False)
        old_wakeup = signal.set_wakeup_fd(wake_w)
        handlers = {sig: signal.signal(sig, lambda *_: None) for sig in (signal.SIGCHLD, signal.SIGINT, signal.SIGTERM)}
        selector = selectors.DefaultSelector()
        selector.register(listener, selectors.EVENT_READ, "listener")
        selector.register(wake_r, selectors.EVENT_READ, "signal")
        self.log(f"ready: {self.path} (pid {os.getpid()})")
        last = time.monotonic()
        listening = True
        try:
            while not (self._stopping and not self._running):
                timeout = None
                if self.idle and not self._running and not self._stopping:
                    timeout = max(0.0, last + self.idle - time.monotonic())
                events = selector.select(timeout)
                if not events and timeout is not None:
                    self._stop(f"idle for {self.idle:g} s")
                for key, _mask in events:
                    if key.data == "signal":
                        self._on_signals(wake_r)
                    elif not self._stopping:
                        self._accept(listener, [listener.fileno(), wake_r, wake_w])
                        last = time.monotonic()
                if self._stopping and listening:  # no new command; the running ones finish
                    listening = False
                    selector.unregister(listener)
                    listener.close()
                    self._unlink()
        finally:
            signal.set_wakeup_fd(old_wakeup)
            for sig, handler in handlers.items():
                signal.signal(sig, handler)
            selector.close()
            listener.close()
            os.close(wake_r)
            os.close(wake_w)
            if listening:  # else removed when stopping began (a new server may listen there now)
                self._unlink()
        self.log(f"stopped ({self._stopping}); {self.served} command(s) served")

    def _unlink(self) -> None:
        try:
            if os.path.exists(self.path):
                os.unlink(self.path)
        except OSError:
            pass

    def _stop(self, why: str) -> None:
        if not self._stopping:
            self._stopping = why
            self.log(f"stopping: {why}" + (f"; waiting for {len(self._running)} command(s)" if self._running else ""))

    def _on_signals(self, wake_r: int) -> None:
        try:
            received = os.read(wake_r, 512)
        except BlockingIOError:
            received = b""
        if {signal.SIGINT, signal.SIGTERM} & set(received):
            self._stop("interrupted")
        self._reap()

    def _reap(self) -> None:
        """Collect every command that ended and tell its client how."""
        while self._running:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
            running = self._running.pop(pid, None)
            if running is None:
                continue
            code = os.waitstatus_to_exitcode(status)
            code = 128 - code if code < 0 else code  # killed by a signal: as a shell reports it
            try:
                protocol.send(running.conn, {"exit": code})
            except OSError:  # the client is gone (killed)
                pass
            running.conn.close()
            seconds = time.monotonic() - running.started
            self.log(f"exit {code}  {seconds:.2f} s  pid {pid}  {' '.join(running.argv[1:])}")

    def _accept(self, listener: socket.socket, own_fds: list[int]) -> None:
        try:
            conn, _ = listener.accept()
        except BlockingIOError:
            return
        conn.setblocking(True)
        conn.settimeout(5.0)  # a client that connects and says nothing does not hold the server
        reader = protocol.LineReader(conn)
        try:
            message = reader.receive(with_fds=True)
        except OSError:
            message = None
        fds = reader.fds
        try:
            if message is None or not _same_user(conn):
                conn.close()
            elif "control" in message:
                self._control(conn, message["control"])
            else:
                self._command(conn, message, fds, own_fds)
        finally:
            for fd in fds:
                os.close(fd)

    def _control(self, conn: socket.socket, what: str) -> None:
        if what == "stop":
            protocol.send(conn, {"stopping": os.getpid(), "running": len(self._running)})
            self._stop("asked to stop (briefgen serve --stop)")
        else:
            protocol.send(conn, {"pid": os.getpid(), "since": self._started, "served": self.served,
                                 "running": len(self._running), "path": self.path})
        conn.close()

    def _command(self, conn: socket.socket, message: dict, fds: list[int], own_fds: list[int]) -> None:
        if message.get("protocol") != protocol.PROTOCOL or message.get("fingerprint") != self.fingerprint:
            protocol.send(conn, {"refused": "other code",
                                 "note": "briefgen: the build server runs code older or other than this "
                                         "command's; it stops, and this command runs on its own "
                                         "(start it again: briefgen serve)"})
            conn.close()
            self._stop("a client runs other code (briefgen or a library changed)")
            return
        if len(fds) != 3:
            conn.close()
            return
        conn.settimeout(None)
        sys.stdout.flush()
        sys.stderr.flush()
        try:
            pid = os.fork()
        except OSError as exc:  # out of processes or memory: the client runs the command itself
            protocol.send(conn, {"refused": "fork", "note": f"briefgen: the build server could not start a "
                                                            f"process ({exc.strerror}); this command runs on its own"})
            conn.close()
            return
        if pid == 0:  # the command's process: never returns
            others = [r.conn.fileno() for r in self._running.values()]
            _run_command(self.command, message, fds, [*own_fds, *others, conn.fileno()], os.getppid())
        self.served += 1
        self._running[pid] = _Running(conn, list(message.get("argv") or []), time.monotonic())
        protocol.send(conn, {"accepted": pid})
        self.log(f"run   pid {pid}  {message.get('cwd')}: {' '.join(message.get('argv', [])[1:])}")


def _same_user(conn: socket.socket) -> bool:
    """True when the peer runs as this user (``SO_PEERCRED`` where the system has it; else the
    private socket folder is the guard)."""
    option = getattr(socket, "SO_PEERCRED", None)
    if option is None:  # pragma: no cover - not Linux
        return True
    creds = conn.getsockopt(socket.SOL_SOCKET, option, struct.calcsize("3i"))
    _pid, uid, _gid = struct.unpack("3i", creds)
    return uid == os.getuid()


def _run_command(command: Callable[[], None], message: dict, fds: list[int], server_fds: list[int],
                 server_pid: int) -> None:
    """In the forked process: become the client's command (streams, folder, environment,
    import path, mask), then run it as ``briefgen`` would; leaves with its exit code."""
    try:
        os.setsid()  # its own process group: the client relays signals to it (not the server's)
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
        os.environ[protocol.SERVED_ENV] = str(server_pid)
        time.tzset()
        os.umask(int(message.get("umask", 0o022)))
        sys.path[:] = [str(p) for p in message.get("path") or sys.path]
        sys.argv = [str(a) for a in message.get("argv") or ["briefgen"]]
        os.chdir(str(message.get("cwd")))
    except OSError as exc:  # the working folder is gone, ...
        os.write(2, f"briefgen: {exc.filename or ''}: {exc.strerror or exc}\n".encode("utf-8", "replace"))
        os._exit(2)
    except BaseException:  # pragma: no cover - never the server's code path
        os._exit(1)
    from briefgen import collector
    from briefgen.cli import common, interrupts

    common.out, common.err = common.console_for(), common.console_for(stderr=True)
    collector.hold()  # as in a fresh command: frozen again once the command's modules are in
    interrupts.handle_interrupts()
    command()
    os._exit(0)  # pragma: no cover - the command leaves with its own code


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
