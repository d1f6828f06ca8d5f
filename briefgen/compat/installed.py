"""What is installed, read from the distributions' metadata folders on ``sys.path``, without
importing :mod:`importlib.metadata` when those folders answer for sure.

A warm build needs two facts about installed distributions: matplotlib's version (in every
chart's cache key, and for :mod:`briefgen.compat.matplotlib`'s range check) and whether any
distribution adds chart or section kinds (:mod:`briefgen.model.kinds`). Through
:mod:`importlib.metadata` they cost ~20 ms of a warm build's CPU: its import (with the email
parser), a version read (it parses the whole ``METADATA`` file, matplotlib's long description
included) and each entry point group (it parses every distribution's ``entry_points.txt``).

Here the version is the one the folder's name states: an installed distribution's metadata
folder is named ``{name}-{version}.dist-info`` ("Recording installed projects",
https://packaging.python.org/en/latest/specifications/recording-installed-packages/). Entry point
groups are the ``[group]`` headers of the ``entry_points.txt`` files. The folders are searched the
way :mod:`importlib.metadata` searches them: the ``sys.path`` entries in order (``""`` is the
working directory), a distribution's first folder wins. Whenever the folders cannot answer for
sure (a zip file or ``.egg`` on ``sys.path``, an ``.egg-info`` folder for the distribution, a
version-less folder name, another finder of distributions on ``sys.meta_path``), the functions
return None and the caller asks :mod:`importlib.metadata`.

The standard library only. A folder's listing is kept while its modification time stays the
same (as :mod:`importlib.metadata` keeps it): a distribution installed meanwhile counts.
"""

from __future__ import annotations

import os
import re
import sys

_DIST_INFO = ".dist-info"
_EGG_INFO = ".egg-info"

_LISTINGS: dict[str, tuple[int, list[str]]] = {}
"""Folder -> (its modification time in ns, the metadata folders' names in it)."""


def normalized(name: str) -> str:
    """A distribution's name as its metadata folder may spell it, compared: lower case, runs of
    ``-``, ``_`` and ``.`` as one ``_`` (``Foo.Bar-baz`` -> ``foo_bar_baz``)."""
    return re.sub(r"[-_.]+", "_", name).lower()


def distribution_version(name: str) -> str | None:
    """The version of installed distribution ``name`` (``"3.11.2"``), from the name of its first
    ``.dist-info`` folder on ``sys.path``; None when it is not found there or the folders cannot
    say for sure (see the module doc): then :func:`importlib.metadata.version` can."""
    folders = _metadata_folders()
    if folders is None:
        return None
    wanted = normalized(name)
    for folder in folders:
        base = os.path.basename(folder)
        stem = base[:-len(_DIST_INFO)] if base.lower().endswith(_DIST_INFO) else base[:-len(_EGG_INFO)]
        dist, _, version = stem.partition("-")
        if normalized(dist) != wanted:
            continue
        if not base.lower().endswith(_DIST_INFO) or not version:
            return None  # an egg-info folder (its name may hold a Python tag) or no version: ask importlib
        return version
    return None


def version(name: str) -> str:
    """The version of installed distribution ``name``: :func:`distribution_version` when the
    folder names say, else :func:`importlib.metadata.version`; ``"0"`` when it is not installed
    as a distribution (a compat module then relies on nothing private)."""
    found = distribution_version(name)
    if found is not None:
        return found
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:  # pragma: no cover - not installed as a distribution
        return "0"


def entry_point_groups() -> frozenset[str] | None:
    """Every entry point group that a distribution on ``sys.path`` declares (the ``[group]``
    headers of the ``entry_points.txt`` files); None when the folders cannot say for sure (see
    the module doc). A group not in the set has no entry points: :func:`importlib.metadata.
    entry_points` would list none."""
    folders = _metadata_folders()
    if folders is None:
        return None
    groups: set[str] = set()
    for folder in folders:
        try:
            with open(os.path.join(folder, "entry_points.txt"), encoding="utf-8", errors="replace") as f:
                text = f.read()
        except OSError:
            continue
        for line in text.splitlines():
            line = line.strip()
            if line.startswith("[") and line.endswith("]"):
                groups.add(line.strip("[]"))
    return frozenset(groups)


def _metadata_folders() -> list[str] | None:
    """The ``.dist-info`` and ``.egg-info`` folders on ``sys.path``, in search order; None when
    a distribution could be somewhere this does not read (see the module doc)."""
    import importlib.machinery

    for finder in sys.meta_path:
        if finder is not importlib.machinery.PathFinder and hasattr(finder, "find_distributions"):
            return None
    found = []
    for entry in sys.path:
        folder = entry or "."
        if not isinstance(entry, str) or folder.lower().endswith(".egg"):
            return None
        try:
            names = _listing(folder)
        except OSError:
            if os.path.isfile(folder):  # a zip file: importlib.metadata looks inside
                return None
            continue  # no such folder (or a path hook's name)
        found += [os.path.join(folder, n) for n in names]
    return found


def _listing(folder: str) -> list[str]:
    """The names of the metadata folders in ``folder``, in listing order. Raises OSError when
    ``folder`` cannot be listed."""
    mtime = os.stat(folder).st_mtime_ns
    known = _LISTINGS.get(folder)
    if known is None or known[0] != mtime:
        names = [n for n in os.listdir(folder) if n.lower().endswith((_DIST_INFO, _EGG_INFO))]
        known = _LISTINGS[folder] = (mtime, names)
    return known[1]
