"""Regular expressions that a library compiles when it is imported but seldom uses, compiled
on first use instead (:func:`compile_lazily_on_import`); and modules a library imports but
seldom uses, run on first use (:func:`run_on_first_use`). Standard library only.

Python compiles a pattern with a wide case-insensitive character class slowly: ReportLab's
URL pattern (``reportlab.platypus.paragraph.uri_pat``, a class over U+00A1-U+FFFF under
``re.I``) takes 30-45 ms, a tenth of a build's imports, and is used only to split a URL wider
than a line. :func:`lazy_patterns` makes ``re.compile`` return a :class:`LazyPattern` for the
patterns it is given while a block runs, and :func:`compile_lazily_on_import` runs a named
module's import in it, whoever imports it and whenever; each library's compat module names its
patterns exactly (a pattern the library no longer has is simply not matched). The ``briefgen``
command line installs these (:mod:`briefgen.cli.launch`); a program using briefgen as a library
imports its libraries as usual.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Collection, Iterator, Mapping
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


def compile_lazily_on_import(patterns: Mapping[str, Collection[tuple[str, int]]]) -> None:
    """Whenever a module named in ``patterns`` is first imported, run its code under
    :func:`lazy_patterns` with its patterns (a finder put first on ``sys.meta_path``, which
    leaves once every module named was imported). Modules imported already are left as they are."""
    wanted = {name: tuple(found) for name, found in patterns.items() if found and name not in sys.modules}
    if wanted:
        sys.meta_path.insert(0, _PatternsOnImport(wanted))


class _PatternsOnImport:
    """A ``sys.meta_path`` finder: the spec any other finder gives for a wanted module, with a
    loader that runs the module under :func:`lazy_patterns` (see :func:`compile_lazily_on_import`)."""

    def __init__(self, wanted: dict[str, tuple[tuple[str, int], ...]]) -> None:
        self.wanted = wanted

    def find_spec(self, name: str, path: Any, target: Any = None) -> Any:
        patterns = self.wanted.get(name)
        if patterns is None:
            return None
        spec = None
        for finder in sys.meta_path:
            find = getattr(finder, "find_spec", None)
            if finder is not self and find is not None:
                spec = find(name, path, target)
                if spec is not None:
                    break
        del self.wanted[name]
        if not self.wanted and self in sys.meta_path:
            sys.meta_path.remove(self)
        if spec is not None and hasattr(spec.loader, "exec_module"):
            spec.loader = _PatternsLoader(spec.loader, patterns)
        return spec


class _PatternsLoader:
    """A module's own loader, its ``exec_module`` run under :func:`lazy_patterns`; everything
    else (``create_module``, ``get_source`` for tracebacks ...) is the loader's own."""

    def __init__(self, loader: Any, patterns: tuple[tuple[str, int], ...]) -> None:
        self.loader, self.patterns = loader, patterns

    def create_module(self, spec: Any) -> Any:
        return self.loader.create_module(spec)

    def exec_module(self, module: Any) -> None:
        with lazy_patterns(self.patterns):
            self.loader.exec_module(module)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.loader, name)
