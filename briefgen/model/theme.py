"""The theme's data: page geometry, fonts, colours, paragraph styles, table and chart looks.

Pure pydantic models of a theme file (``assets/themes/default.yaml`` is the built-in one),
with no ReportLab: :func:`briefgen.load.theme.load_theme` reads and checks a file into a
:class:`Theme`, and :mod:`briefgen.layout.styles` turns one into ReportLab objects.

All lengths are in PDF points (1/72 inch). Colours are ``"#RRGGBB"`` hex strings or, where a
field says so, the name of one of the theme's ``colors`` (``accent``, ``muted`` ...).
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, model_validator

from briefgen.model.models import Model

REQUIRED_STYLES = ("title", "subtitle", "cover_meta", "cover_note", "h1", "h2", "body", "bullet",
                   "judgment", "caption", "source_line", "table_header", "table_cell", "endnote",
                   "toc1", "toc2", "small")
"""Paragraph style names the layout uses; every theme must define them all."""

OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
"""Okabe & Ito's colour-blind-safe palette, the default chart palette."""

QUOTE_HINT = "write colours in quotes, e.g. \"#14284b\": an unquoted '#' starts a YAML comment"
"""Said wherever a colour came out empty: an unquoted ``#`` starts a YAML comment."""

_HEX_RE = re.compile(r"^#[0-9A-Fa-f]{6}$")
_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")


# --------------------------------------------------------------------------- field types
def _hex(value: object) -> str:
    if value is None:
        raise ValueError(f"expected a colour; {QUOTE_HINT}")
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
    band_offset: Points = Field(20,
                                description="Points from the top (bottom) paper edge to the outer edge of the header "
                                            "(footer) band.")
    header_height: Size = Field(24, description="Height in points of the header band that carries the TLP banner.")
    footer_height: Size = Field(24, description="Height in points of the footer band (TLP banner and 'Page X of Y').")
    banner_font_size: float = Field(12, ge=12, le=24,
                                    description="TLP label size in points; TLP 2.0 requires 12 pt or more, text on "
                                                "black, right-justified.")

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
                                 "builtin:fonts/NotoSansArabic-Regular.ttf",
                                 "builtin:fonts/NotoSansArabic-Bold.ttf",
                                 "builtin:fonts/NotoSansHebrew-Regular.ttf",
                                 "builtin:fonts/NotoSansHebrew-Bold.ttf",
                                 "builtin:fonts/DroidSansFallbackFull.ttf"],
        description="Fonts tried in order for characters the body faces lack (symbols, Arabic, Hebrew, Han); "
                    "an 'X-Bold' file after 'X-Regular' is its bold face.")


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
    leading: Size | None = Field(None,
                                 description="Baseline-to-baseline distance in points (default: size x line_height if "
                                             "size is set here, else inherited).")
    space_before: Points | None = Field(None, description="Space above in points.")
    space_after: Points | None = Field(None, description="Space below in points.")
    color: ColorRef | None = Field(None, description="Text colour: '#RRGGBB' or a name from colors.")
    alignment: Literal["left", "center", "right", "justify"] | None = Field(None, description="Line alignment.")
    left_indent: Points | None = Field(None, description="Left indent in points.")
    right_indent: Points | None = Field(None, description="Right indent in points.")
    first_line_indent: float | None = Field(None, ge=-200, le=200,
                                            description="Extra indent of the first line in points (negative: hanging).")
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
    line_height: float = Field(1.4, ge=1, le=3,
                               description="Leading as a multiple of size, for styles that set size but not leading.")
    colors: Colors = Field(default_factory=Colors, description="Named colours.")
    styles: dict[str, Style] = Field(description="Paragraph styles by name; see REQUIRED_STYLES.")
    table: Table = Field(default_factory=Table, description="Data table look.")
    chart: Chart = Field(default_factory=Chart, description="Chart look.")
    logo: Logo | None = Field(None, description="Cover logo (optional).")


# --------------------------------------------------------------------------- reading a theme
def color(theme: Theme, ref: str) -> str:
    """The ``#RRGGBB`` of a colour reference (hex or a name from ``theme.colors``)."""
    return ref if ref.startswith("#") else getattr(theme.colors, ref)


def chart_palette(theme: Theme) -> tuple[str, ...]:
    """Series colours as ``#RRGGBB`` strings, in order."""
    return tuple(theme.chart.palette)


def resolved_style(theme: Theme, name: str) -> dict:
    """Every attribute of style ``name`` after inheritance (sizes in points, colours hex).

    Raises KeyError for an unknown style; assumes a theme checked by
    :func:`briefgen.load.theme.load_theme`. The layout's paragraph styles
    (:mod:`briefgen.layout.styles`) and the page room of a chart
    (:mod:`briefgen.model.page_frame`) both read styles through it.
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
