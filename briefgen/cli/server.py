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
without a command, or when its own code changed (briefgen or a library: see
:func:`briefgen.cli.serve_protocol.fingerprint`); it first waits for the commands still
running, whose clients get their exit codes. A command's process tells its client its exit
code itself as it leaves, so a server killed meanwhile costs the client nothing; a client
killed outright takes its command with it. POSIX only (Unix sockets, ``fork``).
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

from briefgen.cli import serve_process
from briefgen.cli import serve_protocol as protocol
from briefgen.cli.serve_command import RELAYED, Start, become_command

ORPHAN_GRACE = 0.5
"""Seconds between a client hanging up before it was told its command's exit code and the
command being killed. A command tells its client its exit code just before it leaves
(:func:`briefgen.cli.interrupts.leave`), and that client may hang up before the server has
collected the ended process: a killed client's command would still be running after this."""


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
    _selector: selectors.BaseSelector | None = None
    _hangups: _Hangups | None = None
    _orphaned: dict[int, float] = field(default_factory=dict)
    """Commands whose client hung up without being told their exit code -> when they are killed."""

    def check_free(self) -> None:
        """Raise :class:`ServerError` when a server already answers at :attr:`path`, or its
        folder cannot be made private; remove a socket left by a server that died."""
        folder = os.path.dirname(self.path)
        try:
            os.makedirs(folder, mode=0o700, exist_ok=True)
        except FileExistsError:  # a file, or a link to nowhere, where the folder goes
            pass
        problem = protocol.untrusted_folder(folder)
        if problem:
            raise ServerError(problem)
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
        selector = self._selector = selectors.DefaultSelector()
        selector.register(listener, selectors.EVENT_READ, "listener")
        selector.register(wake_r, selectors.EVENT_READ, "signal")
        self._hangups = _Hangups()
        if self._hangups.poll is not None:
            selector.register(self._hangups.poll.fileno(), selectors.EVENT_READ, "hangup")
        self.log(f"ready: {self.path} (pid {os.getpid()})")
        last = time.monotonic()
        listening = True
        try:
            while not (self._stopping and not self._running):
                idle_until = None
                if self.idle and not self._running and not self._stopping:
                    idle_until = last + self.idle
                deadlines = [t for t in (idle_until, *self._orphaned.values()) if t is not None]
                events = selector.select(max(0.0, min(deadlines) - time.monotonic()) if deadlines else None)
                if idle_until is not None and time.monotonic() >= idle_until:
                    self._stop(f"idle for {self.idle:g} s")
                self._kill_orphans()
                for key, _mask in events:
                    if key.data == "signal":
                        self._on_signals(wake_r)
                    elif key.data == "hangup":  # a running command's client hung up
                        for pid in self._hangups.gone():
                            self._on_client(pid)
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
            if self._stopping and self._running:  # asked again: the running commands are interrupted
                self.log(f"interrupting {len(self._running)} running command(s) (SIGTERM)")
                for pid in self._running:
                    try:
                        os.killpg(pid, signal.SIGTERM)
                    except OSError:
                        pass
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
            self._forget(running.conn)
            self._orphaned.pop(pid, None)
            code = os.waitstatus_to_exitcode(status)
            ended: dict = {"exit": code}
            if code < 0:  # killed by a signal: the client dies of it too (else exits as a shell reports it)
                ended = {"exit": 128 - code, "signal": -code}
                code = 128 - code
            try:
                protocol.send(running.conn, ended)
            except OSError:  # the client is gone (killed)
                pass
            running.conn.close()
            seconds = time.monotonic() - running.started
            self.log(f"exit {code}  {seconds:.2f} s  pid {pid}  {' '.join(running.argv[1:])}")

    def _forget(self, conn: socket.socket) -> None:
        if self._hangups is not None:
            self._hangups.forget(conn)

    def _on_client(self, pid: int) -> None:
        """The client of command ``pid`` closed its connection before the server told it the
        exit code: it was killed outright (SIGKILL), which alone would have ended the command at
        once; so does the command here, with its whole process group (its workers), unless it
        ends by itself within :data:`ORPHAN_GRACE` (it told its client as it left)."""
        if pid in self._running:
            self._orphaned[pid] = time.monotonic() + ORPHAN_GRACE

    def _kill_orphans(self) -> None:
        """Kill (SIGKILL, whole process group) each command whose client hung up
        :data:`ORPHAN_GRACE` seconds ago and that has not ended since."""
        self._reap()
        now = time.monotonic()
        for pid, when in list(self._orphaned.items()):
            if when <= now and pid in self._running:
                del self._orphaned[pid]
                self.log(f"client gone  pid {pid}: the command is killed, as it would have been alone")
                try:
                    os.killpg(pid, signal.SIGKILL)
                except OSError:
                    pass

    def _accept(self, listener: socket.socket, own_fds: list[int]) -> None:
        try:
            conn, _ = listener.accept()
        except BlockingIOError:
            return
        conn.setblocking(True)
        conn.settimeout(1.0)  # a client that connects and says nothing does not hold the server
        reader = protocol.LineReader(conn)
        try:
            message = reader.receive()
        except OSError:
            message = None
        if message is None or not _same_user(conn):
            conn.close()
        elif "control" in message:
            self._control(conn, message["control"])
        else:
            self._command(conn, message, own_fds)

    def _control(self, conn: socket.socket, what: str) -> None:
        if what == "stop":
            protocol.send(conn, {"stopping": os.getpid(), "running": len(self._running)})
            self._stop("asked to stop (briefgen serve --stop)")
        else:
            protocol.send(conn, {"pid": os.getpid(), "since": self._started, "served": self.served,
                                 "running": len(self._running), "path": self.path})
        conn.close()

    def _command(self, conn: socket.socket, message: dict, own_fds: list[int]) -> None:
        if message.get("protocol") != protocol.PROTOCOL or message.get("fingerprint") != self.fingerprint:
            self._refuse_other(conn)
            return
        if serve_process.unreachable(message.get("process")):  # ulimit -H, sg, unshare...: it runs alone
            protocol.send(conn, {"refused": "process"})
            conn.close()
            return
        conn.settimeout(None)
        for stream in (sys.stdout, sys.stderr):  # what the fork would print again
            try:
                stream.flush()
            except (OSError, ValueError):  # the log's reader is gone
                pass
        # A signal that comes before the command handles it waits, blocked, instead of ending it
        # half-made (or reaching the server's handler and stopping the server). The command's
        # process tells the client its pid itself, once it leads its own process group (the
        # client relays Ctrl-C to that group): so a client told nothing knows nothing ran.
        mask = signal.pthread_sigmask(signal.SIG_BLOCK, RELAYED)
        try:
            pid = os.fork()
        except OSError as exc:  # out of processes or memory: the client runs the command itself
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)
            protocol.send(conn, {"refused": "fork", "note": f"briefgen: the build server could not start a "
                                                            f"process ({exc.strerror}); this command runs on its own"})
            conn.close()
            return
        if pid == 0:  # the command's process: never returns
            others = [r.conn.fileno() for r in self._running.values()]
            for poller in (self._selector, self._hangups.poll if self._hangups else None):
                fileno = getattr(poller, "fileno", None)
                if fileno is not None:
                    others.append(fileno())  # epoll's own descriptors
            become_command(self.command, message, [*own_fds, *others], conn,
                           Start(server_pid=os.getppid(), mask=mask))
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        self.served += 1
        self._running[pid] = _Running(conn, list(message.get("argv") or []), time.monotonic())
        if self._hangups is not None:
            self._hangups.watch(conn, pid)
        self.log(f"run   pid {pid}  {message.get('cwd')}: {' '.join(message.get('argv', [])[1:])}")


    def _refuse_other(self, conn: socket.socket) -> None:
        """A client whose fingerprint is not this server's runs the command itself. When this
        server's own code changed since it started (an edit, an upgrade), it is stale: it says
        so and retires. Otherwise the client differs by its own settings (interpreter flags such
        as ``-X dev`` or the UTF-8 mode of ``LC_ALL=C``, ``PYTHONPATH``, another copy of
        briefgen): it runs alone, with nothing added to its output, and the server stays."""
        stale = protocol.fingerprint() != self.fingerprint
        answer: dict = {"refused": "other code"}
        if stale:
            answer["note"] = ("briefgen: the build server runs code older or other than this command's; it "
                              "stops, and this command runs on its own (start it again: briefgen serve)")
        try:
            protocol.send(conn, answer)
        except OSError:
            pass
        conn.close()
        if stale:
            self._stop("its code changed (briefgen or a library): a client runs other code")


class _Hangups:
    """Which running commands' clients hung up, found without reading what they send (the
    command's process reads its client's go-ahead): epoll's ``EPOLLRDHUP``, where there is
    epoll (elsewhere :attr:`poll` is None and a killed client's command runs to its end)."""

    def __init__(self) -> None:
        import select

        self.poll = select.epoll() if hasattr(select, "epoll") else None
        self.flags = getattr(select, "EPOLLRDHUP", 0) | getattr(select, "EPOLLHUP", 0)
        self.pids: dict[int, int] = {}

    def watch(self, conn: socket.socket, pid: int) -> None:
        if self.poll is not None:
            self.poll.register(conn.fileno(), self.flags)
            self.pids[conn.fileno()] = pid

    def forget(self, conn: socket.socket) -> None:
        if self.poll is not None and self.pids.pop(conn.fileno(), None) is not None:
            try:
                self.poll.unregister(conn.fileno())
            except (OSError, ValueError):
                pass

    def gone(self) -> list[int]:
        """The commands whose clients hung up since asked last (each said once)."""
        if self.poll is None:
            return []
        pids = []
        for fd, _events in self.poll.poll(0):
            pid = self.pids.pop(fd, None)
            self.poll.unregister(fd)
            if pid is not None:
                pids.append(pid)
        return pids


def _same_user(conn: socket.socket) -> bool:
    """True when the peer runs as this user (``SO_PEERCRED`` where the system has it; else the
    private socket folder is the guard)."""
    option = getattr(socket, "SO_PEERCRED", None)
    if option is None:  # pragma: no cover - not Linux
        return True
    creds = conn.getsockopt(socket.SOL_SOCKET, option, struct.calcsize("3i"))
    _pid, uid, _gid = struct.unpack("3i", creds)
    return uid == os.getuid()
