"""What the build server (``briefgen serve``) and the command line agree on: where the
server listens, which code it runs, and how a command travels to it.

Light on purpose: the ``briefgen`` entry point imports this module before anything else
(:mod:`briefgen.cli.serve_client`), so it imports only the standard library's cheapest.

**Where.** One server per user and per Python environment: a Unix socket
``<runtime>/briefgen-<uid>/<environment>.sock``, where ``<runtime>`` is ``$XDG_RUNTIME_DIR``
(the per-user runtime folder of the freedesktop base-directory spec) or else the temporary
folder, and ``<environment>`` a digest of ``sys.prefix`` and the interpreter. The folder is
made private (mode 0700) by the server; a client trusts only a folder that it owns and that
no one else may write (:func:`trusted_folder`), and the server answers only its own user
(``SO_PEERCRED``).

**Which code.** A server runs the code it imported when it started. :func:`fingerprint`
digests what decides that code: the interpreter and its flags, the import path, the size
and modification time of every file of the briefgen package and of every folder on the
import path (installing or removing a distribution changes its folder). A client sends its
own; a server whose fingerprint differs refuses the command, which runs in the client's own
process as it would without a server, and retires when its own code changed since it started
(:meth:`briefgen.cli.server.BuildServer._refuse_other`).

**How.** One connection per command, newline-delimited JSON: the client sends its request
(:func:`request`); the server answers ``{"refused": <why>}``, or the process it forked for the
command answers ``{"accepted": <its pid>}`` once it leads its own process group (a client told
nothing knows that nothing ran); the client answers ``{"go": 1}`` with its standard input,
output and error as file descriptors (``SCM_RIGHTS``: sent only now, so that a request a
stopped server never takes holds none of them open); later ``{"exit": <code>}`` comes from
that process as it leaves and from the server once it collected it (``"signal"`` added when a
signal killed it).
"""

from __future__ import annotations

import json
import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported where used: a command without a server never needs it (~3 ms)
    import socket

PROTOCOL = 3
"""Raised whenever a message changes shape: a client and a server of different protocols do
not talk (the fingerprint differs too, since the code does)."""

DISABLE_ENV = "BRIEFGEN_SERVER"
"""``BRIEFGEN_SERVER=off`` (or ``0``, ``no``, ``false``): never use a running build server;
every command runs in its own process. The test suite sets it."""

SERVED_ENV = "BRIEFGEN_SERVED"
"""Set (to the server's pid) in the environment of a command the server runs, so that the
command, its children and a test can tell."""

MAX_MESSAGE = 1 << 20
"""Longest request accepted, in bytes (an environment and a command line fit many times)."""


def disabled(env: dict[str, str] | os._Environ[str] | None = None) -> bool:
    """True when :data:`DISABLE_ENV` says not to use a server."""
    value = (os.environ if env is None else env).get(DISABLE_ENV, "")
    return value.strip().lower() in ("off", "0", "no", "false")


def supported() -> bool:
    """True where a build server can run: Unix sockets that pass file descriptors, and ``fork``."""
    import socket

    return hasattr(socket, "AF_UNIX") and hasattr(socket, "send_fds") and hasattr(os, "fork")


def socket_folder() -> str:
    """The per-user folder holding the servers' sockets (see the module doc)."""
    runtime = os.environ.get("XDG_RUNTIME_DIR", "").strip()
    if not runtime or not os.path.isabs(runtime):
        import tempfile

        runtime = tempfile.gettempdir()
    return os.path.join(runtime, f"briefgen-{os.getuid()}")


def socket_path() -> str:
    """The socket of this Python environment's server (which may not be running)."""
    import hashlib

    digest = hashlib.sha256(f"{sys.prefix}\0{interpreter()}".encode("utf-8", "surrogateescape")).hexdigest()[:16]
    return os.path.join(socket_folder(), f"{digest}.sock")


def interpreter() -> str:
    """The interpreter's file, links resolved: ``python``, ``python3`` and ``python3.11`` of one
    environment (``python -m briefgen`` and the ``briefgen`` script) are one interpreter."""
    return os.path.realpath(sys.executable) if sys.executable else ""


def trusted_folder(folder: str) -> bool:
    """True when ``folder`` is a real folder (not a link) owned by this user that no one else
    may write or enter: a socket found elsewhere could be anyone's."""
    return not untrusted_folder(folder)


def untrusted_folder(folder: str) -> str:
    """Why ``folder`` is not a socket folder to trust (see :func:`trusted_folder`), as one line
    saying what to do; "" when it is."""
    import stat

    try:
        st = os.lstat(folder)
    except OSError as exc:
        return f"{folder}: {exc.strerror}"
    if stat.S_ISLNK(st.st_mode):
        return f"{folder} is a symbolic link, not a folder: remove it (rm {folder})"
    if not stat.S_ISDIR(st.st_mode):
        return f"{folder} is a file, not a folder: remove it (rm {folder})"
    if st.st_uid != os.getuid():
        return f"{folder} belongs to another user (uid {st.st_uid}): remove it or set XDG_RUNTIME_DIR"
    if st.st_mode & 0o077:
        return f"{folder} must be a folder of yours that no one else may write or enter (chmod 700 {folder})"
    return ""


def fingerprint() -> str:
    """A digest of the code this process would run (see the module doc): equal in a client
    and a server exactly when both import the same files with the same interpreter settings.
    Costs about a millisecond (a ``stat`` of each of the package's ~300 files)."""
    import hashlib

    import briefgen

    parts = [str(PROTOCOL), sys.prefix, interpreter(), sys.version, repr(sys.flags), repr(sys.warnoptions),
             repr(sorted(getattr(sys, "_xoptions", {}).items()))]
    for entry in sys.path[1:]:  # [0] is the script's or the working folder, sent as it is
        parts.append(entry)
        parts.append(_stamp(entry))
    for root in briefgen.__path__:
        for folder, dirs, files in os.walk(root):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(files):
                if name.endswith((".py", ".yaml", ".j2", ".html", ".css", ".ttf", ".otf", ".json", ".toml")):
                    path = os.path.join(folder, name)
                    parts.append(path)
                    parts.append(_stamp(path))
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogateescape")).hexdigest()


def _stamp(path: str) -> str:
    try:
        st = os.stat(path)
    except OSError:
        return "-"
    return f"{st.st_size}:{st.st_mtime_ns}"


def request(argv: list[str]) -> dict:
    """What a client asks the server to run: the command line (``sys.argv`` whole),
    the working folder, the environment, the file mode mask, the import path and the text
    encodings of its standard streams (``None`` for a stream it does not have) and
    ``sys.executable`` as the client has it (the interpreter by the name it was started), and
    the process's limits, priority and identity (:func:`briefgen.cli.serve_process.describe`)."""
    from briefgen.cli.serve_process import describe

    umask = os.umask(0)
    os.umask(umask)
    streams = []
    for stream in (sys.stdin, sys.stdout, sys.stderr):
        streams.append([stream.encoding, stream.errors] if stream is not None else None)
    return {"protocol": PROTOCOL, "fingerprint": fingerprint(), "argv": list(argv), "cwd": os.getcwd(),
            "env": dict(os.environ), "umask": umask, "path": list(sys.path), "streams": streams,
            "executable": sys.executable, "process": describe()}


def send(sock: "socket.socket", message: dict, fds: list[int] | None = None) -> None:
    """Send one JSON message (a line), with ``fds`` attached when given."""
    import socket

    data = json.dumps(message, separators=(",", ":")).encode("utf-8", "surrogateescape") + b"\n"
    if fds:
        socket.send_fds(sock, [data[:1]], fds)
        sock.sendall(data[1:])
    else:
        sock.sendall(data)


class LineReader:
    """Reads newline-delimited JSON messages from a stream socket, keeping what follows a line."""

    def __init__(self, sock: "socket.socket") -> None:
        self.sock = sock
        self.buffer = b""
        self.fds: list[int] = []

    def receive(self, *, with_fds: bool = False) -> dict | None:
        """The next message (None at the end of the stream or on a garbled one). With
        ``with_fds``, descriptors that came with it are collected in :attr:`fds` (up to three)."""
        import socket

        while b"\n" not in self.buffer:
            if len(self.buffer) > MAX_MESSAGE:
                return None
            if with_fds:
                chunk, fds, _flags, _addr = socket.recv_fds(self.sock, 1 << 16, 3)
                self.fds.extend(fds)
            else:
                chunk = self.sock.recv(1 << 16)
            if not chunk:
                return None
            self.buffer += chunk
        line, _, self.buffer = self.buffer.partition(b"\n")
        try:
            message = json.loads(line.decode("utf-8", "surrogateescape"))
        except ValueError:
            return None
        return message if isinstance(message, dict) else None
