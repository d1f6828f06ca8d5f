"""Tagged PDF after layout: the structure tree and the document-level entries, written with pikepdf.

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

Everything is written in tree order with no timestamps, so the same layout gives the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from briefgen.errors import RenderError
from briefgen.layout.tagging import ROLE_MAP, Element, MarkedContent

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


def write_structure(pdf: Any, root: Element, annotations: dict[int, list[Element]], metadata: Metadata) -> None:
    """Write the structure tree of ``root`` and the document-level entries into the open pikepdf
    ``pdf`` (see the module doc). ``annotations``: page (1-based) -> the owner of each of its
    annotations in ``/Annots`` order. Raises :class:`RenderError` when a page's annotations or
    MCIDs are not the ones the layout recorded (a layout defect, never the input's)."""
    import pikepdf

    pages = [page.obj for page in pdf.pages]
    writer = _TreeWriter(pdf, pages)
    tree_root = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructTreeRoot))
    document = writer.element(root, tree_root)
    nums: list[Any] = []
    for number, page in enumerate(pages, start=1):
        owners = writer.by_mcid.get(number)
        if owners:
            if sorted(owners) != list(range(len(owners))):
                raise RenderError(f"tagging: the MCIDs of page {number} are not 0 to {len(owners) - 1}")
            page.StructParents = len(nums) // 2
            nums += [len(nums) // 2, pikepdf.Array([owners[n] for n in range(len(owners))])]
        page.Tabs = pikepdf.Name.S
    for number, links in sorted(annotations.items()):
        annots = pages[number - 1].get("/Annots")
        if annots is None or len(annots) != len(links):
            raise RenderError(f"tagging: page {number} has {0 if annots is None else len(annots)} annotations, "
                              f"the layout recorded {len(links)}")
        for annot, owner in zip(annots, links):
            annot.StructParent = len(nums) // 2
            nums += [len(nums) // 2, writer.objects[id(owner)]]
    tree_root.K = document
    tree_root.ParentTree = pdf.make_indirect(pikepdf.Dictionary(Nums=pikepdf.Array(nums)))
    tree_root.ParentTreeNextKey = len(nums) // 2
    tree_root.RoleMap = pikepdf.Dictionary({f"/{k}": pikepdf.Name(f"/{v}") for k, v in sorted(ROLE_MAP.items())})
    if writer.ids:
        tree_root.IDTree = pikepdf.Dictionary(Names=pikepdf.Array(
            [x for ident, obj in sorted(writer.ids.items()) for x in (pikepdf.String(ident), obj)]))

    catalog = pdf.Root
    catalog.StructTreeRoot = tree_root
    catalog.MarkInfo = pikepdf.Dictionary(Marked=True)
    catalog.Lang = pikepdf.String(metadata.language)
    catalog.ViewerPreferences = pikepdf.Dictionary(DisplayDocTitle=True)
    if "/Outlines" in catalog:
        catalog.PageMode = pikepdf.Name.UseOutlines
    stream = pikepdf.Stream(pdf, xmp_packet(metadata, producer=str(pdf.docinfo.get("/Producer", ""))).encode())
    stream.Type, stream.Subtype = pikepdf.Name.Metadata, pikepdf.Name.XML
    catalog.Metadata = pdf.make_indirect(stream)


class _TreeWriter:
    """Makes the StructElem dictionaries, collecting each page's MCID owners and the ids."""

    def __init__(self, pdf: Any, pages: list[Any]) -> None:
        self.pdf, self.pages = pdf, pages
        self.by_mcid: dict[int, dict[int, Any]] = {}
        self.objects: dict[int, Any] = {}
        self.ids: dict[str, Any] = {}

    def element(self, el: Element, parent: Any) -> Any:
        import pikepdf

        entries: dict[str, Any] = {"/Type": pikepdf.Name.StructElem, "/S": pikepdf.Name(f"/{el.role}"), "/P": parent}
        if el.alt:
            entries["/Alt"] = pikepdf.String(el.alt)
        if el.lang:
            entries["/Lang"] = pikepdf.String(el.lang)
        if el.ident:
            entries["/ID"] = pikepdf.String(el.ident)
        attributes = []
        if el.scope:
            attributes.append(pikepdf.Dictionary(O=pikepdf.Name.Table, Scope=pikepdf.Name(f"/{el.scope}")))
        if el.bbox is not None:
            attributes.append(pikepdf.Dictionary(O=pikepdf.Name.Layout, BBox=pikepdf.Array(
                [round(v, 2) for v in el.bbox[1:]])))
        if attributes:
            entries["/A"] = attributes[0] if len(attributes) == 1 else pikepdf.Array(attributes)
        home = next((kid.page for kid in el.kids if not isinstance(kid, Element)), None)
        first = home if home is not None else _first_page(el)
        if first is not None:  # an element holding only elements: the page it starts on
            entries["/Pg"] = self.pages[first - 1]
        obj = self.pdf.make_indirect(pikepdf.Dictionary(entries))
        self.objects[id(el)] = obj
        if el.ident:
            self.ids[el.ident] = obj
        kids = []
        for kid in el.kids:
            if isinstance(kid, Element):
                kids.append(self.element(kid, obj))
            elif isinstance(kid, MarkedContent):
                self.by_mcid.setdefault(kid.page, {})[kid.mcid] = obj
                kids.append(kid.mcid if kid.page == home else pikepdf.Dictionary(
                    Type=pikepdf.Name.MCR, Pg=self.pages[kid.page - 1], MCID=kid.mcid))
            else:
                annot = self.pages[kid.page - 1].Annots[kid.index]
                kids.append(pikepdf.Dictionary(Type=pikepdf.Name.OBJR, Pg=self.pages[kid.page - 1], Obj=annot))
        obj.K = kids[0] if len(kids) == 1 else pikepdf.Array(kids)
        return obj


def _first_page(element: Element) -> int | None:
    """The page of the first content below ``element`` (None: it has none)."""
    for kid in element.kids:
        page = _first_page(kid) if isinstance(kid, Element) else kid.page
        if page is not None:
            return page
    return None


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
