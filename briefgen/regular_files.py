"""Read input files that are regular files, and refuse anything else without blocking.

A named pipe (FIFO) where briefgen expects a file would make a plain ``open()`` wait for a
writer forever (``validate`` hangs), a character device (``/dev/zero``) would be read without
end, a socket cannot be opened. So an input is opened with ``O_NONBLOCK`` (opening a FIFO
then returns at once), checked with ``fstat`` on the open descriptor (no race between a check
and the open: it is the file being read) and read only when it is a regular file.

Every refusal is an :class:`OSError` whose ``strerror`` says what the path is, so the
callers' existing ``cannot read ...: {exc.strerror}`` messages name the file and the key.
Used by every reader of an input (YAML, CSV, templates, images, fonts, themes, STIX bundles).
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

_KINDS = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISDIR, "a folder"))


class NotRegularFile(OSError):
    """An input path that is not a regular file (a FIFO, socket, device or folder)."""


def kind_of(mode: int) -> str:
    """What a file of ``st_mode`` ``mode`` is, in words ("a named pipe (FIFO)" ...)."""
    return next((what for test, what in _KINDS if test(mode)), "not a regular file")


def _refusal(path: str | os.PathLike, mode: int) -> OSError:
    if stat.S_ISDIR(mode):  # as open() says it, so that callers' messages for a folder stay as they are
        return IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    return NotRegularFile(errno.EINVAL, f"it is {kind_of(mode)}, not a regular file", str(path))


def open_regular(path: str | os.PathLike) -> int:
    """A read-only descriptor of the regular file at ``path`` (the caller closes it). Raises
    :class:`NotRegularFile` for anything else (never blocking on a FIFO), IsADirectoryError for
    a folder, or the ``OSError`` of the open (missing, unreadable)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        if exc.errno == errno.ENXIO:  # a socket (or a FIFO on some systems) cannot be opened: say what it is
            try:
                raise _refusal(path, os.stat(path).st_mode) from None
            except FileNotFoundError:
                pass
        raise
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise _refusal(path, mode)
    except BaseException:
        os.close(fd)
        raise
    return fd


def file_size(path: str | os.PathLike) -> int:
    """The size in bytes of the regular file at ``path``; :class:`NotRegularFile` for anything else."""
    fd = open_regular(path)
    try:
        return os.fstat(fd).st_size
    finally:
        os.close(fd)


def read_regular(path: str | os.PathLike) -> bytes:
    """The bytes of the regular file at ``path`` (see :func:`open_regular` for what is refused)."""
    fd = open_regular(path)
    with open(fd, "rb", closefd=True) as fh:
        return fh.read()


def read_regular_text(path: str | os.PathLike, encoding: str = "utf-8") -> str:
    """The text of the regular file at ``path`` (UnicodeDecodeError for bytes not in ``encoding``)."""
    return read_regular(path).decode(encoding)


def is_regular(path: Path) -> bool:
    """True when ``path`` is a regular file (following symbolic links); never opens it."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False
