"""Signed cache entries: every entry of every briefgen cache carries an HMAC-SHA256, made with
a per-user secret key, over (cache kind, entry key, payload), checked before the payload is
unpickled, unmarshalled or used.

Why: a cache folder may come with a project (``.briefgen-cache`` in a shared or zipped
folder). Without a check, a file planted there would run as a compiled template (Jinja2
bytecode is marshalled code) or as a pickled font face, around the template sandbox; a data
entry copied over another key would print stale content. A signed entry can only have been
written by this user's briefgen for exactly that kind and key.

The key: 32 random bytes in ``$XDG_CACHE_HOME/briefgen/cache.key`` (else
``~/.cache/briefgen/cache.key``), created atomically with mode 0600 in a folder of mode 0700,
and only used when it is the user's own, readable by nobody else, in a folder nobody else
can write. :func:`user_key` is None when it cannot be made or trusted: then the caches that
hold code (templates, fonts) are not used, and the data caches use :func:`data_key`, a key
of this process (and of the processes forked from it once it exists): no reuse across
processes.

Lives in :mod:`briefgen.compat`, the lowest layer, because every stage's cache uses it, the
ReportLab font cache (in this package) included. Imports only the standard library.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import stat
import struct
import tempfile
from pathlib import Path

KEY_SIZE = 32
TAG_SIZE = 32
"""Bytes of the key and of an entry's tag (HMAC-SHA256)."""

_USER_KEYS: dict[str, bytes | None] = {}  # key file -> its key, or None when unusable
_PROCESS_KEY = os.urandom(KEY_SIZE)  # made at import: a chart process forked later shares it
UNUSABLE: dict[str, str] = {}
"""Key files that could not be made or trusted in this process: path -> why."""


def key_path() -> Path:
    """Where the per-user key lives: ``$XDG_CACHE_HOME/briefgen/cache.key``, else
    ``~/.cache/briefgen/cache.key``."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "briefgen" / "cache.key"


def user_key() -> bytes | None:
    """This user's cache key (made on first use), or None when it cannot be made or read, or
    is not private (another owner, readable by others, folder writable by others); the
    reason is kept in :data:`UNUSABLE`. Read once per process and key file."""
    path = key_path()
    where = str(path)
    if where not in _USER_KEYS:
        try:
            _USER_KEYS[where] = _load_or_make(path)
        except OSError as exc:
            UNUSABLE.setdefault(where, f"{exc.strerror}: {exc.filename}" if exc.strerror and exc.filename
                                else exc.strerror or str(exc))
            _USER_KEYS[where] = None
    return _USER_KEYS[where]


def data_key() -> bytes:
    """The key for caches of plain data: :func:`user_key`, else a key of this process."""
    return user_key() or _PROCESS_KEY


def tag(secret: bytes, kind: str, entry: str, payload: bytes) -> bytes:
    """HMAC-SHA256 of ``payload`` as the entry ``entry`` of the cache ``kind`` (each part
    length-prefixed, so no two triples make the same message)."""
    mac = hmac.new(secret, digestmod=hashlib.sha256)
    for part in (kind.encode("utf-8", "surrogateescape"), entry.encode("utf-8", "surrogateescape")):
        mac.update(struct.pack(">I", len(part)))
        mac.update(part)
    mac.update(payload)
    return mac.digest()


def seal(secret: bytes, kind: str, entry: str, payload: bytes) -> bytes:
    """``payload`` with its tag in front: what a cache file holds."""
    return tag(secret, kind, entry, payload) + payload


def unseal(secret: bytes, kind: str, entry: str, blob: bytes) -> bytes | None:
    """The payload of ``blob`` (as :func:`seal` made it) when its tag is right for this key,
    kind and entry, else None (tampered, copied from another entry or user, truncated)."""
    if len(blob) < TAG_SIZE:
        return None
    payload = blob[TAG_SIZE:]
    if not hmac.compare_digest(blob[:TAG_SIZE], tag(secret, kind, entry, payload)):
        return None
    return payload


def _load_or_make(path: Path) -> bytes:
    """The key in ``path``, made first when missing. Raises OSError when it cannot be made
    or read, or is not private."""
    folder = path.parent
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    _check_folder(folder)
    try:
        return _read(path)
    except FileNotFoundError:
        pass
    fd, tmp = tempfile.mkstemp(prefix=".cache.key.", dir=folder)  # mode 0600
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(os.urandom(KEY_SIZE))
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp, path)  # atomic, and never over a key another process made meanwhile
        except FileExistsError:
            pass
    finally:
        try:
            os.unlink(tmp)
        except OSError:
            pass
    return _read(path)


def _check_folder(folder: Path) -> None:
    st = folder.stat()
    if hasattr(os, "getuid"):
        if st.st_uid != os.getuid():
            raise OSError(f"{folder} belongs to another user")
        if st.st_mode & 0o077:
            os.chmod(folder, 0o700)  # our own folder, made wider by an older briefgen: close it
            if folder.stat().st_mode & 0o022:
                raise OSError(f"{folder} can be written by other users")


def _read(path: Path) -> bytes:
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise OSError(f"{path} is not a file (remove it and a new key is made)")
        if hasattr(os, "getuid") and (st.st_uid != os.getuid() or st.st_mode & 0o077):
            raise OSError(f"{path} is not private (owner and mode 0600 expected)")
        data = os.read(fd, KEY_SIZE + 1)
    finally:
        os.close(fd)
    if len(data) != KEY_SIZE:
        raise OSError(f"{path} does not hold a {KEY_SIZE}-byte key")
    return data
