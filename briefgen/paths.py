"""Resolve paths written in specs so that they stay inside the project.

Images, CSV data, templates, themes, knowledge-base files and parent specs are written
relative to the file that names them. They must resolve (symlinks followed) to a place
under the project root: ``../../etc/passwd`` or a symlink leaving the project is refused.
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import KeyPath, Problem, UnsafePathError

ROOT_MARKERS = ("briefgen.toml", "pyproject.toml", ".git")


def find_project_root(spec_path: Path) -> Path:
    """The project root for a spec: the nearest ancestor holding ``briefgen.toml``,
    ``pyproject.toml`` or ``.git``; failing that, the working directory when the spec lies
    inside it, else the spec's own folder."""
    spec_path = spec_path.resolve()
    for folder in spec_path.parents:
        if any((folder / m).exists() for m in ROOT_MARKERS):
            return folder
    cwd = Path.cwd().resolve()
    if cwd in spec_path.parents:
        return cwd
    return spec_path.parent


def resolve_inside(written: str, *, base: Path, root: Path, doc, key: KeyPath,
                   must_exist: bool = True, what: str = "file") -> Path:
    """Resolve ``written`` relative to folder ``base`` and check it stays under ``root``.

    ``doc`` (a :class:`~briefgen.yamlsrc.Document` or anything with ``problem()``) and
    ``key`` locate the error. Raises :class:`UnsafePathError` for a path leaving the
    project (also through a symlink) and :class:`SpecError` for a missing one.
    """
    from .errors import SpecError

    raw = Path(os.path.expanduser(written)) if written.startswith("~") else Path(written)
    if raw.is_absolute():
        candidate = raw
    else:
        candidate = base / raw
    resolved = candidate.resolve()
    root = root.resolve()
    if resolved != root and root not in resolved.parents:
        via = " (through a symbolic link)" if _has_symlink(candidate) else ""
        raise UnsafePathError([doc.problem(
            key, f"path {written!r} leaves the project root{via}",
            expected=f"a {what} under {root}", got=str(resolved), code="unsafe-path")])
    if must_exist and not resolved.exists():
        hint = _near_miss(resolved)
        raise SpecError([doc.problem(key, f"{what} not found: {written!r}",
                                     got=str(resolved), suggestion=hint, code="missing-file")])
    return resolved


def _has_symlink(path: Path) -> bool:
    p = Path(path.anchor)
    for part in path.parts[1:]:
        p = p / part
        if p.is_symlink():
            return True
    return False


def _near_miss(path: Path) -> str:
    from .errors import did_you_mean

    folder = path.parent
    if not folder.is_dir():
        return ""
    return did_you_mean(path.name, [p.name for p in folder.iterdir()]) or ""


def problem_at(doc, key: KeyPath, message: str, **kw) -> Problem:
    """Shorthand for ``doc.problem(key, message, **kw)``."""
    return doc.problem(key, message, **kw)
