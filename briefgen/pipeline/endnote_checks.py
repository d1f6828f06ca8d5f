"""Citations need endnotes: a variant whose text cites sources but that has no ``endnotes`` section.

A citation is an endnote number linked to its endnote (``#endnote-N``). Without an endnotes
section the numbers point nowhere: the PDF cannot be laid out (ReportLab refuses a link to a
destination never made: an unlocated error, exit 1) and the HTML's links lead nowhere. A build
refuses such a variant's document before laying it out (:func:`refuse_dangling_citations`),
located at the spec's ``sections``, for the PDF and the HTML edition alike. (``validate`` does not
build documents, so it does not find this yet.)
"""

from __future__ import annotations

from briefgen.document.blocks import Endnotes
from briefgen.document.model import Document
from briefgen.errors import SpecError
from briefgen.load.project import LoadedSpec

ADVICE = "add a section {id: endnotes, title: Endnotes, kind: endnotes} (or keep it for this audience)"


def refuse_dangling_citations(document: Document, loaded: LoadedSpec) -> None:
    """Raise :class:`~briefgen.errors.SpecError` (code ``no-endnotes``, located at the spec's
    ``sections``) when ``document`` cites sources and holds no endnotes block."""
    if not document.endnote_numbers or any(isinstance(b, Endnotes) for b in document.blocks()):
        return
    who = "this briefing" if not loaded.spec.audiences else f"audience {document.audience!r}"
    raise SpecError([loaded.source.problem(
        ("sections",), f"{who} cites {len(document.endnote_numbers)} source(s), but has no endnotes section for "
                       f"its citations to point to; {ADVICE}", expected="an endnotes section", code="no-endnotes")])
