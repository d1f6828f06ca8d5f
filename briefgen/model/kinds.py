"""Registries of kinds (chart kinds, section kinds, ...): named records from which a
model's accepted values, its JSON Schema enum, its did-you-mean and every stage's
dispatch are derived.

A :class:`KindRegistry` holds records that have a ``name`` (and a ``module``, where it was
defined). Its kinds come from two places:

* **built-in kinds** register themselves (:meth:`KindRegistry.register`), each in its own
  module; the registry imports those modules *by name* on its first read, so a low
  layer (the model) may hold a registry whose kinds live in a higher one (the charts)
  without importing it;
* **other packages** add kinds through an entry point group, one entry point per kind,
  named as the kind and pointing at its record::

      [project.entry-points."briefgen.chart_kinds"]
      dots = "briefgen_dots:DOTS"

  Entry points are listed once, on the registry's first read; a kind's entry point is
  loaded (its module imported) the first time that kind is used, and only then, so a
  broken plugin troubles only the specs that use it. Whatever goes wrong (the module
  does not import, the object is not a record, the names differ, two packages add the
  same name) is a :class:`KindPluginError` naming the entry point, never a traceback;
  an entry point naming a built-in kind is ignored with a warning (the built-in kind
  stays).

Pure: the standard library, :mod:`briefgen.errors` and :mod:`briefgen.compat.installed` only
(which tells, without importing :mod:`importlib.metadata`, that no distribution declares a
group: then nothing more is read). One instance per kind of kind:
:data:`briefgen.model.chart_kinds.CHART_KINDS`, and (the same pattern) a registry of section kinds.
"""

from __future__ import annotations

import importlib
import threading
import warnings
from typing import TYPE_CHECKING, Any, Generic, NoReturn, Protocol, TypeVar

from briefgen.errors import BriefgenError, did_you_mean

if TYPE_CHECKING:  # pragma: no cover
    from importlib.metadata import EntryPoint


class KindPluginError(BriefgenError):
    """A kind added through an entry point cannot be used (the message names the entry
    point, its group and the distribution that declares it)."""


class UnknownKind(ValueError):
    """A name that is not a kind of the registry. Raised inside model validators, where
    :func:`briefgen.load.schema.problems_from_validation` turns it into a located problem:
    the message, what was expected and the did-you-mean (``expected``, ``suggestion``)."""

    def __init__(self, message: str, expected: str, suggestion: str) -> None:
        super().__init__(message)
        self.expected = expected
        self.suggestion = suggestion


class Named(Protocol):
    """What a registry's records have: a name (and, optionally, the ``module`` defining them)."""

    @property
    def name(self) -> str: ...


K = TypeVar("K", bound=Named)


class KindRegistry(Generic[K]):
    """Kinds by name: built-in ones imported on the first read, plugins listed from an entry
    point group on the first read and each loaded when first used. Thread-safe.

    ``what``: how messages call a kind ("chart kind"); ``record``: the class every kind is
    an instance of; ``builtins``: modules that register the built-in kinds (their kinds
    come first, in this order); ``group``: the entry point group of plugins.
    """

    def __init__(self, what: str, record: type[K], builtins: tuple[str, ...], group: str) -> None:
        self.what, self.record, self.builtins, self.group = what, record, builtins, group
        self._kinds: dict[str, K] = {}
        self._pending: dict[str, EntryPoint] = {}   # listed, not loaded yet
        self._broken: dict[str, str] = {}           # entry point name -> message (loaded once)
        self._from_entry_points: set[str] = set()   # names of the kinds loaded from entry points
        self._order: list[str] = []                  # names that are not built-in, first seen first
        self._lock = threading.RLock()
        self._builtins_loaded = False
        self._plugins_listed = False

    # ----------------------------------------------------------------- registering
    def register(self, kind: K, *, replace: bool = False) -> K:
        """Add ``kind``; returns it (so a module may write ``KIND = REGISTRY.register(...)``).

        Registering the same name again from the same module replaces it silently (a
        module imported twice); from another module it needs ``replace=True``, else it
        raises BriefgenError.
        """
        if not isinstance(kind, self.record):
            raise TypeError(f"{self.what} must be a {self.record.__name__}, got {type(kind).__name__}")
        with self._lock:
            old = self._kinds.get(kind.name)
            if old is not None and not replace and _module_of(old) != _module_of(kind):
                raise BriefgenError(f"{self.what} {kind.name!r} is already registered by {_module_of(old)}; "
                                    f"{_module_of(kind) or 'the new one'} would replace it")
            self._kinds[kind.name] = kind
            self._pending.pop(kind.name, None)
            self._broken.pop(kind.name, None)
            if _module_of(kind) not in self.builtins and kind.name not in self._order:
                self._order.append(kind.name)
        return kind

    # ----------------------------------------------------------------- reading
    def names(self) -> tuple[str, ...]:
        """Every kind's name: the built-in kinds in their order, then the others in the
        order they were first seen (plugins whether loaded or not, broken ones too: using
        one raises its KindPluginError)."""
        self._ready()
        with self._lock:
            rank = {module: i for i, module in enumerate(self.builtins)}
            builtin = sorted((k for k in self._kinds.values() if _module_of(k) in rank),
                             key=lambda k: rank[_module_of(k)])
            return tuple([k.name for k in builtin] + self._order)

    def get(self, name: str) -> K | None:
        """The kind called ``name`` (its entry point loaded now if need be), or None when
        there is none. Raises KindPluginError when its entry point cannot be loaded."""
        self._ready()
        with self._lock:
            kind = self._kinds.get(name)
            if kind is not None:
                return kind
            if name in self._broken:
                raise KindPluginError(self._broken[name])
            entry = self._pending.get(name)
        return self._load(entry) if entry is not None else None

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name in self.names()

    def suggestion(self, name: object) -> str | None:
        """The kind's name closest to ``name`` (for a did-you-mean), or None."""
        return did_you_mean(str(name), self.names())

    def check_name(self, value: object) -> str:
        """``value`` when it names a kind (for model validators; plugins are not loaded).
        Raises :class:`UnknownKind` ("not an accepted value", the names expected, a
        did-you-mean)."""
        names = self.names()
        if isinstance(value, str) and value in names:
            return value
        raise UnknownKind("not an accepted value", "one of " + ", ".join(repr(n) for n in names),
                          did_you_mean(str(value), names) or "")

    def json_schema(self) -> dict[str, object]:
        """JSON Schema of a kind's name: a string, one of :meth:`names`."""
        return {"enum": list(self.names()), "type": "string"}

    # ----------------------------------------------------------------- discovery
    def refresh(self) -> None:
        """List the entry points again (after ``sys.path`` changed): kinds loaded from entry
        points and failures are forgotten; built-in kinds and kinds registered in Python
        stay."""
        with self._lock:
            for name in self._from_entry_points:
                self._kinds.pop(name, None)
            self._from_entry_points.clear()
            self._order = [n for n in self._order if n in self._kinds]
            self._pending.clear()
            self._broken.clear()
            self._plugins_listed = False

    def _ready(self) -> None:
        if self._plugins_listed:  # set last: then the built-in kinds are registered too
            return
        with self._lock:
            if not self._builtins_loaded:
                self._builtins_loaded = True  # before importing: a kind module may read the registry
                for module in self.builtins:  # each registers its kind
                    importlib.import_module(module)
            if not self._plugins_listed:
                self._list_plugins()
                self._plugins_listed = True

    def _list_plugins(self) -> None:
        from briefgen.compat.installed import entry_point_groups

        declared = entry_point_groups()
        if declared is not None and self.group not in declared:
            return  # no distribution declares the group (read without importlib.metadata: ~10 ms)
        from importlib.metadata import entry_points

        try:
            found = list(entry_points(group=self.group))
        except Exception as exc:  # unreadable metadata of some installed distribution
            raise KindPluginError(f"cannot list the entry points of group {self.group!r}: {exc}") from None
        seen: dict[str, EntryPoint] = {}
        for entry in found:
            where = _describe_entry(entry, self.group)
            if entry.name not in self._order and entry.name not in self._kinds:
                self._order.append(entry.name)
            known = self._kinds.get(entry.name)
            if known is not None and _module_of(known) in self.builtins:
                # briefgen's own kind stays: failing every spec that uses it would punish the
                # wrong party; the plugin's author is told (once per process)
                warnings.warn(f"{where} adds {self.what} {entry.name!r}, which briefgen already has: it "
                              f"is ignored; give the plugin's kind another name", RuntimeWarning, stacklevel=2)
            elif known is not None:
                continue  # its module registered it already (imported before the registry was read)
            elif entry.name in seen and seen[entry.name].value != entry.value:
                self._pending.pop(entry.name, None)
                self._broken[entry.name] = (f"{self.what} {entry.name!r} is added twice: by "
                                            f"{_describe_entry(seen[entry.name], self.group)} and by {where}")
            elif entry.name not in self._broken:
                seen[entry.name] = entry
                self._pending[entry.name] = entry

    def _load(self, entry: EntryPoint) -> K:
        where = _describe_entry(entry, self.group)
        with self._lock:
            if entry.name in self._kinds:  # loaded by another thread meanwhile
                return self._kinds[entry.name]
            try:
                kind = entry.load()
            except Exception as exc:  # an import error, or anything its module raises
                self._fail(entry, f"{where} cannot be loaded: {type(exc).__name__}: {exc}")
            if not isinstance(kind, self.record):
                self._fail(entry, f"{where} gives a {type(kind).__name__}, not a {self.record.__name__}")
            if kind.name != entry.name:
                self._fail(entry, f"{where} gives {self.what} {kind.name!r}; the entry point must be "
                                  f"named as its kind")
            self._kinds[kind.name] = kind
            self._from_entry_points.add(kind.name)
            self._pending.pop(kind.name, None)
            return kind

    def _fail(self, entry: EntryPoint, message: str) -> NoReturn:
        """Remember that ``entry`` cannot be used (it is loaded once) and raise ``message``."""
        self._pending.pop(entry.name, None)
        self._broken[entry.name] = message
        raise KindPluginError(message)


def _module_of(kind: object) -> str:
    return str(getattr(kind, "module", "") or "")


def _describe_entry(entry: EntryPoint, group: str) -> str:
    """``entry point 'dots = pkg:DOTS' (group 'briefgen.chart_kinds', distribution pkg 0.1)``."""
    dist = getattr(entry, "dist", None)
    by = f", distribution {dist.name} {dist.version}" if dist is not None else ""
    return f"entry point '{entry.name} = {entry.value}' (group {group!r}{by})"


class KindName:
    """Pydantic metadata for a field naming a kind of ``registry``: the name is checked,
    and the JSON Schema enum listed, when they are needed (not when the model class is
    made), so kinds added by plugins count::

        kind: Annotated[str, KindName(CHART_KINDS)]

    A name that is not a kind is a ``value_error`` whose error carries ``expected`` and
    ``suggestion`` (see :class:`UnknownKind`)."""

    def __init__(self, registry: KindRegistry) -> None:
        self.registry = registry

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        return core_schema.no_info_before_validator_function(self.registry.check_name, handler(source))

    def __get_pydantic_json_schema__(self, schema: Any, handler: Any) -> dict[str, object]:
        return self.registry.json_schema()
