"""The units of a batch: a :class:`Job` to build, the :class:`BatchItem` it becomes, and the
:class:`Events` a progress display receives.

Shared by :mod:`briefgen.pipeline.batch` (planning, running here), :mod:`briefgen.pipeline.workers`
(worker processes) and :mod:`briefgen.pipeline.cluster` (a Dask cluster). Sizes are in bytes,
times in seconds.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Protocol

from briefgen.errors import Problem


@dataclass(frozen=True)
class Job:
    """One briefing to build: ``spec`` (absolute path), ``shown`` (as the user wrote it),
    ``briefing`` id and ``audience`` name."""

    index: int
    spec: str
    shown: str
    briefing: str
    audience: str

    @property
    def label(self) -> str:
        return f"{self.briefing} / {self.audience}"


@dataclass
class BatchItem:
    """The outcome of one briefing (or of a spec that could not be read at all).

    ``status``: ``ok``, ``failed`` (the build failed) or ``invalid`` (the input is wrong: the
    spec did not validate, or a template failed while the text was rendered, before anything
    was drawn, see :func:`failure_status`; ``audience`` is ``""`` when its audiences are unknown). ``pages`` of
    the PDF (0 when no PDF was made), ``size`` in bytes of the PDF (of the HTML edition when no PDF was made; 0
    when nothing was built),
    ``seconds`` of build time, ``peak_rss`` the peak resident memory in bytes of the
    process that built it (0 when unknown).
    """

    spec: str
    briefing: str
    audience: str
    status: str
    pages: int = 0
    size: int = 0
    seconds: float = 0.0
    pdf_path: str = ""
    sha256: str = ""
    message: str = ""
    problems: list[Problem] = field(default_factory=list)
    peak_rss: int = 0
    worker: str = ""
    edition_path: str = ""
    """The edition record filed in the editions store ("" when none was)."""
    changes: dict | None = None
    """With ``--since``: what changed (:func:`briefgen.pipeline.edition.changes_json`)."""
    notes: list[str] = field(default_factory=list)
    """Things to tell the user that are not warnings (a first edition: nothing to compare)."""
    removed: list[str] = field(default_factory=list)
    """Files of an earlier build that writing this one removed (a format it did not make, a
    message or STIX bundle made from an earlier build)."""
    warnings: list[Problem] = field(default_factory=list)
    """The warnings of this variant's own document (:attr:`briefgen.pipeline.build.BuildResult.edition_warnings`:
    a keyword its metadata leaves out); the spec's warnings are the spec's, not repeated per variant."""

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def failure_status(exc: BaseException) -> str:
    """``invalid`` for an error in the input (a :class:`~briefgen.errors.SpecError`, or a
    :class:`~briefgen.errors.TemplateError`: templates are rendered before anything is drawn,
    so the build never got to work), ``failed`` for any other (drawing, layout, writing)."""
    from briefgen.errors import SpecError, TemplateError

    return "invalid" if isinstance(exc, (SpecError, TemplateError)) else "failed"


class Events(Protocol):
    """Progress callbacks: a job started on worker ``slot``; a briefing is done."""

    def started(self, job: Job, slot: int) -> None: ...

    def finished(self, item: BatchItem, slot: int) -> None: ...


class NoEvents:
    """Events that show nothing (the default of :func:`run`)."""

    def started(self, job: Job, slot: int) -> None:
        pass

    def finished(self, item: BatchItem, slot: int) -> None:
        pass


def peak_rss() -> int:
    """Peak resident memory of this process in bytes (0 where unknown)."""
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return 0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024
