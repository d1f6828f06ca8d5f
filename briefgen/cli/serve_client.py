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
import sys
from typing import TYPE_CHECKING

from briefgen.cli import serve_protocol as protocol

if TYPE_CHECKING:
    import socket

_LOST = 1
"""Exit code when the server goes away before saying how the command ended (it may still be
running: its output keeps reaching this terminal)."""


def forward(argv: list[str]) -> int | None:
    """Run ``argv`` (``sys.argv`` whole) through the build server and return its exit code,
    or None when there is no usable server (:data:`~briefgen.cli.serve_protocol.DISABLE_ENV`
    set, none running, another user's folder, other code) and the caller should run it."""
    if len(argv) > 1 and argv[1] == "serve" or protocol.disabled() or os.name != "posix":
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
        protocol.send(sock, protocol.request(argv), [0, 1, 2])
        reader = protocol.LineReader(sock)
        answer = reader.receive()
    except OSError:  # refused (a server that died and left its socket), reset...
        answer = None
    if not answer or "accepted" not in answer:
        sock.close()
        if answer and answer.get("note"):
            os.write(2, f"{answer['note']}\n".encode("utf-8", "replace"))
        relay.give_up()
        return None
    relay.to(int(answer["accepted"]))
    return _wait(sock, reader)


class _Relay:
    """Handles Ctrl-C, SIGTERM and SIGHUP while a command is with the server: each is sent to
    the command's process group (as a terminal sends Ctrl-C to its foreground group); one that
    comes before the server names the process waits for :meth:`to`."""

    def __init__(self) -> None:
        import signal

        self.pid = 0
        self.pending: list[int] = []
        self.previous = {sig: signal.signal(sig, self._handle)
                         for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}

    def _handle(self, signum, frame) -> None:  # noqa: ARG002 - a signal handler's signature
        if self.pid:
            self._send(signum)
        else:
            self.pending.append(signum)

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
        import signal

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
            return int(message["exit"])


def run_or_forward(argv: list[str]) -> None:
    """Leave with the server's exit code when :func:`forward` ran the command; else return."""
    code = forward(argv)
    if code is not None:
        sys.stdout.flush()
        os._exit(code)
