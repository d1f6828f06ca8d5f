"""What a build says when the file system refuses its outputs: the file in the way, and a fix
that helps (``--out`` for the output folder; the editions store is not in it)."""

from __future__ import annotations

from pathlib import Path

__all__ = ["cannot_write", "editions_store_of", "file_in_the_way"]


def cannot_write(exc: OSError, target: Path, fix: str = "Choose another folder with --out.") -> str:
    """``cannot write <file>: <why>. <fix>`` for ``exc`` raised writing ``target`` (its
    ``filename`` when it names one): a file standing where a folder is needed is named, and a
    file of the editions store gets the store's fix (move the file, ``BRIEFGEN_EDITIONS_DIR``,
    ``--no-edition``) instead of ``fix``."""
    import errno

    from briefgen.load.yamlsrc import display_path

    where = Path(exc.filename or target)
    blocker = file_in_the_way(where, itself=exc.errno == errno.EEXIST)
    why = (exc.strerror or exc if blocker is None else "it is a file, where a folder is needed"
           if blocker == where else f"{display_path(blocker)} is a file, not a folder")
    store = editions_store_of(where)
    if store is not None:  # --out would not help: the store is not in the output folder
        fix = (f"The editions store {display_path(store)} (where each build files its edition record) must be "
               f"a folder: " + (f"move or remove the file {display_path(blocker)}, or " if blocker else "")
               + "set BRIEFGEN_EDITIONS_DIR to another folder (or build with --no-edition).")
    return f"cannot write {display_path(where)}: {why}. {fix}"


def file_in_the_way(path: Path, *, itself: bool = False) -> Path | None:
    """The file standing where a folder is needed: the nearest of ``path``'s ancestors (and,
    when ``itself``, ``path``: a folder that could not be made, "File exists") that exists,
    when it is a file; None when that is a folder (or nothing exists)."""
    for folder in ([path] if itself else []) + list(path.parents):
        if folder.exists() or folder.is_symlink():
            return folder if folder.is_file() else None
    return None


def editions_store_of(path: Path) -> Path | None:
    """The editions store (:func:`briefgen.pipeline.editions.store_root` of the project holding
    ``path``) when ``path`` is that store or lies inside it, else None."""
    from briefgen.load.paths import find_project_root
    from briefgen.pipeline.editions import store_root

    try:
        store = store_root(find_project_root(path)).absolute()
        target = path.absolute()
    except (OSError, RuntimeError):
        return None
    return store if target == store or store in target.parents else None
