"""Tagged PDF after layout: the document-level entries, written with pikepdf, and the structure tree.

The layout (:mod:`briefgen.layout.tagging`) leaves marked content with MCIDs on the pages and a tree
of :class:`~briefgen.layout.tagging.Element` objects recording which element owns each sequence
and each link annotation. :func:`write_structure` turns that into what ISO 32000-1 (14.7, 14.8) and
PDF/UA-1 (ISO 14289-1) ask of the file:

* the structure tree: ``/StructTreeRoot`` with a Document element, every element with its parent,
  kids (MCIDs, MCRs for content on another page, OBJRs for annotations, ISO 32000-1 14.7.4),
  ``/Pg``, ``/Alt``, ``/Lang``, ``/ID`` and attributes (Table ``/Scope``, Layout ``/BBox``);
  the ``/ParentTree`` (each page's ``/StructParents`` and each annotation's ``/StructParent``,
  14.7.4.4), the ``/IDTree`` of the notes' ids (Matterhorn 19) and the ``/RoleMap`` of briefgen's own
  structure types (Matterhorn 02);
* the catalog: ``/MarkInfo <</Marked true>>`` (ISO 14289-1 7.1; Matterhorn 01), ``/Lang`` (7.2;
  Matterhorn 11), ``/ViewerPreferences <</DisplayDocTitle true>>`` (7.1; Matterhorn 07), the
  outline shown on open, and XMP metadata with ``dc:title`` and ``pdfuaid:part`` 1 (5, 7.1;
  Matterhorn 06);
* every page ``/Tabs /S`` (7.18.3; Matterhorn 28), and every link annotation its ``/StructParent``.

The structure elements themselves are not made as pikepdf objects (a long briefing has tens of
thousands): :mod:`briefgen.layout.structwriter` appends them to the saved file as an incremental
update. Everything is written in tree order with no timestamps, so the same layout gives the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from briefgen.compat.xmlescape import escape
from briefgen.errors import RenderError
from briefgen.layout.structwriter import StructurePlan, plan_structure
from briefgen.layout.tagging import Element

__all__ = ["Metadata", "write_structure", "xmp_packet"]


@dataclass(frozen=True)
class Metadata:
    """What the XMP metadata says: ``title`` (dc:title), ``author`` (dc:creator), ``subject``
    (dc:description), ``keywords`` (pdf:Keywords), ``language`` (dc:language, BCP 47)."""

    title: str
    author: str
    subject: str
    keywords: tuple[str, ...]
    language: str


def write_structure(pdf: Any, root: Element, annotations: dict[int, list[Element]],
                    metadata: Metadata) -> StructurePlan:
    """Write the document-level entries into the open pikepdf ``pdf`` (see the module doc) and a
    bare ``/StructTreeRoot``; return the numbered structure tree of ``root`` for
    :func:`briefgen.layout.structwriter.append_structure` to append once ``pdf`` is saved.
    ``annotations``: page (1-based) -> the owner of each of its annotations in ``/Annots`` order.
    Raises :class:`RenderError` when a page's annotations or MCIDs are not the ones the layout
    recorded (a layout defect, never the input's)."""
    import pikepdf

    pages = [page.obj for page in pdf.pages]
    plan = plan_structure(root, annotations, len(pages))
    for number, page in enumerate(pages, start=1):
        if number in plan.page_keys:
            page.StructParents = plan.page_keys[number]
        page.Tabs = pikepdf.Name.S
    keys = iter(plan.annotation_keys)
    for number, links in sorted(annotations.items()):
        annots = pages[number - 1].get("/Annots")
        if annots is None or len(annots) != len(links):
            raise RenderError(f"tagging: page {number} has {0 if annots is None else len(annots)} annotations, "
                              f"the layout recorded {len(links)}")
        for annot, (key, _owner) in zip(annots, keys):
            annot.StructParent = key

    catalog = pdf.Root
    # redefined with its kids, parent tree and ids by the incremental update (structwriter)
    catalog.StructTreeRoot = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructTreeRoot))
    catalog.MarkInfo = pikepdf.Dictionary(Marked=True)
    catalog.Lang = pikepdf.String(metadata.language)
    catalog.ViewerPreferences = pikepdf.Dictionary(DisplayDocTitle=True)
    if "/Outlines" in catalog:
        catalog.PageMode = pikepdf.Name.UseOutlines
    stream = pikepdf.Stream(pdf, xmp_packet(metadata, producer=str(pdf.docinfo.get("/Producer", ""))).encode())
    stream.Type, stream.Subtype = pikepdf.Name.Metadata, pikepdf.Name.XML
    catalog.Metadata = pdf.make_indirect(stream)
    return plan


def xmp_packet(metadata: Metadata, *, producer: str = "") -> str:
    """The XMP metadata packet (ISO 16684-1) of a PDF/UA-1 document: dc:title, dc:creator,
    dc:description, dc:language, pdf:Keywords and pdf:Producer (as the Info dictionary has them),
    xmp:CreatorTool and the PDF/UA identification ``pdfuaid:part`` 1 (ISO 14289-1, 5)."""

    def alt(text: str) -> str:
        return f'<rdf:Alt><rdf:li xml:lang="x-default">{escape(text)}</rdf:li></rdf:Alt>'

    fields = ["<dc:format>application/pdf</dc:format>", f"<dc:title>{alt(metadata.title)}</dc:title>"]
    if metadata.author:
        fields.append(f"<dc:creator><rdf:Seq><rdf:li>{escape(metadata.author)}</rdf:li></rdf:Seq></dc:creator>")
    if metadata.subject:
        fields.append(f"<dc:description>{alt(metadata.subject)}</dc:description>")
    if metadata.language:
        fields.append(f"<dc:language><rdf:Bag><rdf:li>{escape(metadata.language)}</rdf:li></rdf:Bag></dc:language>")
    if metadata.keywords:
        fields.append(f"<pdf:Keywords>{escape(', '.join(metadata.keywords))}</pdf:Keywords>")
    if producer:
        fields.append(f"<pdf:Producer>{escape(producer)}</pdf:Producer>")
    fields += ["<xmp:CreatorTool>briefgen</xmp:CreatorTool>", "<pdfuaid:part>1</pdfuaid:part>"]
    body = "\n   ".join(fields)
    return ('<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
            '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
            ' <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
            '  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"'
            ' xmlns:pdf="http://ns.adobe.com/pdf/1.3/" xmlns:xmp="http://ns.adobe.com/xap/1.0/"'
            ' xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">\n'
            f"   {body}\n"
            "  </rdf:Description>\n"
            " </rdf:RDF>\n"
            "</x:xmpmeta>\n"
            '<?xpacket end="w"?>')
