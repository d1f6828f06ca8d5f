"""briefgen's error types.

Every mistake a user can make surfaces as a :class:`BriefgenError` subclass, never as a
bare Python traceback. Input mistakes are collected as :class:`Problem` records (file,
line, column, key path, expected, got, suggestion) and raised together in one
:class:`SpecError`, so that one run reports every problem at once.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

KeyPath = tuple[str | int, ...]


def format_key_path(path: KeyPath) -> str:
    """Render a key path as the author would write it: ``sections[2].select.tags``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(document)"


def did_you_mean(word: str, choices: Iterable[str], *, cutoff: float = 0.6) -> str | None:
    """Return the closest of ``choices`` to ``word``, or None: one that differs from it only in
    case, spaces, hyphens or underscores (``a4`` -> ``A4``) first, else the closest by difflib
    ratio (>= ``cutoff``), compared case-insensitively."""
    options = [str(c) for c in choices]
    folded = _folded(str(word))
    same = [c for c in options if _folded(c) == folded]
    if same:
        return same[0]
    lowered: dict[str, str] = {}
    for c in options:
        lowered.setdefault(c.lower(), c)
    matches = difflib.get_close_matches(str(word).lower(), list(lowered), n=1, cutoff=cutoff)
    return lowered[matches[0]] if matches else _within(folded, options)


_SUFFIXES = ("chart", "charts", "graph", "plot", "diagram", "table", "list", "type", "kind", "es", "s")
"""Common endings added to a name (``barchart``, ``bars``, ``line-graph``): a value that is a
choice with one of them (after case, spaces, hyphens and underscores are dropped) means that choice."""


def _within(folded: str, options: list[str]) -> str | None:
    """The longest of ``options`` (3 characters or more) that ``folded`` is, followed by a
    :data:`_SUFFIXES` ending (``barchart`` -> ``bar``), or that ``folded`` holds with such an
    ending after it (``stackedbarchart`` -> ``bar``); None when there is none."""
    best = None
    for c in options:
        name = _folded(c)
        if len(name) < 3 or (best is not None and len(name) <= len(_folded(best))):
            continue
        at = folded.find(name)
        if at >= 0 and folded[at + len(name):] in _SUFFIXES and (at == 0 or folded[at + len(name):]):
            best = c
    return best


def near_id(word: str, ids: Iterable[str]) -> str | None:
    """The id of ``ids`` that ``word`` is a near miss of, for a did-you-mean, or None. The rule
    for every id (source, claim, entity, audience ...): the same but for case, spaces, hyphens or
    underscores, else at most 3 edits (insert, delete, replace, swap two neighbours) and at most
    one edit per 4 characters of the longer id. Ids share prefixes (``src-``, ``c-``), which make
    any two look alike to a ratio: ``src-nowhere`` is not a near miss of ``src-herald``."""
    word = str(word)
    options = [str(i) for i in ids]
    folded = _folded(word)
    same = [c for c in options if _folded(c) == folded]
    if same:
        return same[0]
    near: dict[str, int] = {}
    for c in options:
        limit = min(3, max(len(word), len(c)) // 4)
        if limit == 0 or abs(len(word) - len(c)) > limit:
            continue
        d = _edits(word.lower(), c.lower(), limit)
        if d <= limit:
            near[c] = d
    if not near:
        return None
    fewest = min(near.values())
    return did_you_mean(word, [c for c, d in near.items() if d == fewest], cutoff=0.0)  # ties: as difflib ranks them


def _edits(a: str, b: str, limit: int) -> int:
    """Edits from ``a`` to ``b`` (optimal string alignment distance), or ``limit + 1`` once over ``limit``."""
    before: list[int] = []
    row = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(row[j] + 1, current[j - 1] + 1, row[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], before[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        before, row = row, current
    return row[-1]


def _folded(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch not in " \t-_")


@dataclass(frozen=True)
class Problem:
    """One located problem in an input file.

    ``line`` and ``column`` are 1-based; 0 means "unknown" (``null`` in ``--json``). ``severity`` is ``"error"``
    or ``"warning"``; warnings fail a build only under ``--strict`` (:meth:`under_strict`), except one with
    ``strict`` False: a warning that leaves nothing to fix (a disputed measure a ``conflicts`` section
    already shows side by side), which ``--strict`` leaves a warning. ``audiences``: the audiences whose
    versions met it (a template error, a variant's build), empty when it is not about an audience's version
    (:func:`for_audience`).
    """

    file: str
    line: int
    column: int
    key: str
    message: str
    expected: str = ""
    got: str = ""
    suggestion: str = ""
    severity: str = "error"
    code: str = ""
    strict: bool = True
    audiences: tuple[str, ...] = ()

    def under_strict(self) -> "Problem":
        """This problem as ``--strict`` judges it: a warning becomes an error, unless ``strict``
        is False (see the class doc)."""
        if self.severity == "error" or not self.strict:
            return self
        return dataclasses.replace(self, severity="error")

    def location(self) -> str:
        """``file:line:col`` (parts that are unknown are left out)."""
        loc = self.file
        if self.line:
            loc += f":{self.line}"
            if self.column:
                loc += f":{self.column}"
        return loc

    def __str__(self) -> str:
        text = f"{self.location()}: {self.severity}: {self.key}: {self.message}"
        if self.expected:
            text += f" (expected {self.expected}"
            text += f", got {self.got})" if self.got else ")"
        elif self.got:
            text += f" (got {self.got})"
        if self.suggestion:
            text += f"; did you mean {self.suggestion!r}?"
        return text


class BriefgenError(Exception):
    """Base class of every error briefgen raises on purpose. ``exit_code`` is the CLI's."""

    exit_code = 1


E = TypeVar("E", bound=BriefgenError)
"""Any briefgen error (:func:`for_audience` gives back the type it is given)."""


class SpecError(BriefgenError):
    """Invalid input (spec, knowledge base, theme, CSV): carries every :class:`Problem`.

    Exit code 2, as for usage errors: the input must be corrected.
    """

    exit_code = 2

    def __init__(self, problems: Sequence[Problem]):
        self.problems = list(problems)
        errors = [p for p in self.problems if p.severity == "error"]
        head = f"{len(errors)} problem(s) in the input" if errors else "input has warnings"
        super().__init__(head + ":\n" + "\n".join(f"  {p}" for p in self.problems))


class UnsafePathError(SpecError):
    """A path in the input leaves the project root (``../../etc/passwd``, escaping symlink)."""


class TemplateError(BriefgenError):
    """A Jinja2 template failed: undefined name, missing field, syntax error.

    The message names the template (section id or file) and line. ``problems`` holds the
    same error(s) as located :class:`Problem` records (file, line in that file, spec key,
    ``code`` such as ``template-undefined``) once the renderer has located it; empty before.
    """

    exit_code = 2
    code = "template-error"

    def __init__(self, message: str, problems: Sequence[Problem] = (), *, code: str = ""):
        super().__init__(message)
        self.problems = list(problems)
        if code:
            self.code = code


class TemplateSecurityError(TemplateError):
    """A template tried to reach outside Jinja2's sandbox (``__globals__`` and the like)."""

    code = "template-unsafe"


class WithheldError(TemplateError):
    """A template referred to a claim (or entity, source) withheld from this audience."""

    code = "template-withheld"


class DroppedRefError(WithheldError):
    """A template's ``ref()`` named a figure or table whose section the page budget dropped.
    ``figure``: its id; ``section``: the dropped section holding it. The page budget
    (:mod:`briefgen.pipeline.page_budget`) never keeps a text whose figure it dropped, so a
    build does not raise it; laying out a document with chosen drops can."""

    code = "template-dropped"

    def __init__(self, message: str, problems: Sequence[Problem] = (), *, code: str = "", figure: str = "",
                 section: str = ""):
        super().__init__(message, problems, code=code)
        self.figure, self.section = figure, section


def for_audience(exc: E, audience: str) -> E:
    """``exc``, met in the version of ``audience``: its problems that name no audience name it
    (:attr:`Problem.audiences`), and ``exc.audience`` is set when it has none (for an error with
    no problems; ``--json`` gives it as the ``audience`` of its PROBLEM). Returns ``exc``."""
    if not audience:
        return exc
    problems = getattr(exc, "problems", None)
    if problems:
        exc.problems = [dataclasses.replace(p, audiences=(audience,))  # type: ignore[attr-defined]
                        if isinstance(p, Problem) and not p.audiences else p for p in problems]
    if not getattr(exc, "audience", None):
        exc.audience = audience  # type: ignore[attr-defined]
    return exc


def met_also(kept: TemplateError, exc: TemplateError) -> None:
    """``kept`` stands for ``exc`` too (the same error, met in another audience's version): its
    problems also name the audiences ``exc``'s do (:attr:`Problem.audiences`)."""
    met = tuple(dict.fromkeys(a for p in exc.problems for a in p.audiences))
    if met:
        kept.problems = [dataclasses.replace(p, audiences=tuple(dict.fromkeys(p.audiences + met)))
                         for p in kept.problems]


def located_problems(exc: BaseException) -> list[Problem]:
    """The located problems an error carries in its ``problems`` (a :class:`SpecError`'s, a
    located :class:`TemplateError`'s, an unusable edition file's), or ``[]`` for an error
    that is not about a place in a file."""
    problems = getattr(exc, "problems", None) if isinstance(exc, BriefgenError) else None
    return [p for p in problems or [] if isinstance(p, Problem)]


class RenderError(BriefgenError):
    """Charts or layout could not be produced (names the item and the sizes involved)."""


class ChartFitError(RenderError):
    """A chart's content does not fit its size (rows, bars, labels, events). ``chart_id``
    and ``field`` (the chart's key to change: ``"height"`` or ``"width"``) let the build
    report it located at the chart, as ``validate`` does (:mod:`briefgen.model.chart_fit`).

    Exit code 2: the input must change."""

    exit_code = 2

    def __init__(self, chart_id: str, field: str, message: str):
        super().__init__(message)
        self.chart_id, self.field = chart_id, field

    def __reduce__(self):
        return type(self), (self.chart_id, self.field, str(self))


class PageBudgetError(SpecError):
    """A briefing variant is longer than its audience's ``max_pages`` and cannot be trimmed:
    one problem located at that ``max_pages`` (code ``page-budget``), exit code 2 (the input
    must change: the budget, the sections' priorities or their length)."""


class FontCoverageError(RenderError):
    """No available font has a glyph for some character; names it and where it occurs.

    Exit code 2: the input must change (or the theme gain a font)."""

    exit_code = 2


class OutputError(BriefgenError):
    """An output file could not be written (folder is a file, no permission, disk full).

    Exit code 2 when the folder itself cannot be used (a file or folder in the way, no
    permission, a read-only file system: choose another with ``--out``); 1 when writing
    failed (a full disk or quota, an I/O error): the build failed, the input was fine.
    ``errno`` is the file system's error number, when known."""

    exit_code = 2

    USAGE_ERRNOS = frozenset({"ENOTDIR", "EISDIR", "EEXIST", "EACCES", "EPERM", "EROFS", "ENAMETOOLONG", "ENOENT"})
    """Error names (``errno`` module) of a folder that cannot be used, rather than of a failed write."""

    def __init__(self, message: str, *, errno: int | None = None):
        import errno as codes

        super().__init__(message)
        self.errno = errno
        if errno is not None and codes.errorcode.get(errno) not in self.USAGE_ERRNOS:
            self.exit_code = 1


class DeliveryError(BriefgenError):
    """Composing or sending email failed (bad address, refused recipients, server down)."""
