"""Live rebuilds: what a build read, and one rebuild after another in a resident process.

``briefgen watch`` (:mod:`briefgen.cli.watch`) keeps one process alive: Python, pydantic,
Jinja2, matplotlib and ReportLab are imported once, fonts parsed once, and the chart cache
(:mod:`briefgen.charts.cache`) answers for every chart whose data did not change, so a
rebuild after editing one claim costs the layout of the pages and the charts that claim is
drawn in (the bench's "watch rebuild" measures it).

:func:`input_files` lists the files a build of a spec reads (spec, parents, audience files,
knowledge base, templates, CSV files, images, themes, ``briefgen.toml``) and the
knowledge-base folders (a new file there is read by the next build). :class:`Rebuilder`
builds and writes the chosen audiences, says which changed paths concern it (an input, a
knowledge-base folder, or a folder holding one: moved, removed or put back), which inputs
are gone since the last build (:meth:`Inputs.gone`), and which changed since the last build
read them, by their :func:`stamps` (:meth:`Rebuilder.stale`: for a change no event reported);
:func:`run` is the loop, fed by any iterator of changed-path sets, so tests run it for a
few iterations without watching the file system.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from briefgen.errors import BriefgenError, Problem, SpecError
from briefgen.load.paths import yaml_file_name
from briefgen.pipeline.build import BuildOptions, BuildResult, Prepared, build_prepared, prepare

_INPUT_SUFFIXES = (".yaml", ".yml", ".toml", ".csv", ".j2", ".jinja", ".txt", ".md", ".png", ".jpg", ".jpeg",
                   ".ttf")
"""Files whose change can matter to a build whose inputs are unknown (the last one failed)."""


@dataclass(frozen=True)
class Inputs:
    """What a build read: ``files`` (absolute, resolved) and ``folders`` whose new or
    removed ``.yaml`` files matter (knowledge-base folders)."""

    files: frozenset[Path] = frozenset()
    folders: frozenset[Path] = frozenset()
    absent: frozenset[Path] = frozenset()
    """Inputs the build would read that were not there when it ran (a project without
    ``briefgen.toml``): watched for, never reported gone."""

    @cached_property
    def above(self) -> frozenset[Path]:
        """The folders holding the inputs, up to the file-system root: moving, removing or
        replacing one of them moves, removes or replaces inputs."""
        return frozenset(p for f in self.files | self.folders for p in f.parents)

    def concerns(self, path: Path) -> bool:
        """True when a change of ``path`` can change the build: an input file, a knowledge-base
        folder, a YAML file in one, or a folder holding any of them."""
        path = Path(path)
        if path in self.files or path in self.folders or path in self.above:
            return True
        return yaml_file_name(path.name) and path.parent in self.folders  # as the knowledge base reads them

    def gone(self) -> list[Path]:
        """The input files and folders that were there when the build read them and are no
        longer (moved away or removed), outermost first: a folder gone stands for the inputs in it."""
        missing = sorted((p for p in (self.files | self.folders) - self.absent if not p.exists()),
                         key=lambda p: (len(p.parts), p))
        shown: list[Path] = []
        for path in missing:
            if not any(g in path.parents for g in shown):
                shown.append(path)
        return shown


Stamp = tuple[int, ...] | tuple[str, ...] | None
"""What a file looked like (inode, size, modification time, change time in ns) or a
knowledge-base folder held (its YAML file names); None when it is not there."""


def stamps(inputs: Inputs) -> dict[Path, Stamp]:
    """The :data:`Stamp` of every input file and knowledge-base folder."""
    found: dict[Path, Stamp] = {}
    for path in inputs.files:
        try:
            st = os.stat(path)
            found[path] = (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
        except (OSError, ValueError):
            found[path] = None
    for folder in inputs.folders:
        try:
            found[folder] = tuple(sorted(e.name for e in os.scandir(folder) if yaml_file_name(e.name)))
        except (OSError, ValueError):
            found[folder] = None
    return found


def input_files(prepared: Prepared) -> Inputs:
    """The files the build of ``prepared`` reads: spec and parents, audience files,
    knowledge-base files (and their folders), ``template_file`` templates, chart CSV
    files, image files, theme files (and their logos), and the project's
    ``briefgen.toml``. Paths that cannot be resolved are left out (the build reports
    them)."""
    from briefgen.load.paths import resolve_inside
    from briefgen.load.project import origin_dir

    loaded = prepared.loaded
    files: set[Path] = {Path(p).resolve() for p in loaded.files + prepared.kb.files}
    folders: set[Path] = set()
    files.add((loaded.root / "briefgen.toml").resolve())

    def add(written: str | None, key: tuple, what: str, into: set[Path] = files, allow_dir: bool = False) -> None:
        if not written:
            return
        try:
            into.add(resolve_inside(written, base=origin_dir(loaded.source, key), root=loaded.root, doc=loaded.source,
                                    key=key, what=what, must_exist=False, allow_dir=allow_dir))
        except SpecError:
            pass

    for i, written in enumerate(loaded.spec.knowledge_base):
        found: set[Path] = set()
        add(written, ("knowledge_base", i), "knowledge-base folder", found, allow_dir=True)
        folders.update(p for p in found if p.is_dir())

    def walk(sections, prefix: tuple) -> None:
        for i, sec in enumerate(sections):
            key = prefix + (i,)
            add(sec.template_file, key + ("template_file",), "template file")
            for k, chart in enumerate(sec.charts):
                add(chart.csv, key + ("charts", k, "csv"), "CSV file")
            for k, image in enumerate(sec.images):
                add(image.path, key + ("images", k, "path"), "image file")
            walk(sec.subsections, key + ("subsections",))

    walk(loaded.spec.sections, ("sections",))
    themes: set[Path] = set()
    add(loaded.spec.theme, ("theme",), "theme file", themes)
    for name, aud in loaded.spec.audiences.items():
        add(aud.theme, ("audiences", name, "theme"), "theme file", themes)
    files |= themes
    for path in themes:
        files |= _theme_files(path, loaded.root)
    return Inputs(frozenset(files), frozenset(folders), frozenset(p for p in files | folders if not p.exists()))


def _theme_files(path: Path, root: Path) -> set[Path]:
    """A theme's logo file (fonts are read once per process and rarely edited)."""
    try:
        from briefgen.load.theme import load_theme

        theme = load_theme(path, root)
    except BriefgenError:
        return set()
    return {Path(theme.logo.path).resolve()} if theme.logo is not None else set()


@dataclass
class Outcome:
    """One rebuild: the ``results`` written (empty when it failed), the ``warnings``, the
    ``error`` that stopped it (None when it worked), its wall time in ``seconds`` and the
    ``inputs`` the next change is checked against."""

    results: list[BuildResult] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    error: BriefgenError | None = None
    seconds: float = 0.0
    inputs: Inputs | None = None
    gone: list[Path] = field(default_factory=list)
    """Inputs of the build before that are no longer there (:meth:`Inputs.gone`)."""
    removed: list[Path] = field(default_factory=list)
    """Files of an earlier build that this one removed (a format it did not make, a message or
    bundle made from an earlier build: :meth:`~briefgen.pipeline.build.BuildResult.stale_paths`)."""

    @property
    def ok(self) -> bool:
        return self.error is None


class Rebuilder:
    """Builds one spec's chosen audiences (``audiences`` names, or every one with
    ``all_audiences``; the default audience when neither) and writes what ``build`` writes
    (PDF, HTML when asked, manifest, audit record; an earlier build's file it did not make
    removed) with ``write`` (a function taking ``{path: bytes or None}`` and returning the
    files it removed, e.g. :func:`briefgen.cli.common.write_outputs`). Keeps the inputs of its
    last build."""

    def __init__(self, spec: Path, *, audiences: list[str] | None, all_audiences: bool, options: BuildOptions,
                 write: Callable[[dict], object], strict: bool = False) -> None:
        self.spec = Path(spec)
        self.audiences = audiences or []
        self.all_audiences = all_audiences
        self.options = options
        self.write = write
        self.strict = strict
        self.inputs: Inputs | None = None
        self.stamps: dict[Path, Stamp] = {}
        self.failed = False

    def build(self) -> Outcome:
        """Validate, build every chosen audience, write them all together; never raises a
        :class:`BriefgenError`, RecursionError or MemoryError (it is the outcome's ``error``)."""
        from briefgen.resolve.audiences import audience_names, get_audience

        started = time.perf_counter()
        outcome = Outcome(inputs=self.inputs, gone=self.inputs.gone() if self.inputs is not None else [])
        before = stamps(self.inputs) if self.inputs is not None else {}  # taken before the build reads them
        try:
            prepared = prepare(self.spec, strict=self.strict)
            self.inputs = outcome.inputs = input_files(prepared)
            seen = stamps(self.inputs)  # the inputs read before too: as they were before (a change while
            seen.update((p, s) for p, s in before.items() if p in seen)  # reading is seen again, not missed)
            self.stamps, before = seen, {}
            outcome.warnings = prepared.warnings
            names: list[str | None] = (list(audience_names(prepared.loaded.spec)) if self.all_audiences
                                       else list(self.audiences) or [None])
            for name in names:
                if name is not None:
                    get_audience(prepared.loaded, name)
            results = [build_prepared(prepared, name, self.options) for name in names]
            outcome.warnings = prepared.warnings + [w for r in results for w in r.edition_warnings]
            files: dict[Path, bytes | None] = {}
            for r in results:
                files.update(r.files())  # the PDF (and HTML) and the manifest, as ``build`` writes them
            removed = self.write(files)
            outcome.results = results
            outcome.removed = list(removed) if isinstance(removed, list) else []
        except BriefgenError as exc:
            outcome.error = exc
        except (RecursionError, MemoryError) as exc:  # Python's limits met where no check foresaw: watch on
            outcome.error = BriefgenError(f"the build ran into Python's limits ({type(exc).__name__}: {exc})")
        self.failed = outcome.error is not None
        if before:  # stopped before its inputs were known: the last ones, as they were when it started
            self.stamps = before
        outcome.seconds = time.perf_counter() - started
        return outcome

    def concerns(self, changed: Iterable[Path]) -> bool:
        """True when one of the ``changed`` paths can change the build. While the inputs
        are unknown or the last build failed (the fix may be in a file it could not reach),
        any input-like file does, except in the output folder."""
        out = self.options.out_dir.resolve()
        for path in changed:
            path = Path(path).resolve()
            if out == path or out in path.parents:
                continue
            if path == self.spec.resolve() or (self.inputs is not None and self.inputs.concerns(path)):
                return True
            if (self.inputs is None or self.failed) and (path.suffix.lower() in _INPUT_SUFFIXES or path.is_dir()):
                return True
        return False

    def stale(self, settle: float = 0.25) -> set[Path]:
        """The inputs (files and knowledge-base folders) that changed since the last build read
        them, found by their :data:`Stamp` (a check that needs no file-system event: for one a
        watcher missed). A file changed in the last ``settle`` seconds is left to its event."""
        if self.inputs is None:
            return set()
        now = time.time_ns()
        changed = set()
        for path, stamp in stamps(self.inputs).items():
            if stamp == self.stamps.get(path, stamp):
                continue
            if stamp and isinstance(stamp[-1], int) and now - stamp[-1] < settle * 1e9:
                continue
            changed.add(path)
        return changed


def run(rebuilder: Rebuilder, changes: Iterable[Iterable[Path]], report: Callable[[Outcome], None]) -> int:
    """Build once, then once more after every set of ``changes`` that concerns the build
    (see :meth:`Rebuilder.concerns`), passing each :class:`Outcome` to ``report``. Returns
    the number of builds once ``changes`` is exhausted (a file-system watcher never is: it
    ends with Ctrl-C)."""
    report(rebuilder.build())
    builds = 1
    for changed in changes:
        if rebuilder.concerns(changed):
            report(rebuilder.build())
            builds += 1
    return builds
