"""Command defaults from the project's ``briefgen.toml`` (:mod:`briefgen.load.settings`).

Outputs go to the project's output folder (``[project] output``, default ``output``),
relative to the project root, not to the working directory: ``briefgen build
specs/x.yaml`` run from ``specs/`` or from anywhere else writes to the same folder. An
explicit ``--out`` is taken as typed (relative to the working directory, as any command
line path). ``[project] audiences`` names the audiences built when ``-a`` and
``--all-audiences`` are both absent (a name given twice, here or with ``-a``, is built
once); ``formats`` the formats built for an audience without ``formats:`` of its own when
``--format`` is absent (the more specific setting wins).
"""

from __future__ import annotations

import os
from pathlib import Path

from briefgen.cli import common


def settings_for(spec: Path | None):
    """The :class:`~briefgen.load.settings.ProjectSettings` of the project holding
    ``spec`` (of the working directory's project when None). A settings file that is not
    valid ends the command (exit 2) with its located problems."""
    from briefgen.errors import SpecError
    from briefgen.load.paths import find_project_root
    from briefgen.load.settings import load_settings

    anchor = Path(spec) if spec is not None else Path.cwd()
    if anchor.is_dir():  # a folder of specs (batch): the project holding that folder
        anchor = anchor / "briefgen.toml"
    try:
        return load_settings(find_project_root(anchor))
    except SpecError as exc:
        common.fail(exc, None)


def output_folder(spec: Path | None, out_dir: Path | None) -> Path:
    """``out_dir`` when given, else the project's output folder (shown relative to the
    working directory when it lies inside it, as ``output`` was before)."""
    if out_dir is not None:
        return out_dir
    folder = settings_for(spec).output
    try:
        rel = os.path.relpath(folder)
    except ValueError:  # another drive (Windows)
        return folder
    return folder if rel.startswith("..") else Path(rel)


def audiences(spec: Path, audience: list[str] | None, all_audiences: bool) -> tuple[list[str] | None, bool]:
    """The audiences to build: as given on the command line, else the project's
    ``[project] audiences`` (``"all"``: every audience), else none (the spec's default)."""
    if audience or all_audiences:
        return unique(audience), all_audiences
    settings = settings_for(spec)
    if settings.all_audiences:
        return None, True
    return unique(settings.audiences), False


def unique(names) -> list[str] | None:
    """``names`` without repeats, in their first order (``-a public -a public`` builds once), or
    None when there are none."""
    return list(dict.fromkeys(names)) if names else None


def formats(spec: Path, given: list[str] | None) -> list[str] | None:
    """The output formats: as given, else the project's ``[project] formats``, else None
    (the command's default)."""
    if given:
        return given
    return list(settings_for(spec).formats) or None


def project_formats(spec: Path | None) -> tuple[str, ...] | None:
    """The project's ``[project] formats``, checked (an unknown format exits with code 2 and
    a did-you-mean), or None: the formats of an audience without ``formats:`` of its own
    (``--format`` and an audience's own list win over them)."""
    wanted = formats(spec, None) if spec is not None else None
    return parse_formats(",".join(wanted)) if wanted else None


def parse_formats(text: str) -> tuple[str, ...]:
    """``--format``'s comma-separated list (``pdf``, ``html``, ``pdf,html``) as a tuple; an
    unknown or empty entry exits with code 2 and a did-you-mean."""
    from briefgen.errors import did_you_mean
    from briefgen.model.models import OUTPUT_FORMATS

    wanted = tuple(dict.fromkeys(part.strip().lower() for part in text.split(",")))  # pdf,pdf: once
    for part in wanted:
        if part not in OUTPUT_FORMATS:
            common.usage_error(f"--format: unknown format {part!r} (known: {', '.join(OUTPUT_FORMATS)})",
                               suggestion=did_you_mean(part, OUTPUT_FORMATS) or "")
    return wanted
