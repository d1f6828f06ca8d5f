"""Resolve paths written in specs so that they stay inside the project.

Images, CSV data, templates, themes, knowledge-base files and parent specs are written
relative to the file that names them. They must resolve (symlinks followed) to a place
under the project root: ``../../etc/passwd`` or a symlink leaving the project is refused.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from briefgen.errors import KeyPath, UnsafePathError

ROOT_MARKERS = ("briefgen.toml", "pyproject.toml", ".git")


def find_project_root(spec_path: Path) -> Path:
    """The project root for a spec: the nearest ancestor holding ``briefgen.toml``,
    ``pyproject.toml`` or ``.git``; failing that, the spec's own folder. (Never the working
    directory: what a spec may read must not depend on where the command was run.)"""
    spec_path = spec_path.resolve()
    for folder in spec_path.parents:
        if any((folder / m).exists() for m in ROOT_MARKERS):
            return folder
    return spec_path.parent


def root_search_note(root: Path) -> str:
    """Where and why :func:`find_project_root` stopped at ``root`` without a ``briefgen.toml``,
    for a message: the markers ``root`` holds (``.git``, ``pyproject.toml``) and a
    ``briefgen.toml`` further up that the search therefore did not reach, with what to do."""
    config = ROOT_MARKERS[0]
    markers = [m for m in ROOT_MARKERS if (root / m).exists()]
    if not markers:
        return f"no {config} in {root} or any folder above it"
    text = (f"the search for {config} stopped at {root}, which holds {' and '.join(markers)} (the nearest folder "
            f"holding {', '.join(ROOT_MARKERS)} is the project root)")
    above = next((folder for folder in root.parents if (folder / config).is_file()), None)
    if above is not None:
        text += (f"; {above / config} above it was not reached: to add to that project, give a path outside "
                 f"{root}; to make {root} a project, put a {config} there")
    return text


def resolve_inside(written: str, *, base: Path, root: Path, doc, key: KeyPath,
                   must_exist: bool = True, what: str = "file", allow_dir: bool = False,
                   could_be: Callable[[Path], bool] | None = None) -> Path:
    """Resolve ``written`` relative to folder ``base`` and check it stays under ``root``.

    ``doc`` (a :class:`~briefgen.load.yamlsrc.Document` or anything with ``problem()``) and
    ``key`` locate the error. Raises :class:`UnsafePathError` for a path leaving the
    project (also through a symlink) and :class:`SpecError` for a missing one, for a
    folder where a file is wanted (unless ``allow_dir``), and for a path that cannot be
    resolved at all (a NUL byte, a name too long, a symlink loop).
    """
    from briefgen.errors import SpecError

    written = str(written)
    try:
        raw = Path(os.path.expanduser(written)) if written.startswith("~") else Path(written)
        candidate = raw if raw.is_absolute() else base / raw
        resolved = candidate.resolve()
        root = root.resolve()
        leaves = resolved != root and root not in resolved.parents
        via = " (through a symbolic link)" if leaves and _has_symlink(candidate) else ""
        exists = resolved.exists()
        is_dir = exists and resolved.is_dir()
    except (OSError, ValueError, RuntimeError) as exc:  # NUL byte, ENAMETOOLONG, symlink loop
        raise SpecError([doc.problem(key, f"{what} path {written!r} cannot be used: {exc}",
                                     code="bad-path")]) from None
    if leaves:
        raise UnsafePathError([doc.problem(
            key, f"path {written!r} leaves the project root{via}",
            expected=f"{_a(what)} under {root}" + (
                "" if any((root / m).exists() for m in ROOT_MARKERS)
                else " (no briefgen.toml marks the project, so its root is the spec's folder: "
                     "put an empty briefgen.toml in the project's top folder)"),
            got=str(resolved), code="unsafe-path")])
    if must_exist and not exists:
        hint = _near_miss(written, resolved, could_be)
        raise SpecError([doc.problem(key, f"{what} not found: {written!r}",
                                     got=str(resolved), suggestion=hint, code="missing-file")])
    if exists and is_dir and not allow_dir:
        raise SpecError([doc.problem(key, f"{what} {written!r} is a folder",
                                     expected=_a(what), got=str(resolved), code="not-a-file")])
    return resolved


def _a(what: str) -> str:
    """``what`` with its indefinite article: 'an audience file', 'a CSV file'."""
    return ("an " if what[:1].lower() in "aeio" else "a ") + what


def _has_symlink(path: Path) -> bool:
    p = Path(path.anchor)
    for part in path.parts[1:]:
        p = p / part
        try:
            if p.is_symlink():
                return True
        except OSError:
            return False
    return False


def _near_miss(written: str, path: Path, could_be: Callable[[Path], bool] | None = None) -> str:
    """``written`` with its last part replaced by the closest name in that folder (of the files
    ``could_be`` accepts, when given), or ''."""
    from briefgen.errors import did_you_mean

    folder = path.parent
    try:
        names = [p.name for p in folder.iterdir() if could_be is None or could_be(p)] if folder.is_dir() else []
    except OSError:
        return ""
    best = did_you_mean(path.name, names)
    if not best:
        return ""
    head, sep, _ = written.replace("\\", "/").rpartition("/")
    return head + sep + best
