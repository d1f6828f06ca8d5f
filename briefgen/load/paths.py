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
        hint = near_path(written, resolved, could_be)
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


def yaml_file_name(name: str) -> bool:
    """A file of a folder that is read as YAML (a knowledge-base folder's): ``.yaml`` or ``.yml`` in
    any case (``.YAML`` was left out without a word), not hidden (``._claims.yaml``, which macOS
    writes beside a copied file, or an editor's ``.#claims.yaml``)."""
    return not name.startswith(".") and Path(name).suffix.lower() in (".yaml", ".yml")


_SUFFIX_SPELLINGS = ({".yaml", ".yml"}, {".jpg", ".jpeg"}, {".htm", ".html"}, {".tif", ".tiff"})
"""Suffixes that name one kind of file: a name written with one is a near miss of the other."""


def near_path(written: str, path: Path, could_be: Callable[[Path], bool] | None = None) -> str:
    """``written`` (a path as the author wrote it, which names ``path``, absolute, and does not
    exist) with each part that names nothing replaced by the nearest name in the folder above it,
    for a did-you-mean: a folder among folders (``spec/`` -> ``specs/``), the last part among the
    names ``could_be`` accepts (all, when None), compared without their suffix among names of the
    same kind of file (``.yml`` and ``.yaml`` alike, so ``x.yml`` -> ``x.yaml``). '' when a part
    has no near name, or ``written`` does not end in the parts that are missing."""
    from briefgen.errors import did_you_mean

    missing: list[str] = []
    folder = Path(path)
    try:
        while not folder.exists():
            if folder.parent == folder:
                return ""
            missing.insert(0, folder.name)
            folder = folder.parent
        if not missing or not folder.is_dir():
            return ""
        parts = written.replace("\\", "/").rstrip("/").split("/")
        if parts[len(parts) - len(missing):] != missing:  # '..' after a missing part: no telling
            return ""
        fixed = []
        for n, name in enumerate(missing):
            last = n == len(missing) - 1
            entries = [p for p in folder.iterdir()
                       if (could_be is None or could_be(p) if last else p.is_dir())]
            kind = next((group for group in _SUFFIX_SPELLINGS if Path(name).suffix.lower() in group),
                        {Path(name).suffix.lower()})
            stems = {p.stem: p.name for p in entries if p.suffix.lower() in kind}
            near = did_you_mean(Path(name).stem, stems)  # by stem: a shared suffix would make any two alike
            best = stems[near] if near else did_you_mean(name, [p.name for p in entries])
            if not best:
                return ""
            fixed.append(best)
            folder = folder / best
    except OSError:
        return ""
    return "/".join(parts[:len(parts) - len(missing)] + fixed)
