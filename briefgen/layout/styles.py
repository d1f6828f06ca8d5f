"""ReportLab views of a theme: paragraph styles, table style commands, page size.

Turns a checked :class:`~briefgen.model.theme.Theme` (see :func:`briefgen.load.theme.load_theme`)
into the objects the PDF layout draws with. Lengths are in points; colours are ReportLab
``Color`` objects made from the theme's ``#RRGGBB`` values. ReportLab is imported only when
a function needs it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from briefgen.model.theme import Theme, color, resolved_style

if TYPE_CHECKING:
    from reportlab.lib.styles import ParagraphStyle

    from briefgen.layout.fonts import FontSet


_ALIGN = {"left": 0, "center": 1, "right": 2, "justify": 4}  # reportlab.lib.enums TA_*
__all__ = ["page_size", "paragraph_styles", "resolved_style", "table_style", "table_style_commands"]


_STYLES: dict[tuple[int, int], tuple] = {}  # (id(theme), id(fontset)) -> (theme, fontset, styles)


def paragraph_styles(theme: Theme, fontset: "FontSet") -> "dict[str, ParagraphStyle]":
    """ReportLab ``ParagraphStyle`` objects for every style of ``theme``, by name.

    ``fontset`` is the :class:`briefgen.layout.fonts.FontSet` of the theme (its font names are used).
    The same theme and font set objects (both are loaded once per process) give the same
    style objects: the layout keeps parsed paragraphs per style (see ``briefgen.layout.flowables``).
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

    from briefgen.layout.linebreak import URI_WASTE_REDUCE, install

    install()  # long URLs break after / ? & = -, never inside a number
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
            allowWidows=0, allowOrphans=0, uriWasteReduce=URI_WASTE_REDUCE)
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
