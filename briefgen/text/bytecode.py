"""Compiled templates kept across processes: Jinja2's own bytecode cache
(:class:`jinja2.FileSystemBytecodeCache`) in ``<cache root>/jinja/<fingerprint>/``
(:func:`briefgen.load.cacheroot.cache_dir`).

Jinja2 keys an entry by the template's name and file name and checks it against the
template's text (a changed template is compiled again and its entry replaced) and against
Jinja2's and Python's versions. The folder adds what Jinja2 does not check: the environment's
configuration (sandbox class, code generator, filters, tests, whitespace options), briefgen's
and Jinja2's versions, and the source of the modules that shape the compiled code
(:mod:`briefgen.text.budget`, :mod:`briefgen.text.limits`, :mod:`briefgen.text.environment`,
:mod:`briefgen.compat.jinja2`): code compiled under another configuration is never reused.

An entry is marshalled code, run when the template is: each is signed with the per-user key
(:mod:`briefgen.compat.cachesign`, an HMAC-SHA256 over the folder's fingerprint, Jinja2's key
for the template and the entry's bytes) and the signature is checked before Jinja2 reads it,
so a file planted in (or copied within) a project's cache folder is never run: it is a miss,
compiled again and replaced. Without a usable per-user key the cache is not used at all.

The cache is optional: an entry that cannot be read or is corrupt is compiled again; a
folder that cannot be written (or no per-user key) leaves every template compiled in memory
only, and is reported once by :func:`take_write_failures` (the command line says so).
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from jinja2.bccache import Bucket, BytecodeCache

from briefgen.compat import cachesign
from briefgen.regular_files import read_regular

WRITE_FAILURES: dict[str, str] = {}
"""Cache folders that could not be written in this process: folder -> reason."""

_MODULES = ("briefgen.text.budget", "briefgen.text.codegen", "briefgen.text.folding", "briefgen.text.audience_lines",
            "briefgen.text.limits", "briefgen.text.environment", "briefgen.compat.jinja2",
            "briefgen.text.printcheck", "briefgen.text.printing",  # finalize runs on constants as they compile
            "briefgen.text.filter_text")  # so do the filters: a constant None | upper is refused, not folded
"""Modules whose source shapes the compiled code or the environment it is compiled in."""

_CACHES: dict[str, Any] = {}  # folder -> FileSystemBytecodeCache, or None once it failed


def fingerprint(env: Any) -> str:
    """A hex digest of everything besides the template's text that the compiled code of
    ``env`` depends on (see the module doc)."""
    import jinja2

    from briefgen import __version__

    parts = [__version__, jinja2.__version__, sys.version, sys.implementation.cache_tag or "",
             f"{type(env).__module__}.{type(env).__qualname__}",
             f"{env.code_generator_class.__module__}.{env.code_generator_class.__qualname__}",
             repr(sorted(getattr(env, "intercepted_binops", ()))), repr(sorted(getattr(env, "intercepted_unops", ()))),
             repr(sorted(env.filters)), repr(sorted(env.tests)), repr(sorted(env.extensions)),
             repr((env.block_start_string, env.block_end_string, env.variable_start_string,
                   env.variable_end_string, env.comment_start_string, env.comment_end_string,
                   env.line_statement_prefix, env.line_comment_prefix, env.trim_blocks, env.lstrip_blocks,
                   env.newline_sequence, env.keep_trailing_newline, env.optimized, env.is_async,
                   bool(env.autoescape), env.finalize is not None))]
    digest = hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass"))
    for name in _MODULES:
        module = sys.modules.get(name)
        path = getattr(module, "__file__", None)
        try:
            digest.update(read_regular(path) if path else name.encode())
        except OSError:
            digest.update(name.encode())
    return digest.hexdigest()[:24]


class SignedBytecodeCache(BytecodeCache):
    """Jinja2's bytecode cache in ``folder`` (entries ``__jinja2_<key>.cache``, as
    :class:`jinja2.FileSystemBytecodeCache` names them), each entry signed with ``secret``
    and checked before Jinja2 unmarshals it (see the module doc)."""

    def __init__(self, folder: Path, secret: bytes) -> None:
        self.folder = folder
        self._secret = secret
        self._kind = f"jinja/{folder.name}"

    def _path(self, bucket: Bucket) -> Path:
        return self.folder / f"__jinja2_{bucket.key}.cache"

    def load_bytecode(self, bucket: Bucket) -> None:
        """Fill ``bucket`` from its entry when the entry's signature is right (else leave it
        empty: a miss)."""
        try:
            blob = self._path(bucket).read_bytes()
        except (OSError, ValueError):
            return
        payload = cachesign.unseal(self._secret, self._kind, bucket.key, blob)
        if payload is not None:
            bucket.bytecode_from_string(payload)

    def dump_bytecode(self, bucket: Bucket) -> None:
        """Write ``bucket``'s entry, signed, atomically (mode 0600). Raises OSError."""
        blob = cachesign.seal(self._secret, self._kind, bucket.key, bucket.bytecode_to_string())
        path = self._path(bucket)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=self.folder)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(blob)
            os.rename(tmp, path)  # os.replace stays the output's commit (tests/deliver/test_crash_safety.py)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise


def _cache(folder: Path) -> Any:
    """The bytecode cache of ``folder`` (created), or None when it cannot be made or there is
    no usable per-user key (compiled code is never kept unsigned)."""
    key = str(folder)
    if key not in _CACHES:
        secret = cachesign.user_key()
        if secret is None:
            why = next(iter(cachesign.UNUSABLE.values()), "unusable")
            WRITE_FAILURES.setdefault(key, f"no per-user cache key: {why}")
            _CACHES[key] = None
            return None
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            _CACHES[key] = SignedBytecodeCache(folder, secret)
        except OSError as exc:
            WRITE_FAILURES.setdefault(key, exc.strerror or str(exc))
            _CACHES[key] = None
    return _CACHES[key]


def compile_cached(env: Any, folder: Path, text: str, name: str, filename: str) -> Any:
    """The code object of template ``text`` (``name``, ``filename`` as for
    :meth:`jinja2.Environment.compile`): from the cache in ``folder`` when it holds the
    same template compiled under the same fingerprint, else compiled and stored.

    Raises :class:`jinja2.TemplateSyntaxError` as :meth:`~jinja2.Environment.compile` does,
    and RecursionError, SyntaxError or MemoryError for a template nested deeper than Python
    compiles (:mod:`briefgen.text.nesting`); a template that does not compile is never
    stored, one whose code cannot be marshalled is kept in memory only."""
    cache = _cache(folder)
    bucket = None
    if cache is not None:
        try:
            bucket = cache.get_bucket(env, name, filename, text)
        except Exception:  # noqa: BLE001 - a corrupt entry (pickle or marshal data): compile again
            bucket = None
        if bucket is not None and bucket.code is not None:
            return bucket.code
    code = env.compile(text, name=name, filename=filename)
    if cache is not None and bucket is not None:
        bucket.code = code
        try:
            cache.set_bucket(bucket)
        except OSError as exc:
            WRITE_FAILURES.setdefault(str(folder), exc.strerror or str(exc))
            _CACHES[str(folder)] = None  # do not try again in this process
        except (ValueError, RecursionError, MemoryError):  # code nested deeper than marshal writes: not kept
            pass
    return code


def take_write_failures() -> dict[str, str]:
    """The folders that could not be written since the last call, with the reason (each is
    reported once per process)."""
    failures = {k: v for k, v in WRITE_FAILURES.items() if v}
    for k in failures:
        WRITE_FAILURES[k] = ""  # reported: keep the key so it is not reported again
    return failures
