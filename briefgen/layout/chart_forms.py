"""Chart PDFs as Form XObjects, ready to be copied into a briefing's PDF (pikepdf).

A chart is stamped into every variant of a batch that shows it, so each thread keeps the
charts it opened (up to :data:`KEPT`, least recently used dropped first): a chart's PDF is
opened and turned into a form once per process, not once per variant.

The form is made from the chart page's content stream *as stored* (Flate-compressed by
matplotlib): qpdf's own ``as_form_xobject`` decodes the content, so that every saved variant
compressed the charts again (~50 KB of drawing in the example, ~2 ms per variant). The form
carries what qpdf's would: ``/BBox`` the page's trim box (else crop box, else media box),
its ``/Resources`` and ``/Group`` (ISO 32000-1 8.10). A page it cannot take as stored (several
content streams, other filters, a rotation or user unit) goes to ``as_form_xobject``.

Forms are read from their own open PDF by ``Pdf.copy_foreign``, which needs that PDF open until
the destination is saved: :func:`chart_form` returns the source with the form, and the caller
holds it (and gives it to :func:`release`) until then.
"""

from __future__ import annotations

import hashlib
import io
import threading
from collections import OrderedDict
from typing import Any

from briefgen.errors import RenderError

KEPT = 32
"""Charts each thread keeps open (a chart's PDF is tens of kilobytes)."""

_local = threading.local()


def chart_form(key: str, data: bytes) -> tuple[Any, Any]:
    """``(source, form)``: page 1 of the chart PDF ``data`` as an indirect Form XObject of
    the open pikepdf ``source``. Raises RenderError (naming chart ``key``) for bytes that are
    not a PDF or a PDF without pages."""
    kept = _kept()
    digest = hashlib.blake2b(data, digest_size=20).digest()
    found = kept.get(digest)
    if found is not None:
        kept.move_to_end(digest)
        return found
    made = _open_form(key, data)
    kept[digest] = made
    while len(kept) > KEPT:
        kept.popitem(last=False)  # not closed: a document being stamped may still copy from it
    return made


def release(sources: list[Any]) -> None:
    """Close the ``sources`` (from :func:`chart_form`) this thread no longer keeps, once the
    document their forms were copied into is saved."""
    kept = {id(source) for source, _form in _kept().values()}
    for source in sources:
        if id(source) not in kept:
            source.close()


def _kept() -> OrderedDict[bytes, tuple[Any, Any]]:
    kept = getattr(_local, "forms", None)
    if kept is None:
        kept = _local.forms = OrderedDict()
    return kept


def _open_form(key: str, data: bytes) -> tuple[Any, Any]:
    import pikepdf

    try:
        source = pikepdf.open(io.BytesIO(data))
    except pikepdf.PdfError as exc:
        raise RenderError(f"chart {key!r}: unreadable chart PDF: {exc}") from None
    if len(source.pages) < 1:
        source.close()
        raise RenderError(f"chart {key!r}: chart PDF has no pages")
    page = source.pages[0]
    return source, _stored_form(source, page) or page.as_form_xobject()


def _stored_form(source: Any, page: Any) -> Any:
    """The page as a form over its content stream as stored, or None when qpdf's conversion
    must do it (module docstring)."""
    import pikepdf

    contents = page.obj.get("/Contents")
    if (not isinstance(contents, pikepdf.Stream) or contents.get("/Filter") != pikepdf.Name.FlateDecode
            or "/DecodeParms" in contents or int(page.obj.get("/Rotate", 0)) % 360 or "/UserUnit" in page.obj):
        return None
    form = pikepdf.Stream(source, b"")
    form.write(contents.read_raw_bytes(), filter=pikepdf.Name.FlateDecode)
    form.Type = pikepdf.Name.XObject
    form.Subtype = pikepdf.Name.Form
    form.BBox = page.trimbox
    if "/Resources" in page.obj:
        form.Resources = page.obj.Resources
    if "/Group" in page.obj:
        form.Group = page.obj.Group
    return source.make_indirect(form)
