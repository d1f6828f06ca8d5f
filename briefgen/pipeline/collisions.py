"""Two variants never write one file: the files each variant a command is about to build
would write, and the refusal, before anything is built, of two that share one.

A variant (briefing x audience) owns, in the output folder, ``<briefing>--<audience>.pdf``,
``.html`` and ``.json`` (every format, made or not: a build removes the formats it does not
make, :meth:`~briefgen.pipeline.build.BuildResult.files`), its audit record
``audit/<briefing>--<audience>.audit.json`` (:mod:`briefgen.pipeline.audit`), with
``--emit-document`` its ``.document.json``, and when it files its edition
``<root>/editions/<briefing>/<audience>/<date>.json`` (:mod:`briefgen.pipeline.editions`).
Two variants sharing one of them would leave one variant's file under the other's name
(an AMBER release under a public-looking name), so :func:`refuse_shared_files` stops the
command instead (exit 2). Paths are compared with their folders' symbolic links resolved
and case-folded: on macOS and Windows ``Cb--Public.pdf`` and ``cb--public.pdf`` are one file.

Briefing ids and audience names cannot contain ``--`` (:data:`briefgen.model.fields.OutputName`),
so file names are never ambiguous; what is left is the same briefing id in two specs of a
batch, and names that meet another variant's suffix (an audience ``public.document`` beside
``public``'s ``--emit-document`` file).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from briefgen.deliver.output import output_paths
from briefgen.errors import Problem, SpecError
from briefgen.load.project import LoadedSpec

CODE = "output-collision"


@dataclass(frozen=True)
class Planned:
    """One variant about to be built: its spec as the user named it (``shown``), the loaded
    spec and the audience name."""

    shown: str
    loaded: LoadedSpec
    audience: str

    @property
    def briefing(self) -> str:
        return self.loaded.spec.briefing.id

    def same_variant(self, other: Planned) -> bool:
        """True for the same audience of the same spec file (built twice, it writes the same
        files with the same content: not a collision)."""
        return self.loaded.path == other.loaded.path and self.audience == other.audience


def variant_files(planned: Planned, out_dir: Path, *, file_edition: bool, document: bool = False) -> list[Path]:
    """Every file ``planned`` may write or remove: PDF, HTML, manifest and audit record in
    ``out_dir``; its ``.document.json`` with ``document``; its edition record in the
    project's editions store with ``file_edition`` (dated as the build dates it)."""
    from briefgen.pipeline.audit import audit_path
    from briefgen.pipeline.editions import store_path

    briefing, audience = planned.briefing, planned.audience
    paths = output_paths(Path(out_dir), briefing, audience)
    files = [paths["pdf"], paths["html"], paths["manifest"], audit_path(Path(out_dir), briefing, audience)]
    if document:
        files.append(paths["document"])
    if file_edition:
        date = planned.loaded.spec.briefing.date.midpoint().isoformat()
        files.append(store_path(planned.loaded.root, briefing, audience, date))
    return files


def shared_files(planned: Iterable[Planned], out_dir: Path, *, file_edition: bool,
                 document: bool = False) -> list[Problem]:
    """One error per pair of different variants that would write the same file (the first
    such file of the pair), located at the later variant's briefing id when the two share it, else at
    its audience's key, and naming the earlier one with its place."""
    owners: dict[str, tuple[int, Planned]] = {}
    reported: set[tuple[int, int]] = set()
    problems: list[Problem] = []
    for n, variant in enumerate(planned):
        for path in variant_files(variant, out_dir, file_edition=file_edition, document=document):
            first, earlier = owners.setdefault(same_file_key(path), (n, variant))
            if first != n and (first, n) not in reported and not earlier.same_variant(variant):
                reported.add((first, n))
                problems.append(_problem(earlier, variant, path))
    return problems


def refuse_shared_files(planned: Iterable[Planned], out_dir: Path, *, file_edition: bool,
                        document: bool = False) -> None:
    """Raise :class:`~briefgen.errors.SpecError` (exit 2) listing :func:`shared_files`, if any."""
    problems = shared_files(planned, out_dir, file_edition=file_edition, document=document)
    if problems:
        raise SpecError(problems)


def same_file_key(path: Path) -> str:
    """What two paths naming one file have in common: the folder with its symbolic links
    resolved, then the whole path case-folded (case-insensitive file systems)."""
    folder, name = os.path.split(os.fspath(path))
    return os.path.join(_real_folder(folder), name).casefold()


@lru_cache(maxsize=256)
def _real_folder(folder: str) -> str:
    return os.path.realpath(folder)


def _problem(earlier: Planned, later: Planned, path: Path) -> Problem:
    same_id = earlier.briefing == later.briefing and earlier.loaded.path != later.loaded.path  # two specs
    key: tuple[str, ...] = ("briefing", "id") if same_id else ("audiences", later.audience)
    there = earlier.loaded.source.problem(key if same_id else ("audiences", earlier.audience), "", at_key=True)
    fix = "give one of the specs another briefing id" if same_id else "rename one of the audiences"
    message = (f"{later.shown}, audience {later.audience!r} of briefing {later.briefing!r}, would write "
               f"{path}, as {earlier.shown}, audience {earlier.audience!r} of briefing {earlier.briefing!r} "
               f"({there.location()}) does: one would silently replace the other; {fix}")
    return later.loaded.source.problem(key, message, code=CODE, at_key=True)
