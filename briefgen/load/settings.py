"""Project settings: the ``[project]`` table of ``briefgen.toml`` in the project root.

``briefgen.toml`` marks a project's root (:func:`briefgen.load.paths.find_project_root`) and
holds its settings. ``[smtp]`` belongs to email delivery (:mod:`briefgen.deliver.smtp`);
this module reads ``[project]``:

============ ===================================================== ===================
key          meaning                                               default
============ ===================================================== ===================
output       output folder, relative to the project root (never    ``"output"``
             to the working directory)
audiences    audiences built when a command names none: a list     the spec's default
             of names, or ``"all"`` (every audience of the spec)   audience
formats      output formats built when ``--format`` is not given   what ``build``
             (``["pdf"]``, ``["pdf", "html"]``; each known)         builds by default
============ ===================================================== ===================

Every mistake is a :class:`~briefgen.errors.SpecError` located at the file, line and key
(a TOML syntax error, an unknown key or format with a did-you-mean, a value of the wrong type).
Pure Python (``tomllib``): reading settings costs nothing measurable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from briefgen.errors import Problem, SpecError, did_you_mean
from briefgen.load.textcodec import undecodable_at, utf8_advice
from briefgen.regular_files import read_regular

CONFIG_NAME = "briefgen.toml"
"""The settings file, in the project root (also the root's marker)."""

KEYS = ("output", "audiences", "formats")
"""Keys of the ``[project]`` table."""


@dataclass(frozen=True)
class ProjectSettings:
    """A project's settings. ``root``: the project root (absolute); ``output``: the output
    folder (absolute, under the root unless the file names an absolute path);
    ``audiences``: names, ``("all",)`` for every audience, or empty for the spec's default;
    ``formats``: output formats, empty for the command's default; ``file``: the settings
    file read (None when there is none)."""

    root: Path
    output: Path
    audiences: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()
    file: Path | None = None

    @property
    def all_audiences(self) -> bool:
        """True when the settings ask for every audience (``audiences = "all"``)."""
        return self.audiences == ("all",)


def load_settings(root: Path) -> ProjectSettings:
    """The settings of the project rooted at ``root`` (defaults when ``root`` has no
    ``briefgen.toml``). Raises :class:`SpecError` for a file that cannot be read or parsed,
    or a ``[project]`` table with an unknown key or a value of the wrong type."""
    root = Path(root).resolve()
    path = root / CONFIG_NAME
    default = ProjectSettings(root=root, output=root / "output")
    if not path.exists() or path.is_dir():
        return default
    import tomllib  # only for a project that has the file (~1 ms)

    shown = _shown(path)
    try:
        text = read_regular(path).decode("utf-8-sig")  # a FIFO or device: refused, not waited on
    except UnicodeDecodeError as exc:  # at the byte, with what the file looks like, as YAML files are
        line, column = undecodable_at(exc.object, exc.start)
        raise SpecError([Problem(shown, line, column, "(document)", f"{CONFIG_NAME} is not valid UTF-8",
                                 got=f"byte 0x{exc.object[exc.start]:02x}", expected=utf8_advice(exc.object),
                                 code="encoding")]) from None
    except OSError as exc:
        raise SpecError([Problem(shown, 0, 0, "(document)", f"cannot read {CONFIG_NAME}: {exc.strerror or exc}",
                                 code="unreadable-file")]) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line, col = _toml_position(str(exc))
        message = re.sub(r"\s*\(at line \d+, column \d+\)$", "", str(exc))
        raise SpecError([Problem(shown, line, col, "(document)", f"not valid TOML: {message}",
                                 code="toml-syntax")]) from None
    table = data.get("project", {})
    if not isinstance(table, dict):
        raise SpecError([Problem(shown, _line_of(text, None, "project"), 1, "project",
                                 "'project' must be a table ([project])", code="bad-type")])
    problems: list[Problem] = []

    def problem(key: str, message: str, **kw) -> None:
        problems.append(Problem(shown, _line_of(text, "project", key), 1, f"project.{key}", message, **kw))

    for key in table:
        if key not in KEYS:
            problem(key, f"unknown key {key!r} in [project]", expected=", ".join(KEYS),
                    suggestion=did_you_mean(key, KEYS) or "", code="unknown-key")
    output = default.output
    if "output" in table:
        value = table["output"]
        if not isinstance(value, str) or not value.strip():
            problem("output", "the output folder is a non-empty string", expected='output = "output"', got=repr(value),
                    code="bad-type")
        else:
            output = (root / Path(value).expanduser()).resolve() if not Path(value).is_absolute() else Path(value)
    audiences = _names(table, "audiences", problem, allow_all=True)
    formats = _formats(_names(table, "formats", problem, allow_all=False), problem)
    if problems:
        raise SpecError(problems)
    return ProjectSettings(root=root, output=output, audiences=audiences, formats=formats, file=path)


def _names(table: dict, key: str, problem, *, allow_all: bool) -> tuple[str, ...]:
    """A list of non-empty strings at ``key`` (or ``"all"`` when ``allow_all``)."""
    if key not in table:
        return ()
    value = table[key]
    if allow_all and value == "all":
        return ("all",)
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value) or not value:
        expected = f'{key} = ["name", ...]' + (' or "all"' if allow_all else "")
        problem(key, f"{key} is a list of names", expected=expected, got=repr(value), code="bad-type")
        return ()
    return tuple(v.strip() for v in value)


def _formats(names: tuple[str, ...], problem) -> tuple[str, ...]:
    """``formats`` in lower case, each a known output format (else a problem with a
    did-you-mean: ``"docx"`` -> ``'pdf'``? only when near), each once."""
    from briefgen.model.models import OUTPUT_FORMATS

    wanted = tuple(dict.fromkeys(name.lower() for name in names))
    for name in wanted:
        if name not in OUTPUT_FORMATS:
            problem("formats", f"unknown output format {name!r}", expected="a list of " + ", ".join(OUTPUT_FORMATS),
                    got=repr(name), suggestion=did_you_mean(name, OUTPUT_FORMATS, cutoff=0.5) or "",
                    code="unknown-format")
    return wanted


def _toml_position(message: str) -> tuple[int, int]:
    """Line and column from tomllib's message ``... (at line 3, column 5)`` (0, 0 if absent)."""
    m = re.search(r"at line (\d+), column (\d+)", message)
    return (int(m[1]), int(m[2])) if m else (0, 0)


def _line_of(text: str, table: str | None, key: str) -> int:
    """The 1-based line where ``key = ...`` is written inside ``[table]`` (or the line of the
    table header ``[key]`` when ``table`` is None); 0 when not found."""
    current = None
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        header = re.match(r"^\[\s*([A-Za-z0-9_.-]+)\s*\]", stripped)
        if header:
            current = header[1]
            if table is None and current == key:
                return number
            continue
        if table is not None and current == table and re.match(rf"^{re.escape(key)}\s*=", stripped):
            return number
    return 0


def _shown(path: Path) -> str:
    from briefgen.load.yamlsrc import display_path

    return display_path(path)
