"""One module per third-party library whose private API briefgen relies on.

Each module (:mod:`briefgen.compat.reportlab`, with parts split off for length: its output-side
replacements, :mod:`briefgen.compat.reportlab_output`; its parsed fonts, ``reportlab_faces``; its
import, ``reportlab_import``; its line breaking kept linear, ``reportlab_keptlines`` and
``reportlab_windows``; :mod:`briefgen.compat.jinja2`, with where a template's syntax error is,
``jinja2_syntax``; :mod:`briefgen.compat.matplotlib`,
:mod:`briefgen.compat.pydantic`, :mod:`briefgen.compat.fonttools`, :mod:`briefgen.compat.pyyaml`,
:mod:`briefgen.compat.pikepdf`) gathers every
read or replacement of the library's non-public names (leading underscore, undocumented
classes), and states the versions it was written and checked for. Outside that range it
either raises :class:`UnsupportedLibraryError` naming the library, the installed version and
the supported range, or takes a documented fallback that only costs speed. The upper bounds
in ``pyproject.toml`` match these ranges: raising one means re-checking that module.

This package imports no third-party library itself; each submodule imports only its own.
:mod:`briefgen.compat.lazyre` (standard library only) lets a compat module name regular
expressions its library compiles at import but seldom uses, to be compiled on first use;
:mod:`briefgen.compat.dataclass_code` keeps the methods :mod:`dataclasses` compiles between runs
of the command line (its use of ``exec``, Python 3.11-3.13).
:mod:`briefgen.compat.installed` reads what is installed (versions, entry point groups) from
the distributions' metadata folders, without importing :mod:`importlib.metadata`.
"""

from __future__ import annotations

from briefgen.errors import BriefgenError

VersionRange = tuple[tuple[int, int], tuple[int, int]]  # (lowest major.minor, first unsupported major.minor)


class UnsupportedLibraryError(BriefgenError):
    """An installed library's version is outside the range briefgen's compat module was written for."""


def major_minor(version: str) -> tuple[int, int]:
    """``"5.1.0"`` -> ``(5, 1)``; ``"3.1rc1"`` -> ``(3, 1)``. Unreadable parts count as 0."""
    parts = []
    for piece in version.split(".")[:2]:
        digits = ""
        for ch in piece:
            if not ch.isdigit():
                break
            digits += ch
        parts.append(int(digits) if digits else 0)
    while len(parts) < 2:
        parts.append(0)
    return parts[0], parts[1]


def in_range(version: str, supported: VersionRange) -> bool:
    """True if ``version``'s major.minor lies in ``supported`` (lowest included, upper excluded)."""
    lowest, below = supported
    return lowest <= major_minor(version) < below


def describe_range(supported: VersionRange) -> str:
    """``((4, 2), (5, 2))`` -> ``">=4.2,<5.2"`` (pip's notation, as in pyproject.toml)."""
    (lo_major, lo_minor), (hi_major, hi_minor) = supported
    return f">={lo_major}.{lo_minor},<{hi_major}.{hi_minor}"


def require(library: str, version: str, supported: VersionRange, feature: str) -> None:
    """Raise :class:`UnsupportedLibraryError` if ``version`` of ``library`` is outside ``supported``.

    ``feature`` says what needs the private API (e.g. "the PDF's page links"), so the message
    tells the user what fails and how to fix it (install a supported version).
    """
    if not in_range(version, supported):
        raise UnsupportedLibraryError(
            f"{feature} needs {library} {describe_range(supported)}, but {library} {version} is installed; "
            f"install a supported version (pip install '{library}{describe_range(supported)}')")
