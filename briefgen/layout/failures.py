"""Layout failures as located errors: which item of the document could not be laid out.

ReportLab reports a flowable that fits no frame (``LayoutError``) with the flowable's
``repr``, and any other failure inside a flowable as whatever Python raised. The layout
turns both into one :class:`~briefgen.errors.RenderError` naming the item in the author's
terms (``section 'intro', paragraph 2``: the ``where`` its text was set with, see
:class:`briefgen.layout.fonts.Places`), its size and the frame's, so that no layout
problem surfaces as a traceback or a batch's "internal error".

The flowable being laid out is found in the exception's traceback: the frame of ReportLab's
``BaseDocTemplate.handle_flowable`` holds it as ``f`` (ReportLab 4 and 5). That may be a group
kept together around the one that failed; an image that fails while it is drawn (a file
damaged after ``validate`` decoded it) is found deeper, as the ``self`` of a frame, and named
as its figure (:func:`image_failure`), with ReportLab's ``fileName=``/``identity=`` annotations
left out of Pillow's message.
"""

from __future__ import annotations

import re
from typing import Any

from reportlab.platypus import Paragraph
from reportlab.platypus.doctemplate import LayoutError

from briefgen.errors import RenderError

__all__ = ["image_failure", "layout_failure"]

_RL_NOISE = re.compile(r"fileName=(?:'[^']*'|\S+)|identity=\[[^\]]*\]|\s*<_io\.\w+ object at 0x[0-9a-fA-F]+>")
"""What ReportLab's ImageReader adds to Pillow's message: the file's path, an object id, a stream."""


def image_failure(where: str, shown: str, exc: BaseException) -> RenderError:
    """The located error for image file ``shown`` (as the spec writes it) of figure ``where``
    that could not be read or drawn."""
    said = " ".join(_RL_NOISE.sub(" ", str(exc)).split()) or type(exc).__name__
    return RenderError(f"{where}: cannot read image {shown!r}: {said}; a PNG or JPEG image that decodes in full "
                       f"is expected (briefgen validate checks it)")


def layout_failure(exc: BaseException, frame_size: tuple[float, float], places: Any) -> RenderError:
    """The located error for ``exc`` raised while laying out the story; ``frame_size`` is
    the body frame (points), ``places`` the font set's record of where each paragraph's
    markup came from."""
    image = _image_of(exc)
    if image is not None:
        return image_failure(*image, exc)
    flowable = _flowable_of(exc)
    where = _where(flowable, places) if flowable is not None else None
    what = f"{_short(where)}: " if where else ""
    frame_w, frame_h = frame_size
    if isinstance(exc, LayoutError):
        size = _size(flowable, frame_w, frame_h)
        return RenderError(f"{what}content does not fit on a page: {_describe(flowable)}{size}is larger than the "
                           f"frame ({frame_w:.0f} x {frame_h:.0f} pt) and cannot be split. Frame is "
                           f"{frame_w:.0f} x {frame_h:.0f} pt; shorten or split that item.")
    said = " ".join(line.strip() for line in str(exc).splitlines()  # without ReportLab's "raised by class ..."
                    if line.strip() and not line.strip().startswith("raised by"))
    return RenderError(f"{what}could not be laid out: {_describe(flowable)}({type(exc).__name__}: "
                       f"{_short(said, 300)}). Frame is {frame_w:.0f} x {frame_h:.0f} pt.")


def _short(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _flowable_of(exc: BaseException) -> Any:
    """The flowable ReportLab was handling when ``exc`` was raised (None if unknown)."""
    tb = exc.__traceback__
    found = None
    while tb is not None:
        frame = tb.tb_frame
        if frame.f_code.co_name == "handle_flowable" and "f" in frame.f_locals:
            found = frame.f_locals["f"]
        tb = tb.tb_next
    return found


def _image_of(exc: BaseException) -> tuple[str, str] | None:
    """``(figure's where, image as written)`` of the innermost image being drawn when ``exc``
    was raised (see :meth:`briefgen.layout.blocks.BlockFlowables._image`), else None."""
    tb, found = exc.__traceback__, None
    while tb is not None:
        try:
            image = getattr(tb.tb_frame.f_locals.get("self"), "_briefgen_image", None)
        except Exception:  # noqa: BLE001 - an object whose attribute lookup fails is no image of ours
            image = None
        if image is not None:
            found = image
        tb = tb.tb_next
    return found


def _where(flowable: Any, places: Any, depth: int = 0) -> str | None:
    """The ``where`` of the first paragraph in ``flowable`` (a paragraph, a table's cells,
    a container's content)."""
    if depth > 6 or flowable is None:
        return None
    if isinstance(flowable, (list, tuple)):  # a table row, or a cell's flowables
        return next((w for w in (_where(c, places, depth + 1) for c in flowable) if w), None)
    if isinstance(flowable, Paragraph):
        return places.get(getattr(flowable, "text", "")) if places is not None else None
    for name in ("_cellvalues", "_content", "_flowables", "content"):
        found = _where(getattr(flowable, name, None), places, depth + 1)
        if found:
            return found
    return None


def _describe(flowable: Any) -> str:
    if flowable is None:
        return ""
    kind = {"Heading": "the heading", "Table": "the table", "CachedParagraph": "the paragraph",
            "KeepTogether": "the block kept together", "KeepWithNext": "the block kept together",
            }.get(type(flowable).__name__, f"a {type(flowable).__name__}")
    return f"{kind} "


def _size(flowable: Any, frame_w: float, frame_h: float) -> str:
    try:
        width, height = flowable.wrap(frame_w, frame_h)
    except Exception:  # noqa: BLE001 - a size is a courtesy in the message
        return ""
    return f"({width:.0f} x {height:.0f} pt) "
