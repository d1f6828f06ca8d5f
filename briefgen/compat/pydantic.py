"""pydantic's private API: its plugin loader (``pydantic.plugin._loader``), stood in for when every
plugin is disabled.

Written for and checked against pydantic 2.14 (:data:`SUPPORTED`; the loader has had this shape
since plugins came, 2.5). pydantic imports its loader when it builds a model's first validator;
the loader's module imports :mod:`importlib.metadata` (with the email parser: ~4 ms of a warm
build's CPU) to list plugins, even when ``PYDANTIC_DISABLE_PLUGINS`` says there are none to list
(``briefgen`` sets it, :mod:`briefgen.cli.launch`). :func:`skip_plugin_discovery` puts a module
in its place whose ``get_plugins`` gives what pydantic's gives then: no plugins. Should the
variable no longer disable them all when pydantic asks, pydantic's own loader answers from then
on. Outside :data:`SUPPORTED` nothing is replaced (the import costs its milliseconds).
"""

from __future__ import annotations

import importlib
import os
import sys
import types
from collections.abc import Iterable
from typing import Any

from briefgen.compat import VersionRange, in_range, installed

SUPPORTED: VersionRange = ((2, 6), (3, 0))

LOADER = "pydantic.plugin._loader"
"""The module pydantic imports its plugins' loader from (``from ._loader import get_plugins``)."""

ENV = "PYDANTIC_DISABLE_PLUGINS"
_ALL_DISABLED = ("__all__", "1", "true")
"""The values of :data:`ENV` for which pydantic's ``get_plugins`` gives no plugins."""


def skip_plugin_discovery() -> bool:
    """Stand in for pydantic's plugin loader when :data:`ENV` disables every plugin and the
    installed pydantic is in :data:`SUPPORTED` (read without importing it). Returns whether it
    did: not when the loader is imported already."""
    if os.environ.get(ENV) not in _ALL_DISABLED or LOADER in sys.modules:
        return False
    version = installed.distribution_version("pydantic")
    if version is None or not in_range(version, SUPPORTED):
        return False
    loader = types.ModuleType(LOADER, "briefgen's stand-in for pydantic's plugin loader: plugins are disabled "
                                      "(briefgen.compat.pydantic)")
    loader.get_plugins = _get_plugins  # type: ignore[attr-defined]
    sys.modules[LOADER] = loader
    return True


def _get_plugins() -> Iterable[Any]:
    """What pydantic's ``get_plugins`` gives: nothing while :data:`ENV` disables every plugin,
    else pydantic's own loader's answer (imported now, in place of this stand-in)."""
    if os.environ.get(ENV) in _ALL_DISABLED:
        return ()
    sys.modules.pop(LOADER, None)
    return importlib.import_module(LOADER).get_plugins()
