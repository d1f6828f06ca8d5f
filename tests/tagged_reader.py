"""Read a tagged PDF back, independently of briefgen and of the accessibility checkers.

* :func:`read_tree`: the structure tree with pikepdf: every element's structure type (as written
  and through the RoleMap), its attributes and its kids in order (elements, marked content as
  (page, MCID), annotations as OBJRs).
* :func:`page_objects`: every page-level object with pypdfium2, in content-stream (painting) order:
  its kind, MCID, marks (``Artifact``, ``P`` ...) and, for text, its text.
* :func:`content_text`: the text of each (page, MCID), from those objects.

Pages are 1-based everywhere.
"""

from __future__ import annotations

import ctypes
import io
from dataclasses import dataclass, field

import pikepdf
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c


@dataclass(frozen=True)
class Content:
    """A marked-content sequence of page ``page`` (1-based)."""

    page: int
    mcid: int


@dataclass(frozen=True)
class Objr:
    """An annotation: object number ``objgen`` on page ``page``."""

    page: int
    objgen: tuple[int, int]


@dataclass(eq=False)
class Node:
    """A structure element: ``type`` as written, ``standard`` through the RoleMap."""

    type: str
    standard: str
    obj: pikepdf.Dictionary
    parent: Node | None
    kids: list = field(default_factory=list)

    def get(self, key: str, default=None):
        value = self.obj.get(key)
        return default if value is None else value

    @property
    def alt(self) -> str:
        return str(self.get("/Alt", ""))

    @property
    def lang(self) -> str:
        return str(self.get("/Lang", ""))

    def attribute(self, owner: str, name: str):
        attrs = self.obj.get("/A")
        for a in (attrs if isinstance(attrs, pikepdf.Array) else [attrs] if attrs is not None else []):
            if str(a.get("/O")) == owner and name in a:
                return a[name]
        return None

    def elements(self) -> list[Node]:
        return [k for k in self.kids if isinstance(k, Node)]

    def walk(self):
        yield self
        for kid in self.elements():
            yield from kid.walk()

    def contents(self) -> list[Content]:
        """Every marked-content sequence of this element and below, in tree order."""
        out: list[Content] = []
        for kid in self.kids:
            if isinstance(kid, Node):
                out += kid.contents()
            elif isinstance(kid, Content):
                out.append(kid)
        return out

    def pages(self) -> set[int]:
        return {c.page for c in self.contents()}


def read_tree(pdf: pikepdf.Pdf) -> Node:
    """The structure tree of ``pdf``: its root is the StructTreeRoot's first element."""
    root = pdf.Root.StructTreeRoot
    role_map = {str(k): str(v) for k, v in root.get("/RoleMap", {}).items()}
    page_of = {page.obj.objgen: n for n, page in enumerate(pdf.pages, start=1)}

    def node(obj: pikepdf.Dictionary, parent: Node | None, page: int | None) -> Node:
        written = str(obj.S)
        here = Node(written[1:], role_map.get(written, written)[1:], obj, parent)
        if "/Pg" in obj:
            page = page_of[obj.Pg.objgen]
        kids = obj.get("/K")
        for kid in (kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []):
            if isinstance(kid, int):
                here.kids.append(Content(page, int(kid)))
            elif kid.get("/Type") == "/MCR":
                here.kids.append(Content(page_of[kid.Pg.objgen], int(kid.MCID)))
            elif kid.get("/Type") == "/OBJR":
                here.kids.append(Objr(page_of[kid.Pg.objgen], kid.Obj.objgen))
            else:
                here.kids.append(node(kid, here, page))
        return here

    kids = root.K
    return node(kids[0] if isinstance(kids, pikepdf.Array) else kids, None, None)


@dataclass(frozen=True)
class PageObject:
    """A page-level object: ``kind`` (``text``, ``path``, ``image``, ``form``...), ``mcid`` (-1:
    none), ``marks`` (innermost last), ``text`` (text objects only)."""

    kind: str
    mcid: int
    marks: tuple[str, ...]
    text: str

    @property
    def artifact(self) -> bool:
        return "Artifact" in self.marks


_KINDS = {pdfium_c.FPDF_PAGEOBJ_TEXT: "text", pdfium_c.FPDF_PAGEOBJ_PATH: "path",
          pdfium_c.FPDF_PAGEOBJ_IMAGE: "image", pdfium_c.FPDF_PAGEOBJ_SHADING: "shading",
          pdfium_c.FPDF_PAGEOBJ_FORM: "form"}


def _utf16(fill) -> str:
    size = fill(None, 0)
    buf = (ctypes.c_ushort * (size // 2 + 1))()
    fill(buf, size)
    return bytes(buf)[:size].decode("utf-16-le").rstrip("\x00")


def _marks(obj) -> tuple[str, ...]:
    names = []
    for n in range(pdfium_c.FPDFPageObj_CountMarks(obj)):
        mark = pdfium_c.FPDFPageObj_GetMark(obj, n)
        out = ctypes.c_ulong()
        pdfium_c.FPDFPageObjMark_GetName(mark, None, 0, ctypes.byref(out))
        buf = (ctypes.c_ushort * (out.value // 2 + 1))()
        pdfium_c.FPDFPageObjMark_GetName(mark, buf, out.value, ctypes.byref(out))
        names.append(bytes(buf)[:out.value].decode("utf-16-le").rstrip("\x00"))
    return tuple(names)


def page_objects(pdf_bytes: bytes) -> list[list[PageObject]]:
    """Every page's top-level objects in painting order (forms are not entered)."""
    doc = pdfium.PdfDocument(pdf_bytes)
    pages = []
    try:
        for page in doc:
            textpage = page.get_textpage()
            objects = []
            for n in range(pdfium_c.FPDFPage_CountObjects(page.raw)):
                obj = pdfium_c.FPDFPage_GetObject(page.raw, n)
                kind = _KINDS.get(pdfium_c.FPDFPageObj_GetType(obj), "other")
                text = ""
                if kind == "text":
                    text = _utf16(lambda buf, size, obj=obj, tp=textpage: pdfium_c.FPDFTextObj_GetText(obj, tp.raw,
                                                                                                      buf, size))
                objects.append(PageObject(kind, pdfium_c.FPDFPageObj_GetMarkedContentID(obj), _marks(obj), text))
            pages.append(objects)
    finally:
        doc.close()
    return pages


def content_text(objects: list[list[PageObject]]) -> dict[Content, str]:
    """(page, MCID) -> the text of that sequence's text objects, joined by spaces."""
    out: dict[Content, list[str]] = {}
    for number, page in enumerate(objects, start=1):
        for obj in page:
            if obj.kind == "text" and obj.mcid >= 0:
                out.setdefault(Content(number, obj.mcid), []).append(obj.text)
    return {k: " ".join(v) for k, v in out.items()}


def element_text(node: Node, texts: dict[Content, str]) -> str:
    """The text of ``node`` and below, in tree order, whitespace folded."""
    return " ".join(" ".join(texts.get(c, "") for c in node.contents()).split())


def open_pdf(pdf_bytes: bytes) -> pikepdf.Pdf:
    return pikepdf.open(io.BytesIO(pdf_bytes))
