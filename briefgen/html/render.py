"""Document -> one self-contained HTML5 file: :func:`render_html`.

The page is the Jinja2 template ``templates/edition.html.j2`` (our own template, so a
plain ``jinja2.Environment`` with ``autoescape=True`` and ``StrictUndefined``: a name the
template misuses fails loudly), filled in from the :class:`~briefgen.document.model.Document`
alone: the same cover, contents, sections and blocks in the same order, with the numbers
the document gave them (KJn, Figure n, Table n, endnote n). It follows:

* the HTML Living Standard (https://html.spec.whatwg.org/): ``<!DOCTYPE html>``, ``lang`` on
  ``<html>`` (the briefing's BCP 47 tag), ``<meta charset>``, a viewport meta for phones,
  landmarks (``header``, ``nav``, ``main``, ``footer``), ``<figure>``/``<figcaption>``,
  ``<table>`` with ``<caption>`` and ``<th scope>``;
* WCAG 2.2 A/AA (checked with axe-core in a browser by the tests): headings in order,
  names for every image (SVG ``<title>``/``<desc>``, ``<img alt>``), link text, colour
  contrast of the theme's colours, language of parts, a skip link, reflow at 320 CSS px
  (SC 1.4.10: wide tables scroll inside a focusable region, not the page);
* TLP 2.0 (FIRST, https://www.first.org/tlp/): the document's label at the top and the
  bottom, right-justified, in its colour (:attr:`briefgen.model.tlp.TLP.colour`) on black,
  12 pt or larger; on paper also in every page's top and bottom margin (``@page`` margin
  boxes, where the browser has them).

Every block element carries ``data-marking`` (its TLP 2.0 marking: the hook for portion
marks, issue 13, not shown yet) and, when it uses claims, ``data-claims``. No resource is
loaded from elsewhere: the stylesheet is inline, charts are inline SVG, images ``data:``
URLs, fonts the reader's own. The bytes depend on the document (and theme) only.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from briefgen.document import model as dm
from briefgen.document.direction import base_level, has_rtl
from briefgen.document.portions import PortionMark
from briefgen.errors import RenderError
from briefgen.html.runs import runs_html, text_html
from briefgen.model.tlp import TLP, most_restrictive
from briefgen.regular_files import read_regular

if TYPE_CHECKING:  # pragma: no cover
    from briefgen.model.theme import Theme

TEMPLATE = "edition.html.j2"

DEFAULT_COLOURS = {"text": "#1b1f24", "accent": "#14284b", "muted": "#5b6573", "rule": "#c5ccd6",
                   "tint": "#eaf0f8", "link": "#1d4f91", "table_header_bg": "#14284b",
                   "table_header_fg": "#ffffff", "table_stripe": "#eef1f6"}
"""The default theme's colours (:class:`briefgen.model.theme.Colors`), used without a theme."""

_IMAGE_TYPES = ((b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"))


@dataclass(frozen=True)
class ContentsNode:
    """A contents entry and the entries nested under it (a deeper ``level``)."""

    entry: dm.ContentsEntry
    children: list[ContentsNode] = field(default_factory=list)


def contents_tree(entries: tuple[dm.ContentsEntry, ...]) -> list[ContentsNode]:
    """The flat contents entries as nested lists: each entry under the last shallower one."""
    roots: list[ContentsNode] = []
    stack: list[ContentsNode] = []
    for entry in entries:
        node = ContentsNode(entry)
        while stack and stack[-1].entry.level >= entry.level:
            stack.pop()
        (stack[-1].children if stack else roots).append(node)
        stack.append(node)
    return roots


def image_data_url(figure: dm.Figure) -> str:
    """The image file of ``figure`` as a ``data:`` URL (PNG or JPEG, as the spec allows).
    Raises :class:`RenderError` naming the file when it cannot be read or is neither."""
    shown = figure.image_written or figure.image_path
    try:
        data = read_regular(figure.image_path)
    except OSError as exc:
        raise RenderError(f"{figure.where}: cannot read image {shown!r}: {exc.strerror or exc}") from None
    for magic, mime in _IMAGE_TYPES:
        if data.startswith(magic):
            return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
    raise RenderError(f"{figure.where}: image {shown!r} is neither a PNG nor a JPEG file")


@lru_cache(maxsize=1)
def environment():
    """The Jinja2 environment of the edition's template (loaded from this package)."""
    import jinja2

    env = jinja2.Environment(loader=jinja2.PackageLoader("briefgen.html", "templates"), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                             keep_trailing_newline=True)
    env.filters["kind"] = lambda block: type(block).__name__
    env.filters["words"] = lambda ids: " ".join(ids)

    return env


_RTL_ITEM = Markup(' dir="rtl" style="margin-right: 1.5rem"')


def rtl_attrs(value: "dm.Runs | str", *, item: bool = False) -> Markup:
    """`` dir="rtl"`` for a heading or list item whose text runs right to left
    (UAX #9 P2-P3, as the PDF decides; a portion mark does not count): it is right-aligned and a
    list item's bullet is on the right (``item``: with room for it there); else nothing."""
    if isinstance(value, str):
        written = value
    else:
        written = "".join(r.text for r in value if isinstance(r, dm.Text) and not isinstance(r, PortionMark))
    if not (has_rtl(written) and base_level(written)):
        return Markup("")
    return _RTL_ITEM if item else Markup(' dir="rtl"')


def left_out_note(document: dm.Document) -> tuple[str, str] | None:
    """``(text, marking)`` of the note that tells a reader of the HTML edition which sections
    its audience's page budget left out (the HTML leaves out what the PDF's ``max_pages`` had
    no room for, and a web page has no pages to explain that), or None when none was left out
    that the edition may name (:meth:`~briefgen.document.model.Document.left_out_to_fit`).
    Its marking is the most restrictive of the sections it names, never below the floor."""
    left = document.left_out_to_fit()
    if not left:
        return None
    pages = f"{document.max_pages} page{'' if document.max_pages == 1 else 's'}"
    titles = "; ".join(title for _, title, _ in left)
    marking = most_restrictive([TLP.parse(document.floor), *(TLP.parse(level) for _, _, level in left)])
    return f"To fit its PDF's limit of {pages}, this edition leaves out: {titles}.", marking.label


def render_html(document: dm.Document, *, charts: Mapping[str, bytes | str] | None = None,
                theme: "Theme | None" = None) -> bytes:
    """The HTML edition of ``document`` (UTF-8 bytes).

    ``charts``: each chart figure's SVG by figure id (``figure-<chart id>``), as
    :func:`briefgen.html.svg.render_svg` makes it; ``theme``: the variant's theme, whose
    colours the page uses (the default theme's without). Raises :class:`RenderError` for a
    chart figure without its SVG or an image that cannot be read.
    """
    from briefgen.html.svg import inline_svg

    charts = charts or {}
    pictures: dict[str, Markup] = {}
    for fig in document.figures():
        if fig.chart is not None:
            if fig.id not in charts:
                raise RenderError(f"{fig.where}: no SVG was drawn for chart {fig.chart.id!r}")
            pictures[fig.id] = inline_svg(charts[fig.id], prefix=fig.anchor, title=fig.title, desc=fig.alt)
        else:
            pictures[fig.id] = Markup('<img src="{}" alt="{}" width="{}">').format(
                image_data_url(fig), fig.alt, round(fig.width * 96))
    colours = dict(DEFAULT_COLOURS)
    if theme is not None:
        colours.update(theme.colors.model_dump())
    language = document.language

    def runs(value: dm.Runs, superscript: bool = True) -> Markup:
        return runs_html(value, language, superscript_citations=superscript)

    def text(value: str) -> Markup:
        return text_html(value, language)

    tlp = TLP.parse(document.marking)
    context: dict[str, Any] = {
        "doc": document, "pictures": pictures, "colours": colours, "tlp": tlp,
        "contents": contents_tree(document.contents.entries) if document.contents is not None else [],
        "runs": runs, "text": text, "rtl": rtl_attrs,
        "left_out": left_out_note(document),
        "marks_changes": any(type(b).__name__ == "ChangeSummary" for b in document.blocks()),  # built --since
    }
    return environment().get_template(TEMPLATE).render(context).encode("utf-8")
