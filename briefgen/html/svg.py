"""A chart as inline SVG for the HTML edition.

:func:`render_svg` draws the chart exactly as for the PDF (:func:`briefgen.charts.render.draw`,
the same style, fonts and size in inches) and saves it with matplotlib's SVG backend;
:func:`inline_svg` makes that file an element of the HTML page.

Text is drawn as **paths** (``svg.fonttype = 'path'``), not as ``<text>``: the chart kinds
fit their labels (wrapping, network label placement, collision checks) with the theme's
fonts' metrics, and a browser without those fonts would substitute others and let labels
overflow or collide; the page may load no fonts from elsewhere and embedding the fonts would
cost more than the paths. What a reader can neither select nor search in the picture is
given in words instead: the SVG's ``<title>`` (the chart's title) and ``<desc>`` (its alt
text, the same text alternative the PDF's figure carries), with ``role="img"`` and
``aria-labelledby`` naming both (WCAG 2.2 SC 1.1.1 Non-text Content; the SVG pattern of
WAI-ARIA's ``img`` role). The chart's caption and source line are HTML text under it.

Deterministic bytes: ``svg.hashsalt`` is fixed (matplotlib otherwise salts clip-path ids
with a random value), no date or creator is written, and ids are renamed by
:func:`inline_svg` from the figure's own id. Costs: a chart's SVG is 3-5 times its
text-as-text size (about 40-120 KB for the example's charts).
"""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING, Any

from markupsafe import Markup, escape

from briefgen.errors import BriefgenError, RenderError

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.typing import RcKeyType

    from briefgen.charts.style import ChartStyle
    from briefgen.model.resolved import ResolvedChart

SVG_RC: "dict[RcKeyType, Any]" = {"svg.fonttype": "path", "svg.hashsalt": "briefgen", "svg.image_inline": True}
"""rcParams of every chart SVG (see the module docstring)."""

SVG_METADATA = {"Date": None, "Creator": None, "Format": None, "Type": None}
"""No ``<metadata>`` block: nothing that changes from one run to the next."""

_PROLOGUE = re.compile(r"\A\s*(?:<\?xml[^>]*\?>\s*)?(?:<!DOCTYPE[^>]*>\s*)?", re.S)
_COMMENT = re.compile(r"<!--.*?-->\s*", re.S)
_STYLE = re.compile(r"\s*<defs>\s*<style[^>]*>.*?</style>\s*</defs>", re.S)
_ID = re.compile(r'\sid="([^"]*)"')
_REF = re.compile(r'(href="#|url\(#)([^")]+)')
_ROOT = re.compile(r"<svg\b([^>]*)>")


def render_svg(chart: "ResolvedChart", style: "ChartStyle | None" = None) -> bytes:
    """The chart as a standalone SVG document (UTF-8 bytes), byte-for-byte reproducible:
    drawn as :func:`briefgen.charts.render.draw` draws it for the PDF, text as paths.
    Raises :class:`~briefgen.errors.RenderError` or
    :class:`~briefgen.errors.FontCoverageError`, as drawing does."""
    import matplotlib
    from matplotlib.backends.backend_svg import FigureCanvasSVG

    from briefgen.charts.render import RENDER_LOCK, draw
    from briefgen.charts.style import ChartStyle, rc_params

    style = style or ChartStyle()
    buf = io.StringIO()
    with RENDER_LOCK:
        fig = draw(chart, style)
        try:
            rc = rc_params(style)
            rc.update(SVG_RC)
            with matplotlib.rc_context(rc):
                FigureCanvasSVG(fig).print_figure(buf, format="svg", metadata=SVG_METADATA)
        except BriefgenError:
            raise
        except Exception as exc:  # matplotlib failures become user-facing errors
            raise RenderError(f"chart {chart.id!r} ({chart.kind}): saving SVG failed: {exc}") from exc
        finally:
            fig.clear()
    return buf.getvalue().encode("utf-8")


def looks_like_svg(data: bytes) -> bool:
    """Cheap integrity check of a stored chart SVG: an ``<svg`` element, closed at the end."""
    return b"<svg" in data[:512] and data.rstrip().endswith(b"</svg>")


def inline_svg(svg: bytes | str, *, prefix: str, title: str, desc: str) -> Markup:
    """``svg`` (from :func:`render_svg`) as an element to put inside an HTML page.

    Drops the XML prologue, namespace declarations (the HTML parser knows SVG; links are
    SVG 2 ``href``), comments and the file's global ``<style>`` (its rule lives in
    the page's stylesheet, scoped to ``svg.chart``); keeps only the ids something refers to,
    each renamed ``<prefix>-<id>`` so that several charts on one page never share an id;
    adds ``class="chart"``, ``role="img"``, ``aria-labelledby`` and, as the first children,
    ``<title id="<prefix>-title">`` and ``<desc id="<prefix>-desc">`` (escaped). ``prefix``
    is the figure's HTML id.
    """
    text = svg.decode("utf-8") if isinstance(svg, bytes) else svg
    text = _COMMENT.sub("", _PROLOGUE.sub("", text, count=1))
    text = _STYLE.sub("", text, count=1)
    referenced = {m.group(2) for m in _REF.finditer(text)}
    text = _ID.sub(lambda m: f' id="{prefix}-{m.group(1)}"' if m.group(1) in referenced else "", text)
    text = _REF.sub(lambda m: f"{m.group(1)}{prefix}-{m.group(2)}", text)
    root = _ROOT.search(text)
    if root is None:
        raise RenderError(f"{prefix}: the chart's SVG has no <svg> element")
    # the HTML parser puts <svg> in the SVG namespace itself; SVG 2 reads plain ``href``
    attrs = re.sub(r'\s(?:xmlns(?::xlink)?|version)="[^"]*"', "", root.group(1))
    text = text.replace("xlink:href=", "href=").replace(" \n", " ")  # path data on one line
    head = (f'<svg{attrs} class="chart" role="img" aria-labelledby="{prefix}-title {prefix}-desc">'
            f'<title id="{prefix}-title">{escape(title)}</title><desc id="{prefix}-desc">{escape(desc)}</desc>')
    return Markup(head + text[root.end():].strip())
