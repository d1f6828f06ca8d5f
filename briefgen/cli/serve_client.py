"""The command line's side of the build server: hand this command to a running
``briefgen serve`` (:mod:`briefgen.cli.server`) and wait for its exit code.

:func:`forward` is the first thing the ``briefgen`` entry point does
(:func:`briefgen.cli.launch.main`). Without a server it costs a ``stat`` of the socket and
returns None, and the command runs in this process as always. With one, the server forks a
process that already holds every library and has built a briefing before; that process runs
this command with this process's working folder, environment, standard streams (the file
descriptors themselves: a terminal stays a terminal) and import path, and this process
relays Ctrl-C, SIGTERM and SIGHUP to it (its whole process group, as a terminal would) and
leaves with its exit code.

A server that cannot be reached, or that runs other code (:func:`~briefgen.cli.serve_protocol.fingerprint`),
leaves the command to this process: nothing has run yet, so nothing runs twice. Once the
server has accepted the command, this process never runs it itself.
"""

from __future__ import annotations

import os
import signal
import sys
from typing import TYPE_CHECKING

from briefgen.cli import serve_protocol as protocol

if TYPE_CHECKING:  # imported once a server's socket is there: a command without one never needs it
    import socket

ANSWER_WAIT = 3.0
"""Seconds a client waits for the server to start its command (a fork: milliseconds) before it
runs the command itself: a server that is stopped (Ctrl-Z in its terminal) or stuck never holds
a command. The command's process starts the command only on the client's go-ahead, which a
client that stopped waiting never gives: nothing runs twice."""

_LOST = 1
"""Exit code when no one says how the command ended: the server went away and the command's
process ended without saying (killed outright while the server was gone). The command's process
tells its code itself when it leaves, so a server that dies meanwhile costs nothing else."""


def forward(argv: list[str]) -> int | None:
    """Run ``argv`` (``sys.argv`` whole) through the build server and return its exit code,
    or None when there is no usable server (:data:`~briefgen.cli.serve_protocol.DISABLE_ENV`
    set, none running, another user's folder, other code) and the caller should run it."""
    if runs_alone(argv) or protocol.disabled() or os.name != "posix":
        return None
    path = protocol.socket_path()
    if not os.path.exists(path) or not protocol.trusted_folder(os.path.dirname(path)) or not protocol.supported():
        return None
    import socket
    try:
        for fd in (0, 1, 2):
            os.fstat(fd)
    except OSError:  # a closed standard stream cannot be handed over
        return None
    relay = _Relay()  # from before the request: a Ctrl-C that comes early is not lost
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.connect(path)
        protocol.send(sock, protocol.request(argv))
        reader = protocol.LineReader(sock)
        sock.settimeout(ANSWER_WAIT)
        answer = reader.receive()
        if answer and "accepted" in answer:
            sock.settimeout(None)
            # the streams go with the go-ahead, not with the request: a request a stopped server
            # never takes would hold them open (a caller reading this process's output to its
            # end would wait for that server), and from here on this process never runs it itself
            protocol.send(sock, {"go": 1}, [0, 1, 2])
    except OSError:  # refused (a server that died and left its socket), reset, no answer in time...
        answer = None
    if answer and "exit" in answer:  # it ran (whoever failed to say so first): never again here
        sock.close()
        return int(answer["exit"])
    if not answer or "accepted" not in answer:
        sock.close()
        if answer and answer.get("note"):
            os.write(2, f"{answer['note']}\n".encode("utf-8", "replace"))
        relay.give_up()
        return None
    relay.to(int(answer["accepted"]))
    return _wait(sock, reader)


ALONE_OPTIONS = frozenset({"--install-completion", "--show-completion"})
"""Options whose command always runs in its own process: they find the user's shell among the
process's ancestors (``shellingham``), and a process forked by the server has the server's."""


def runs_alone(argv: list[str]) -> bool:
    """True for a command line the server must not run: ``serve`` itself, and one with an
    option of :data:`ALONE_OPTIONS` (``--show-completion=zsh`` too)."""
    if len(argv) > 1 and argv[1] == "serve":
        return True
    return any(arg.partition("=")[0] in ALONE_OPTIONS for arg in argv[1:])


class _Relay:
    """Handles Ctrl-C, SIGTERM and SIGHUP while a command is with the server: each is sent to
    the command's process group (as a terminal sends Ctrl-C to its foreground group); one that
    comes before the server names the process waits for :meth:`to`. Ctrl-Z (SIGTSTP) stops the
    command's group and this process, and SIGCONT (``fg``, ``bg``) resumes both: the command's
    group is in a session of its own, where the terminal's job control does not reach."""

    SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGTSTP, signal.SIGCONT)

    def __init__(self) -> None:
        self.pid = 0
        self.pending: list[int] = []
        self.previous = {sig: signal.signal(sig, self._handle) for sig in self.SIGNALS}

    def _handle(self, signum, frame) -> None:  # noqa: ARG002 - a signal handler's signature
        if signum == signal.SIGTSTP:
            self._stop_both()
        elif signum == signal.SIGCONT:
            if self.pid:
                self._send(signal.SIGCONT)
        elif self.pid:
            self._send(signum)
        else:
            self.pending.append(signum)

    def _stop_both(self) -> None:
        """Ctrl-Z: stop the command (SIGSTOP: its group is orphaned, where SIGTSTP does nothing),
        then this process as the terminal would (SIGCONT resumes both)."""
        if self.pid:
            self._send(signal.SIGSTOP)
        os.kill(os.getpid(), signal.SIGSTOP)

    def _send(self, signum: int) -> None:
        try:
            os.killpg(self.pid, signum)
        except OSError:  # it has ended
            pass

    def to(self, pid: int) -> None:
        """The command runs as ``pid``: relay what came so far, and all that comes."""
        self.pid = pid
        for signum in self.pending:
            self._send(signum)

    def give_up(self) -> None:
        """No server runs the command: the usual handlers again, and a signal that came meanwhile
        acts now as it would have (the command has not started)."""
        for sig, previous in self.previous.items():
            signal.signal(sig, previous)
        for signum in self.pending:
            signal.raise_signal(signum)


def _wait(sock: "socket.socket", reader: protocol.LineReader) -> int:
    """The command's exit code, when the server reports it."""
    while True:
        try:
            message = reader.receive()
        except OSError:
            message = None
        if message is None:
            os.write(2, b"briefgen: the build server went away before the command finished\n")
            return _LOST
        if "exit" in message:
            sock.close()
            if message.get("signal"):
                _die_of(int(message["signal"]))
            return int(message["exit"])


def _die_of(signum: int) -> None:
    """End this process by signal ``signum``, as the command's process ended (a parent waiting for
    it sees the same: a shell's "Killed", ``subprocess``'s negative return code); returns only
    when the signal cannot be delivered so (the caller exits with 128 + ``signum``)."""
    try:
        if signum not in (signal.SIGKILL, signal.SIGSTOP):  # these cannot be handled, nor need resetting
            signal.signal(signum, signal.SIG_DFL)
            signal.pthread_sigmask(signal.SIG_UNBLOCK, [signum])
        sys.stdout.flush()
        os.kill(os.getpid(), signum)
    except (OSError, ValueError):
        pass


def run_or_forward(argv: list[str]) -> None:
    """Leave with the server's exit code when :func:`forward` ran the command; else return."""
    code = forward(argv)
    if code is not None:
        sys.stdout.flush()
        os._exit(code)
