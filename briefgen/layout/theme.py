"""Themes: page geometry, fonts, colours, paragraph styles, table and chart looks (YAML).

All lengths are in PDF points (1/72 inch). Colours are ``"#RRGGBB"`` hex strings or, where a
field says so, the name of one of the theme's ``colors`` (``accent``, ``muted`` ...).

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
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BeforeValidator, Field, model_validator

from briefgen.errors import (BriefgenError, Problem, SpecError, UnsafePathError, did_you_mean,
                     format_key_path)
from briefgen.model.models import Model
from briefgen.load.yamlsrc import Document, display_path, load

if TYPE_CHECKING:
    from reportlab.lib.styles import ParagraphStyle

    from briefgen.layout.fonts import FontSet

REQUIRED_STYLES = ("title", "subtitle", "cover_meta", "cover_note", "h1", "h2", "body", "bullet",
                   "judgment", "caption", "source_line", "table_header", "table_cell", "endnote",
                   "toc1", "toc2", "small")
"""Paragraph style names the layout uses; every theme must define them all."""

OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
"""Okabe & Ito's colour-blind-safe palette, the default chart palette."""

BUILTIN_PREFIX = "builtin:"
_HEX_RE = re.compile(r"^#[0-9A-Fa-f]{6}$")
_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_UNQUOTED_RE = re.compile(r"^(\s*(?:-\s+)?)(?:([\w-]+):\s+|-\s+)#[0-9A-Fa-f]{6}\b")
_QUOTE_HINT = "write colours in quotes, e.g. \"#14284b\": an unquoted '#' starts a YAML comment"


# --------------------------------------------------------------------------- field types
def _hex(value: object) -> str:
    if value is None:
        raise ValueError(f"expected a colour; {_QUOTE_HINT}")
    text = str(value)
    if not _HEX_RE.match(text):
        raise ValueError(f"colours are '#RRGGBB' hex, e.g. '#14284b'; got {text!r}")
    return text


def _color_ref(value: object) -> str:
    if value is None:
        return _hex(value)
    text = str(value)
    if _NAME_RE.match(text):
        return text  # a name from `colors`, checked by load_theme
    return _hex(text)


Hex = Annotated[str, BeforeValidator(_hex)]
ColorRef = Annotated[str, BeforeValidator(_color_ref)]
Points = Annotated[float, Field(ge=0, le=1000)]
"""A length in points, 0 or more."""
Size = Annotated[float, Field(gt=0, le=200)]
"""A font size, leading or band height in points, more than 0."""


# --------------------------------------------------------------------------- models
class Margins(Model):
    """Distances in points from the paper's edges to the text frame."""

    top: Points = Field(68, description="Top margin in points; the header band sits inside it.")
    bottom: Points = Field(62, description="Bottom margin in points; the footer band sits inside it.")
    left: Points = Field(70, description="Left margin in points.")
    right: Points = Field(70, description="Right margin in points.")


class Page(Model):
    """Paper and the header/footer bands (TLP banner and 'Page X of Y')."""

    size: Literal["A4", "letter"] = Field("A4", description="Paper size when the audience does not name one.")
    margins: Margins = Field(default_factory=Margins, description="Text frame margins in points.")
    band_offset: Points = Field(20, description="Points from the top (bottom) paper edge to the outer edge of the header (footer) band.")
    header_height: Size = Field(24, description="Height in points of the header band that carries the TLP banner.")
    footer_height: Size = Field(24, description="Height in points of the footer band (TLP banner and 'Page X of Y').")
    banner_font_size: float = Field(12, ge=12, le=24, description="TLP label size in points; TLP 2.0 requires 12 pt or more, text on black, right-justified.")

    @model_validator(mode="after")
    def _bands_fit(self) -> "Page":
        for band, height, margin in (("header", self.header_height, self.margins.top),
                                     ("footer", self.footer_height, self.margins.bottom)):
            if self.band_offset + height > margin:
                raise ValueError(f"the {band} band (band_offset {self.band_offset:g} + {band}_height "
                                 f"{height:g} pt) does not fit in the {margin:g} pt margin")
        if self.banner_font_size + 2 > min(self.header_height, self.footer_height):
            raise ValueError(f"header/footer bands must be at least banner_font_size + 2 = "
                             f"{self.banner_font_size + 2:g} pt high")
        return self


class Fonts(Model):
    """TrueType (.ttf, glyf outlines) font files, relative to the theme file or 'builtin:fonts/...'."""

    regular: str = Field("builtin:fonts/NotoSans-Regular.ttf", description="Body text face.")
    bold: str = Field("builtin:fonts/NotoSans-Bold.ttf", description="Bold face (<b>).")
    italic: str = Field("builtin:fonts/NotoSans-Italic.ttf", description="Italic face (<i>).")
    bold_italic: str = Field("builtin:fonts/NotoSans-BoldItalic.ttf", description="Bold italic face (<b><i>).")
    mono: str = Field("builtin:fonts/NotoSansMono-Regular.ttf", description="Monospaced face (URLs, ids, code).")
    fallbacks: list[str] = Field(
        default_factory=lambda: ["builtin:fonts/NotoSansMath-Regular.ttf",
                                 "builtin:fonts/NotoSansSymbols2-Regular.ttf",
                                 "builtin:fonts/DroidSansFallbackFull.ttf"],
        description="Fonts tried in order for characters the body faces lack (symbols, Han).")


class Colors(Model):
    """Named colours ('#RRGGBB'); styles, tables and charts refer to them by name."""

    text: Hex = Field("#1b1f24", description="Body text.")
    accent: Hex = Field("#14284b", description="Headings, title, rules under headings.")
    muted: Hex = Field("#5b6573", description="Secondary text: meta lines, captions, source lines.")
    rule: Hex = Field("#c5ccd6", description="Hairlines and table grid.")
    tint: Hex = Field("#eaf0f8", description="Light background of call-outs (key judgments, cover note).")
    link: Hex = Field("#1d4f91", description="Hyperlinks.")
    table_header_bg: Hex = Field("#14284b", description="Table header row background.")
    table_header_fg: Hex = Field("#ffffff", description="Table header row text.")
    table_stripe: Hex = Field("#eef1f6", description="Background of every second table body row.")


FontRole = Literal["regular", "bold", "italic", "bold_italic", "mono"]


class Style(Model):
    """A paragraph style; every field left out is inherited from ``parent``."""

    parent: str | None = Field(None, description="Style this one inherits from.")
    font: FontRole | None = Field(None, description="Face: regular, bold, italic, bold_italic or mono.")
    size: Size | None = Field(None, description="Font size in points (root default: base_size).")
    leading: Size | None = Field(None, description="Baseline-to-baseline distance in points (default: size x line_height if size is set here, else inherited).")
    space_before: Points | None = Field(None, description="Space above in points.")
    space_after: Points | None = Field(None, description="Space below in points.")
    color: ColorRef | None = Field(None, description="Text colour: '#RRGGBB' or a name from colors.")
    alignment: Literal["left", "center", "right", "justify"] | None = Field(None, description="Line alignment.")
    left_indent: Points | None = Field(None, description="Left indent in points.")
    right_indent: Points | None = Field(None, description="Right indent in points.")
    first_line_indent: float | None = Field(None, ge=-200, le=200, description="Extra indent of the first line in points (negative: hanging).")
    bullet_indent: Points | None = Field(None, description="Bullet position in points from the frame's left edge.")
    keep_with_next: bool | None = Field(None, description="Keep on the same page as the next paragraph (headings).")
    background: ColorRef | None = Field(None, description="Background colour of the paragraph box.")
    border_color: ColorRef | None = Field(None, description="Colour of a border around the paragraph box.")
    border_width: Points | None = Field(None, description="Border width in points (0: none).")
    border_padding: Points | None = Field(None, description="Padding in points between text and the box's edge.")


class Table(Model):
    """Look of data tables."""

    header_background: ColorRef = Field("table_header_bg", description="Header row background.")
    header_color: ColorRef = Field("table_header_fg", description="Header row text colour.")
    stripe: ColorRef | None = Field("table_stripe", description="Background of alternate body rows; null for none.")
    grid: ColorRef = Field("rule", description="Grid line colour.")
    grid_width: Points = Field(0.5, description="Grid line width in points.")
    padding_x: Points = Field(4, description="Cell padding left and right, in points.")
    padding_y: Points = Field(2.5, description="Cell padding top and bottom, in points.")


class Chart(Model):
    """Look of matplotlib charts."""

    palette: list[Hex] = Field(default_factory=lambda: list(OKABE_ITO), min_length=3,
                               description="Series colours in order; keep it colour-blind safe (Okabe-Ito by default).")
    font_size: Size = Field(8, description="Tick and label size in points.")
    title_size: Size = Field(9, description="Chart title size in points.")
    text_color: ColorRef = Field("text", description="Labels and titles.")
    axis_color: ColorRef = Field("muted", description="Axes and ticks.")
    grid_color: ColorRef = Field("rule", description="Grid lines.")


class Logo(Model):
    """An image printed on the cover."""

    path: str = Field(description="PNG or JPEG file, relative to the theme file.")
    width: Size = Field(description="Printed width in points (height keeps the aspect ratio).")


class Theme(Model):
    """A complete theme (``assets/themes/default.yaml`` is the built-in one)."""

    name: str = Field("", description="Theme name, for messages.")
    page: Page = Field(default_factory=Page, description="Paper, margins and header/footer bands.")
    fonts: Fonts = Field(default_factory=Fonts, description="Font files (default: the built-in Noto fonts).")
    base_size: Size = Field(9.5, description="Size in points of styles that set none (body text).")
    line_height: float = Field(1.4, ge=1, le=3, description="Leading as a multiple of size, for styles that set size but not leading.")
    colors: Colors = Field(default_factory=Colors, description="Named colours.")
    styles: dict[str, Style] = Field(description="Paragraph styles by name; see REQUIRED_STYLES.")
    table: Table = Field(default_factory=Table, description="Data table look.")
    chart: Chart = Field(default_factory=Chart, description="Chart look.")
    logo: Logo | None = Field(None, description="Cover logo (optional).")


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
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
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
        lines = doc.path.read_text(encoding="utf-8-sig").splitlines()
    except OSError:
        return []
    keys_by_line = {line: key for key, (line, _col) in doc.key_positions.items()}
    problems = []
    for number, line in enumerate(lines, 1):
        m = _UNQUOTED_RE.match(line)
        if m:
            key = keys_by_line.get(number, (m.group(2) or "(list item)",))
            problems.append(Problem(doc.name, number, len(m.group(1)) + 1, format_key_path(key),
                                    f"the colour is read as a YAML comment, so the value is empty; {_QUOTE_HINT}",
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
    if not path.is_file():
        problems.append(doc.problem(key, f"{kind} file not found: {display_path(path)}",
                                    got=repr(value), code="missing-file"))
        return value
    try:
        with path.open("rb") as fh:
            head = fh.read(4)
    except OSError as exc:
        problems.append(doc.problem(key, f"cannot read {kind} file {display_path(path)}: {exc.strerror}",
                                    code="unreadable-file"))
        return value
    message = _font_magic(head) if kind == "font" else _image_magic(head)
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


# --------------------------------------------------------------------------- ReportLab views
def color(theme: Theme, ref: str) -> str:
    """The ``#RRGGBB`` of a colour reference (hex or a name from ``theme.colors``)."""
    return ref if ref.startswith("#") else getattr(theme.colors, ref)


_ALIGN = {"left": 0, "center": 1, "right": 2, "justify": 4}  # reportlab.lib.enums TA_*


def resolved_style(theme: Theme, name: str) -> dict:
    """Every attribute of style ``name`` after inheritance (sizes in points, colours hex).

    Raises KeyError for an unknown style; assumes a theme checked by :func:`load_theme`.
    """
    chain = []
    current: str | None = name
    while current is not None:
        chain.append(theme.styles[current])
        current = theme.styles[current].parent
    out: dict = {"font": "regular", "size": theme.base_size,
                 "leading": round(theme.base_size * theme.line_height, 2),
                 "space_before": 0.0, "space_after": 0.0, "color": "text", "alignment": "left",
                 "left_indent": 0.0, "right_indent": 0.0, "first_line_indent": 0.0,
                 "bullet_indent": 0.0, "keep_with_next": False, "background": None,
                 "border_color": None, "border_width": 0.0, "border_padding": 0.0}
    for style in reversed(chain):  # root first
        for field, value in style.model_dump(exclude={"parent"}).items():
            if value is not None:
                out[field] = value
        if style.size is not None and style.leading is None:
            out["leading"] = round(style.size * theme.line_height, 2)
    for field in ("color", "background", "border_color"):
        if out[field] is not None:
            out[field] = color(theme, out[field])
    return out


_STYLES: dict[tuple[int, int], tuple] = {}  # (id(theme), id(fontset)) -> (theme, fontset, styles)


def paragraph_styles(theme: Theme, fontset: "FontSet") -> "dict[str, ParagraphStyle]":
    """ReportLab ``ParagraphStyle`` objects for every style of ``theme``, by name.

    ``fontset`` is the :class:`briefgen.layout.fonts.FontSet` of the theme (its font names are used).
    The same theme and font set objects (both are loaded once per process) give the same
    style objects: the layout keeps parsed paragraphs per style (see ``briefgen.layout.pdf``).
    Do not modify them.
    """
    known = _STYLES.get((id(theme), id(fontset)))
    if known is not None and known[0] is theme and known[1] is fontset:
        return known[2]
    styles = _paragraph_styles(theme, fontset)
    _STYLES[(id(theme), id(fontset))] = (theme, fontset, styles)
    return styles


def _paragraph_styles(theme: Theme, fontset: "FontSet") -> "dict[str, ParagraphStyle]":
    from reportlab.lib.colors import HexColor
    from reportlab.lib.styles import ParagraphStyle

    faces = {"regular": fontset.regular, "bold": fontset.bold, "italic": fontset.italic,
             "bold_italic": fontset.bold_italic, "mono": fontset.mono}
    result = {}
    for name in theme.styles:
        s = resolved_style(theme, name)
        result[name] = ParagraphStyle(
            name, fontName=faces[s["font"]], fontSize=s["size"], leading=s["leading"],
            spaceBefore=s["space_before"], spaceAfter=s["space_after"],
            textColor=HexColor(s["color"]), alignment=_ALIGN[s["alignment"]],
            leftIndent=s["left_indent"], rightIndent=s["right_indent"],
            firstLineIndent=s["first_line_indent"], bulletIndent=s["bullet_indent"],
            bulletFontName=faces["regular"], bulletFontSize=s["size"],
            keepWithNext=int(s["keep_with_next"]),
            backColor=HexColor(s["background"]) if s["background"] else None,
            borderColor=HexColor(s["border_color"]) if s["border_color"] else None,
            borderWidth=s["border_width"], borderPadding=s["border_padding"],
            allowWidows=0, allowOrphans=0)
    return result


def table_style(theme: Theme) -> dict:
    """Table look as ReportLab values: ``header_bg``, ``header_fg``, ``stripe`` (Color or None),
    ``grid`` (Color), ``grid_width``, ``padding_x``, ``padding_y`` (points)."""
    from reportlab.lib.colors import HexColor

    t = theme.table
    return {"header_bg": HexColor(color(theme, t.header_background)),
            "header_fg": HexColor(color(theme, t.header_color)),
            "stripe": HexColor(color(theme, t.stripe)) if t.stripe else None,
            "grid": HexColor(color(theme, t.grid)), "grid_width": t.grid_width,
            "padding_x": t.padding_x, "padding_y": t.padding_y}


def table_style_commands(theme: Theme, header_rows: int = 1) -> list[tuple]:
    """``TableStyle`` commands for a table whose first ``header_rows`` rows are headers."""
    s = table_style(theme)
    cmds: list[tuple] = [
        ("GRID", (0, 0), (-1, -1), s["grid_width"], s["grid"]),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), s["padding_x"]),
        ("RIGHTPADDING", (0, 0), (-1, -1), s["padding_x"]),
        ("TOPPADDING", (0, 0), (-1, -1), s["padding_y"]),
        ("BOTTOMPADDING", (0, 0), (-1, -1), s["padding_y"]),
    ]
    if header_rows:
        cmds += [("BACKGROUND", (0, 0), (-1, header_rows - 1), s["header_bg"]),
                 ("TEXTCOLOR", (0, 0), (-1, header_rows - 1), s["header_fg"])]
    if s["stripe"] is not None:
        cmds.append(("ROWBACKGROUNDS", (0, header_rows), (-1, -1), [None, s["stripe"]]))
    return cmds


def chart_palette(theme: Theme) -> tuple[str, ...]:
    """Series colours as ``#RRGGBB`` strings, in order."""
    return tuple(theme.chart.palette)


def page_size(theme: Theme, paper: str | None = None) -> tuple[float, float]:
    """(width, height) in points of ``paper`` ('A4' or 'letter', any case; None: the theme's).

    Raises ValueError for another paper name.
    """
    from reportlab.lib.pagesizes import A4, LETTER

    key = (paper or theme.page.size).lower()
    sizes = {"a4": A4, "letter": LETTER}
    if key not in sizes:
        raise ValueError(f"unknown paper size {paper!r}; expected 'A4' or 'letter'")
    width, height = sizes[key]
    return float(width), float(height)
