"""The methods :mod:`dataclasses` writes, compiled once and kept between runs like Python's
own bytecode (the ``briefgen`` command line only).

``@dataclass`` writes each method it adds (``__init__``, ``__repr__``, ``__eq__``, a frozen
class's ``__setattr__`` ...) as source text and runs it with ``exec``, which compiles it
first. A ``briefgen build`` creates ~160 dataclasses while it imports (its own, pydantic's,
typer's, pikepdf's): ~780 compiles, ~55 ms of a ~0.55 s warm build. The text depends only on
the class's shape (its field names and options; defaults and types are passed in by name), so
the code compiled from a given text is the same in every run.

:func:`install` (called by :mod:`briefgen.cli.launch`) gives the :mod:`dataclasses` module an
``exec`` of its own that looks the text up in a table of code objects read from
``__pycache__/dataclass-code.<cache tag>.bin`` beside briefgen's own bytecode, and compiles
what it does not find exactly as the builtin would (file name ``<string>``, no inherited
``__future__`` flags: :mod:`dataclasses` has none). :func:`save` (called before the command
exits) writes the table back when something new was compiled. The file is trusted as the
``.pyc`` files beside it are: it lives in the same folder, is written (atomically) only where
Python may write bytecode (not under ``PYTHONDONTWRITEBYTECODE``), and one written by another
Python, unreadable or of the wrong shape is ignored.

Internal used: :mod:`dataclasses` calls ``exec(text, globals, namespace)`` by its global name
(Python 3.11 and 3.12 once per method, 3.13 once per class), so a module attribute ``exec``
takes the builtin's place for that module only. Outside :data:`SUPPORTED` nothing is done.
A program using briefgen as a library is not affected.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
from types import CodeType
from typing import Any

SUPPORTED = ((3, 11), (3, 14))
"""Python versions (major, minor; lowest included, upper excluded) whose :mod:`dataclasses`
runs its method texts through ``exec(text, globals, namespace)``."""

_HEADER = f"briefgen dataclass code 2 {sys.version}".encode()
_DIGEST_SIZE = 16
_MAX_ENTRIES = 2000
"""A table grown past this (a command uses ~700-900 texts; old library versions leave theirs) is
written back with only what this process used: reading it stays a few milliseconds."""

_table: dict[str, CodeType] = {}
_used: set[str] = set()
_compiled = 0  # texts compiled in this process (not found in the table)
_owner_pid = 0  # the process that installed (forked workers never save)
_path: str | None = None


def default_path() -> str:
    """Where the table is kept: ``briefgen/__pycache__/dataclass-code.<cache tag>.bin``, or under
    ``sys.pycache_prefix`` when Python keeps its bytecode there."""
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    name = f"dataclass-code.{sys.implementation.cache_tag}.bin"
    if sys.pycache_prefix:
        return os.path.join(sys.pycache_prefix, package.lstrip(os.sep), name)
    return os.path.join(package, "__pycache__", name)


def install(path: str | None = None) -> bool:
    """Make :mod:`dataclasses` compile each method text at most once across runs (see the module
    doc), reading the table from ``path`` (default :func:`default_path`). Returns False when
    nothing was done: a Python outside :data:`SUPPORTED`, no cache tag, or installed already."""
    global _path, _owner_pid
    import dataclasses

    if not SUPPORTED[0] <= sys.version_info[:2] < SUPPORTED[1] or sys.implementation.cache_tag is None:
        return False
    if "exec" in vars(dataclasses):
        return False
    _path = path or default_path()
    _owner_pid = os.getpid()
    _table.update(_read(_path))
    dataclasses.exec = _exec  # type: ignore[attr-defined]
    return True


def _exec(source: Any, globals: dict | None = None, locals: dict | None = None) -> None:
    """The builtin ``exec`` for :mod:`dataclasses`, with the code of a text taken from the table."""
    global _compiled
    if globals is None:  # the builtin's meaning: the caller's namespaces (dataclasses never does this)
        caller = sys._getframe(1)
        globals = caller.f_globals
        locals = caller.f_locals if locals is None else locals
    if isinstance(source, str):
        code = _table.get(source)
        if code is None:
            code = compile(source, "<string>", "exec", dont_inherit=True)
            _table[source] = code
            _compiled += 1
        _used.add(source)
        source = code
    exec(source, globals, locals)


def _read(path: str) -> dict[str, CodeType]:
    """The table in ``path``; empty when it is missing, unreadable, another Python's, not the
    bytes its digest says (a changed byte can make marshal build a broken code object, or fail
    with SystemError) or not a table of code objects."""
    try:
        with open(path, "rb") as fh:
            data = fh.read()
        head = _HEADER + b"\n"
        if not data.startswith(head):
            return {}
        digest, payload = data[len(head):len(head) + _DIGEST_SIZE], data[len(head) + _DIGEST_SIZE:]
        if digest != _digest(payload):
            return {}
        table = marshal.loads(payload)
    except Exception:  # whatever a bad file makes marshal raise: the table is only a saving
        return {}
    if not isinstance(table, dict) or not all(
            isinstance(k, str) and isinstance(v, CodeType) for k, v in table.items()):
        return {}
    return table


def _digest(payload: bytes) -> bytes:
    """The digest written before the marshalled table (BLAKE2b, :data:`_DIGEST_SIZE` bytes)."""
    return hashlib.blake2b(payload, digest_size=_DIGEST_SIZE).digest()


def save() -> bool:
    """Write the table back if this process compiled something new, or the table read had grown
    past :data:`_MAX_ENTRIES` (atomically; in the process that installed it only; not when Python
    writes no bytecode). Never raises: a folder that
    cannot be written just keeps nothing. Returns True when a file was written."""
    global _compiled
    overgrown = len(_table) > _MAX_ENTRIES
    if not (_compiled or overgrown) or _path is None or os.getpid() != _owner_pid or sys.dont_write_bytecode:
        return False
    table = {k: _table[k] for k in _used} if overgrown else _table
    temporary = f"{_path}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(_path), exist_ok=True)
        with open(temporary, "wb") as fh:
            payload = marshal.dumps(table)
            fh.write(_HEADER + b"\n" + _digest(payload) + payload)
        os.replace(temporary, _path)
    except (OSError, ValueError):
        try:
            os.unlink(temporary)
        except OSError:
            pass
        return False
    _compiled = 0
    return True


def compiled_here() -> int:
    """How many method texts this process compiled (found in no table), for tests."""
    return _compiled
