"""Vector chart placement: reserve space in the ReportLab layout, stamp chart PDFs after.

ReportLab cannot import PDF pages, so the layout puts a :class:`ChartSlot` where a chart
goes. When the slot is drawn it records a :class:`Placement` (page and rectangle, in
**points**, absolute page coordinates, origin bottom-left) in a :class:`PlacementLog`.
After the build, :func:`stamp` overlays page 1 of each chart's PDF as a Form XObject
into its rectangle with pikepdf, keeping the charts as vectors with their own fonts.
Tagged, a slot is a Figure (:class:`~briefgen.layout.tagged.TaggedFigure`) whose MCID is
reserved when it is drawn; the stamped chart is that marked-content sequence (ISO 14289-1 7.3).

Multiple layout passes (``multiBuild``): every pass draws every slot again on a *new*
canvas. :class:`PlacementLog` notices the new canvas object and discards what the earlier
pass recorded, so after the build it holds exactly the placements of the final pass (the
one written to the file). No callback is needed; :meth:`PlacementLog.reset` exists for
layouts that draw on one canvas several times (then call it before each pass).
"""

from __future__ import annotations

import io
import itertools
import threading
import weakref
from dataclasses import dataclass
from typing import Any

from reportlab.platypus import Flowable

from briefgen.compat.reportlab import frame_inner_height
from briefgen.errors import RenderError
from briefgen.layout.chart_forms import chart_form, release
from briefgen.layout.tagged import TaggedFigure

__all__ = ["ChartSlot", "Placement", "PlacementLog", "release", "stamp", "stamp_into"]


@dataclass(frozen=True)
class Placement:
    """Where chart ``key`` was laid out: ``page`` 1-based; ``x``, ``y`` (bottom-left),
    ``width``, ``height`` in points in the page's default user space; ``mcid`` the marked-content
    id the chart is drawn as (its Figure element's), None when the layout is not tagged."""

    key: str
    page: int
    x: float
    y: float
    width: float
    height: float
    mcid: int | None = None


class PlacementLog:
    """Collects :class:`Placement` records of the final layout pass. Thread-safe.

    A pass is identified by the ReportLab canvas the slots are drawn on: the first record
    made on a different canvas object than the previous record's starts a new pass and
    drops the old records (the old canvas is only weakly referenced).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._canvas_ref: weakref.ReferenceType | None = None
        self._items: list[Placement] = []
        self.passes = 0

    def reset(self) -> None:
        """Forget every placement (start of a pass on a reused canvas)."""
        with self._lock:
            self._items = []
            self._canvas_ref = None

    def record(self, canv, placement: Placement) -> None:
        """Record ``placement`` drawn on ``canv`` (called by :meth:`ChartSlot.draw`)."""
        with self._lock:
            current = self._canvas_ref() if self._canvas_ref is not None else None
            if current is not canv:
                self._items = []
                self.passes += 1
                try:
                    self._canvas_ref = weakref.ref(canv)
                except TypeError:  # pragma: no cover - canvases are weak-referenceable
                    self._canvas_ref = None
            self._items.append(placement)

    @property
    def placements(self) -> list[Placement]:
        """The final pass's placements in drawing order (page order)."""
        with self._lock:
            return list(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self):
        return iter(self.placements)


_SERIAL = itertools.count(1)


class ChartSlot(TaggedFigure, Flowable):
    """An empty box of ``width_pt`` x ``height_pt`` **points** reserved for chart ``key``.

    If the frame is narrower than the slot, or shorter than it even when empty, the slot
    scales down keeping its aspect ratio (it never raises LayoutError); otherwise it moves
    to the next frame like any flowable. ``alt`` is the chart's alternative text (for
    reference: the Figure element's ``/Alt`` is declared by the story). Drawing records a
    Placement in ``registry`` (with the Figure's MCID when tagged) and paints nothing.
    """

    briefgen_paints = False  # the chart, stamped in later, is the Figure's content

    def __init__(self, key: str, width_pt: float, height_pt: float, registry: PlacementLog,
                 alt: str = "", h_align: str = "CENTER") -> None:
        super().__init__()
        if width_pt <= 0 or height_pt <= 0:
            raise RenderError(f"chart {key!r}: slot size must be positive, got "
                              f"{width_pt:g} x {height_pt:g} pt")
        self.key = key
        self.width_pt = float(width_pt)
        self.height_pt = float(height_pt)
        self.registry = registry
        self.alt = alt
        self.hAlign = h_align
        self.serial = next(_SERIAL)
        self.scale = 1.0
        self.width, self.height = self.width_pt, self.height_pt

    def __repr__(self) -> str:
        return f"ChartSlot({self.key!r}, {self.width_pt:g} x {self.height_pt:g} pt)"

    def _scale_for(self, avail_width: float) -> float:
        scale = 1.0
        if avail_width > 0 and self.width_pt > avail_width:
            scale = avail_width / self.width_pt
        # the frame's full height, not what is left of it: a slot that fits an empty frame
        # moves to the next one instead of shrinking into the gap
        frame_h = frame_inner_height(self)
        if frame_h and self.height_pt * scale > frame_h:
            scale = frame_h / self.height_pt
        return max(scale, 1e-3)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self.scale = self._scale_for(availWidth)
        self.width = self.width_pt * self.scale
        self.height = self.height_pt * self.scale
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list:  # noqa: N803
        return []  # never split; the frame moves the slot to the next frame

    def draw(self) -> None:
        canv = self.canv
        x, y = canv.absolutePosition(0, 0)
        page = canv.getPageNumber()
        self.registry.record(canv, Placement(self.key, page, float(x), float(y),
                                             self.width, self.height, self._briefgen_mcid))


def stamp(pdf_bytes: bytes, placements: list[Placement], chart_pdfs: dict[str, bytes]) -> bytes:
    """Overlay page 1 of ``chart_pdfs[p.key]`` into each placement's rectangle and return
    the new PDF bytes, saved deterministically (same input -> same bytes). See
    :func:`stamp_into`, which raises RenderError as documented there (and for unreadable
    ``pdf_bytes``)."""
    import pikepdf

    try:
        pdf = pikepdf.open(io.BytesIO(pdf_bytes))
    except pikepdf.PdfError as exc:
        raise RenderError(f"cannot read the laid-out PDF: {exc}") from None
    with pdf:
        sources = stamp_into(pdf, placements, chart_pdfs)
        try:
            return save(pdf)
        finally:
            release(sources)


def save(pdf: Any) -> bytes:
    """The bytes of the open pikepdf ``pdf``, saved deterministically (same input -> same
    bytes): a document id made from the content, streams compressed, object streams."""
    import pikepdf

    out = io.BytesIO()
    pdf.save(out, deterministic_id=True, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate,
             fix_metadata_version=False)
    return out.getvalue()


def stamp_into(pdf: Any, placements: list[Placement], chart_pdfs: dict[str, bytes]) -> list[Any]:
    """Overlay page 1 of ``chart_pdfs[p.key]`` into each placement's rectangle of the open
    pikepdf ``pdf``, in a marked-content sequence with the placement's MCID when it has one.
    Returns the chart PDFs the forms are copied from, to be held until ``pdf`` is saved and
    then given to :func:`release` (:mod:`briefgen.layout.chart_forms`).

    A chart used several times is copied into the document once and referenced from each
    page. The chart is fitted into the rectangle keeping its aspect ratio (centred).
    Raises RenderError for a placement whose chart is missing or unreadable, or whose
    page does not exist.
    """
    import pikepdf

    forms: dict[str, tuple[pikepdf.Object, pikepdf.Name]] = {}
    sources: list[pikepdf.Pdf] = []
    by_page: dict[int, list[Placement]] = {}
    try:
        for p in placements:
            if not 1 <= p.page <= len(pdf.pages):
                raise RenderError(f"chart {p.key!r} placed on page {p.page}, but the "
                                  f"document has {len(pdf.pages)} pages")
            if p.key not in forms:
                data = chart_pdfs.get(p.key)
                if data is None:
                    raise RenderError(f"no chart PDF for placement {p.key!r}")
                source, form = chart_form(p.key, data)
                sources.append(source)
                # deterministic resource name (pikepdf's add_overlay picks a random one)
                forms[p.key] = (pdf.copy_foreign(form), pikepdf.Name(f"/BriefgenChart{len(forms) + 1}"))
            by_page.setdefault(p.page, []).append(p)
        for number in sorted(by_page):
            page = pdf.pages[number - 1]
            page.contents_add(b"q\n", prepend=True)
            page.contents_add(b"Q\n", prepend=False)
            for p in by_page[number]:
                form, name = forms[p.key]
                page.add_resource(form, pikepdf.Name.XObject, name)
                rect = pikepdf.Rectangle(p.x, p.y, p.x + p.width, p.y + p.height)
                cs = page.calc_form_xobject_placement(form, name, rect, allow_shrink=True, allow_expand=True)
                drawing = b"q\n" + bytes(cs) + b"\nQ\n"
                if p.mcid is not None:
                    drawing = b"/Figure <</MCID %d>> BDC\n" % p.mcid + drawing + b"EMC\n"
                page.contents_add(drawing, prepend=False)
            page.contents_coalesce()
    except BaseException:
        release(sources)
        raise
    return sources
