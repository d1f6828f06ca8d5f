"""Reading and checking a theme file (YAML) into a :class:`~briefgen.model.theme.Theme`.

:func:`load_theme` reads a theme file through :mod:`briefgen.load.yamlsrc` and
:func:`briefgen.load.schema.parse_model`, so every mistake is a located
:class:`~briefgen.errors.Problem` (unknown keys get a did-you-mean). It raises

* :class:`~briefgen.errors.SpecError` for bad keys or values, unknown colour names, unknown or
  looping ``parent`` styles, missing styles the layout needs, missing or non-TrueType font
  files and missing logos;
* :class:`~briefgen.errors.UnsafePathError` (a ``SpecError``) when a font or logo path leaves
  both the project root and briefgen's own assets folder (symlinks are resolved first).

Font and logo paths are relative to the theme file; ``builtin:fonts/NotoSans-Regular.ttf``
names a file in briefgen's assets folder. After :func:`load_theme` they are absolute.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from briefgen.errors import BriefgenError, Problem, SpecError, UnsafePathError, did_you_mean, format_key_path
from briefgen.load.paths import near_path
from briefgen.load.yamlsrc import Document, display_path, load
from briefgen.model.theme import QUOTE_HINT, REQUIRED_STYLES, Colors, Theme
from briefgen.regular_files import open_regular, read_regular

BUILTIN_PREFIX = "builtin:"
_UNQUOTED_RE = re.compile(r"^(\s*(?:-\s+)?)(?:([\w-]+):\s+|-\s+)#[0-9A-Fa-f]{6}\b")


# --------------------------------------------------------------------------- loading
def assets_dir() -> Path:
    """briefgen's built-in assets folder (``themes/``, ``fonts/``), symlinks resolved.

    Looks in ``briefgen/assets`` (installed wheel) and then in ``assets/`` beside the package
    (source checkout, editable install). Raises :class:`BriefgenError` if neither has the
    default theme.
    """
    import briefgen

    pkg = Path(briefgen.__file__).resolve().parent
    candidates = (pkg / "assets", pkg.parent / "assets")
    for cand in candidates:
        if (cand / "themes" / "default.yaml").is_file():
            return cand.resolve()
    raise BriefgenError("briefgen's built-in assets (themes/default.yaml) are missing; looked in "
                        + ", ".join(str(c) for c in candidates) + ". Reinstall briefgen.")


def default_theme_path() -> Path:
    """The built-in theme file."""
    return assets_dir() / "themes" / "default.yaml"


_LOADED: dict[tuple, Theme] = {}
"""Themes already loaded by this process, by (file, digest of its bytes, project root): a
batch loads one theme for every briefing."""


def load_theme(path: Path | None, project_root: Path) -> Theme:
    """Load and check a theme file (``None``: the built-in default theme).

    Returns a :class:`Theme` whose font and logo paths are absolute (the same object for
    an unchanged file: do not modify it). Raises :class:`SpecError` /
    :class:`UnsafePathError` (see the module docstring).
    """
    path = default_theme_path() if path is None else Path(path)
    try:
        digest = hashlib.sha256(read_regular(path)).hexdigest()
        key: tuple | None = (str(path.resolve()), digest, str(Path(project_root).resolve()))
    except OSError:
        key = None  # load() below reports the missing file
    if key is not None and key in _LOADED:
        return _LOADED[key]
    theme = _load_theme(path, project_root)
    if key is not None:
        _LOADED[key] = theme
    return theme


def _load_theme(path: Path, project_root: Path) -> Theme:
    from briefgen.load.schema import parse_model

    doc = load(path)
    problems = _unquoted_colours(doc)
    try:
        theme = parse_model(doc, Theme)
    except SpecError as exc:
        seen = {p.line for p in exc.problems}
        raise SpecError(sorted(exc.problems + [p for p in problems if p.line not in seen],
                               key=lambda p: (p.line, p.column))) from None
    problems += _check_colors(doc, theme) + _check_styles(doc, theme)
    roots = [Path(project_root).resolve(), assets_dir()]
    unsafe: list[Problem] = []
    fonts = theme.fonts
    resolved: dict[str, object] = {}
    for role in ("regular", "bold", "italic", "bold_italic", "mono"):
        resolved[role] = _asset(doc, ("fonts", role), getattr(fonts, role), roots, "font", problems, unsafe)
    resolved["fallbacks"] = [_asset(doc, ("fonts", "fallbacks", i), p, roots, "font", problems, unsafe)
                             for i, p in enumerate(fonts.fallbacks)]
    logo = theme.logo
    if logo is not None:
        logo = logo.model_copy(update={"path": _asset(doc, ("logo", "path"), logo.path, roots,
                                                       "logo", problems, unsafe)})
    order = lambda p: (p.line, p.column)  # noqa: E731
    if unsafe:
        raise UnsafePathError(sorted(unsafe + problems, key=order))
    if problems:
        raise SpecError(sorted(problems, key=order))
    return theme.model_copy(update={"fonts": fonts.model_copy(update=resolved), "logo": logo})


def _unquoted_colours(doc: Document) -> list[Problem]:
    """Values like ``text: #1b1f24`` are YAML comments (empty values): say so."""
    try:
        lines = read_regular(doc.path).decode("utf-8-sig").splitlines()
    except OSError:
        return []
    keys_by_line: dict[int, tuple] | None = None  # the YAML is composed for positions only when a line matches
    problems = []
    for number, line in enumerate(lines, 1):
        m = _UNQUOTED_RE.match(line)
        if m:
            if keys_by_line is None:
                keys_by_line = {at: key for key, (at, _col) in doc.key_positions.items()}
            key = keys_by_line.get(number, (m.group(2) or "(list item)",))
            problems.append(Problem(doc.name, number, len(m.group(1)) + 1, format_key_path(key),
                                    f"the colour is read as a YAML comment, so the value is empty; {QUOTE_HINT}",
                                    code="unquoted-colour", got=line.strip()))
    return problems


def _check_colors(doc: Document, theme: Theme) -> list[Problem]:
    names = list(Colors.model_fields)
    refs: list[tuple[tuple, str | None]] = []
    for sname, style in theme.styles.items():
        for f in ("color", "background", "border_color"):
            refs.append((("styles", sname, f), getattr(style, f)))
    for f in ("header_background", "header_color", "stripe", "grid"):
        refs.append((("table", f), getattr(theme.table, f)))
    for f in ("text_color", "axis_color", "grid_color"):
        refs.append((("chart", f), getattr(theme.chart, f)))
    problems = []
    for key, ref in refs:
        if ref is not None and not ref.startswith("#") and ref not in names:
            problems.append(doc.problem(key, f"unknown colour name {ref!r}",
                                        expected="'#RRGGBB' or one of " + ", ".join(names),
                                        suggestion=did_you_mean(ref, names) or "", code="unknown-colour"))
    return problems


def _check_styles(doc: Document, theme: Theme) -> list[Problem]:
    styles = theme.styles
    problems = []
    missing = [n for n in REQUIRED_STYLES if n not in styles]
    if missing:
        problems.append(doc.problem(("styles",), "missing style(s) the layout uses: "
                                    + ", ".join(repr(n) for n in missing), code="missing-style",
                                    at_key=True))
    reported: set[str] = set()
    for name, style in styles.items():
        if style.parent is not None and style.parent not in styles:
            problems.append(doc.problem(("styles", name, "parent"), f"unknown parent style {style.parent!r}",
                                        expected="a style defined in this theme",
                                        suggestion=did_you_mean(style.parent, list(styles)) or "",
                                        code="unknown-parent"))
            continue
        chain, current = [name], style.parent
        while current is not None and current in styles:
            if current in chain:
                loop = chain[chain.index(current):] + [current]
                if not reported & set(loop):
                    problems.append(doc.problem(("styles", name, "parent"),
                                                "parent chain loops: " + " -> ".join(loop),
                                                code="parent-cycle"))
                reported.update(loop)
                break
            chain.append(current)
            current = styles[current].parent
    return problems


def _asset(doc: Document, key: tuple, value: str, roots: list[Path], kind: str,
           problems: list[Problem], unsafe: list[Problem]) -> str:
    """Resolve a font/logo path; append problems; return the absolute path (or the input)."""
    if value.startswith(BUILTIN_PREFIX):
        path = (roots[-1] / value[len(BUILTIN_PREFIX):]).resolve()
    else:
        path = (doc.path.parent / value).resolve()
    if not any(path.is_relative_to(root) for root in roots):
        unsafe.append(doc.problem(key, f"{kind} path leaves the project", got=repr(value),
                                  expected=f"a file inside {display_path(roots[0])}",
                                  code="unsafe-path"))
        return value
    if not path.exists() or path.is_dir():
        near = "" if value.startswith(BUILTIN_PREFIX) else near_path(value, path, lambda p: p.is_file())
        problems.append(doc.problem(key, f"{kind} file not found: {display_path(path)}",
                                    got=repr(value), suggestion=near, code="missing-file"))
        return value
    try:
        with open(open_regular(path), "rb") as fh:  # a FIFO or device: refused, not waited on
            head = fh.read(4)
    except OSError as exc:
        problems.append(doc.problem(key, f"cannot read {kind} file {display_path(path)}: {exc.strerror}",
                                    code="unreadable-file"))
        return value
    message = _font_magic(head) if kind == "font" else _image_magic(head)
    if kind == "font" and not message:
        from briefgen.model.font_sanity import font_problem

        message = font_problem(str(path)) or ""
    if message:
        problems.append(doc.problem(key, f"{display_path(path)}: {message}", code="bad-file"))
    return str(path)


def _font_magic(head: bytes) -> str:
    if head in (b"\x00\x01\x00\x00", b"true"):
        return ""
    if head == b"OTTO":
        return ("is an OpenType font with CFF outlines; ReportLab embeds only TrueType outlines "
                "(use a .ttf such as the built-in DroidSansFallbackFull.ttf for Han)")
    if head == b"ttcf":
        return "is a font collection (.ttc); give a single TrueType font file (.ttf)"
    return "is not a TrueType font file (.ttf)"


def _image_magic(head: bytes) -> str:
    if head.startswith(b"\x89PNG") or head.startswith(b"\xff\xd8"):
        return ""
    return "is not a PNG or JPEG image"
