"""Regular expressions that a library compiles when it is imported but seldom uses, compiled
on first use instead; and modules a library imports but seldom uses, run on first use
(:func:`run_on_first_use`). Standard library only.

Python compiles a pattern with a wide case-insensitive character class slowly: ReportLab's
URL pattern (``reportlab.platypus.paragraph.uri_pat``, a class over U+00A1-U+FFFF under
``re.I``) takes 30-45 ms, a tenth of a build's imports, and is used only to split a URL wider
than a line. :func:`lazy_patterns` makes ``re.compile`` return a :class:`LazyPattern` for the
patterns it is given while a library is imported; each library's compat module names its
patterns exactly (a pattern the library no longer has is simply not matched).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from typing import Any


class LazyPattern:
    """Stands for ``re.compile(pattern, flags)`` and compiles it when first used (any attribute:
    ``match``, ``sub``, ``pattern`` ...). Not a :class:`re.Pattern` (``isinstance`` fails), which
    is why only patterns known to be used through their methods are made lazy."""

    __slots__ = ("_source", "_flags", "_compiled")

    def __init__(self, source: str, flags: int) -> None:
        self._source, self._flags = source, flags
        self._compiled: re.Pattern[str] | None = None

    def compiled(self) -> re.Pattern[str]:
        """The compiled pattern (compiled on the first call)."""
        if self._compiled is None:
            self._compiled = re.compile(self._source, self._flags)
        return self._compiled

    def __getattr__(self, name: str) -> Any:
        return getattr(self.compiled(), name)

    def __repr__(self) -> str:
        return f"LazyPattern({self._source[:40]!r}..., {self._flags})"


@contextmanager
def lazy_patterns(patterns: Collection[tuple[str, int]]) -> Iterator[None]:
    """While the block runs (an import), ``re.compile(source, flags)`` returns a :class:`LazyPattern`
    for each ``(source, flags)`` in ``patterns`` (flags as ``int(re.I)`` ...); any other pattern is
    compiled as usual. ``re.compile`` is put back afterwards, also on error."""
    real = re.compile
    wanted = frozenset((source, int(flags)) for source, flags in patterns)

    def compile(pattern: Any, flags: int = 0) -> Any:
        if isinstance(pattern, str) and (pattern, int(flags)) in wanted:
            return LazyPattern(pattern, flags)
        return real(pattern, flags)

    re.compile = compile
    try:
        yield
    finally:
        re.compile = real


def run_on_first_use(name: str) -> bool:
    """Put module ``name`` in ``sys.modules`` as a module whose code runs when one of its names is
    first read (:class:`importlib.util.LazyLoader`), so that a library importing it but reading it
    only on some paths does not pay for it on the others. Its parent packages are imported now
    (and the module set as an attribute of its parent, as an import would). Only a library that
    imports it as ``from parent import name`` leaves it waiting: an ``import name`` statement runs
    it at once (Python reads the module's ``__spec__`` to see whether it is still being
    initialized). Returns False, doing
    nothing, when it is imported already or cannot be found (the library's own import then
    reports it as usual)."""
    import importlib.util

    if name in sys.modules:
        return False
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return False
    if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
        return False
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    parent, _, child = name.rpartition(".")
    if parent:
        setattr(sys.modules[parent], child, module)
    return True
