"""The structure elements of a tagged PDF, written as PDF object text in an incremental update.

A long briefing has tens of thousands of structure elements (10,000 claims: ~80,000). Made as
pikepdf objects, each is a qpdf object of ~1-2 KB held until the file is saved (~180 MiB for that
briefing, and seconds of saving). Here they never become qpdf objects: :func:`plan_structure`
numbers the elements and the parent-tree keys before the pikepdf pass (which writes the pages'
``/StructParents``, the annotations' ``/StructParent``, the catalog and a bare ``/StructTreeRoot``,
:mod:`briefgen.layout.structure`), and :func:`append_structure` appends to the saved file an
incremental update (ISO 32000-1 7.5.6) with

* every StructElem (``/S``, ``/P``, ``/K``, ``/Pg``, ``/Alt``, ``/Lang``, ``/ID``, ``/A``) and the
  ``/ParentTree`` (14.7.4.4), numbered after the saved file's objects, in compressed object
  streams (7.5.7);
* the ``/StructTreeRoot`` redefined at its number, now with ``/K``, ``/ParentTree``, ``/IDTree``
  (Matterhorn 19) and ``/RoleMap`` (Matterhorn 02);
* a cross-reference stream (7.5.8) with ``/Prev`` pointing to the saved file's.

Everything is written in tree order from the layout alone, so the same layout gives the same bytes.
"""

from __future__ import annotations

import functools
import io
import itertools
import re
import zlib
from dataclasses import dataclass, field

from briefgen.errors import RenderError
from briefgen.layout.tagging import ROLE_MAP, AnnotationRef, Element, MarkedContent

__all__ = ["References", "StructurePlan", "append_structure", "plan_structure", "read_references"]

_PER_STREAM = 100
"""Objects per object stream (qpdf's own choice)."""


@dataclass
class StructurePlan:
    """The structure tree numbered for writing: ``elements`` in tree order (object ``i`` of the
    update), ``parents`` (index of each element's parent; -1: the tree root), ``index`` (``id()`` of an element ->
    its index), ``page_keys`` (page,
    1-based -> its ``/StructParents`` key), ``by_mcid`` (page -> owner index of MCID 0, 1, ...),
    ``annotation_keys`` (parent-tree key, owner index) of every link annotation in key order."""

    elements: list[Element]
    parents: list[int]
    index: dict[int, int]
    page_keys: dict[int, int] = field(default_factory=dict)
    by_mcid: dict[int, list[int]] = field(default_factory=dict)
    annotation_keys: list[tuple[int, int]] = field(default_factory=list)

    @property
    def next_key(self) -> int:
        """The tree's ``/ParentTreeNextKey``."""
        return len(self.page_keys) + len(self.annotation_keys)


def plan_structure(root: Element, annotations: dict[int, list[Element]], page_count: int) -> StructurePlan:
    """Number the elements below ``root`` and the parent-tree keys: pages with marked content
    first (in page order), then the annotations (``annotations``: page -> owners in ``/Annots``
    order). Raises :class:`RenderError` when a page's MCIDs are not 0 to n-1 (a layout defect)."""
    elements = list(root.walk())
    index = {id(el): i for i, el in enumerate(elements)}
    parents = [-1] * len(elements)
    owners: dict[int, dict[int, int]] = {}
    for i, el in enumerate(elements):
        for kid in el.kids:
            if isinstance(kid, Element):
                parents[index[id(kid)]] = i
            elif isinstance(kid, MarkedContent):
                owners.setdefault(kid.page, {})[kid.mcid] = i
    plan = StructurePlan(elements, parents, index)
    for number in range(1, page_count + 1):
        mcids = owners.get(number)
        if mcids:
            if sorted(mcids) != list(range(len(mcids))):
                raise RenderError(f"tagging: the MCIDs of page {number} are not 0 to {len(mcids) - 1}")
            plan.page_keys[number] = len(plan.page_keys)
            plan.by_mcid[number] = [mcids[n] for n in range(len(mcids))]
    for _number, links in sorted(annotations.items()):
        for owner in links:
            plan.annotation_keys.append((len(plan.page_keys) + len(plan.annotation_keys), index[id(owner)]))
    return plan


def read_references(data: bytes) -> References:
    """What the update refers to in ``data``, a PDF saved by pikepdf with a bare
    ``/StructTreeRoot`` in its catalog. Raises :class:`RenderError` when the file has no
    structure tree root or a link annotation is not an indirect object (a layout defect)."""
    return References.read(data)


def append_structure(data: bytes, plan: StructurePlan, refs: References) -> bytes:
    """``data`` (a PDF saved by pikepdf, ``refs`` read from it by :func:`read_references`) with
    the incremental update holding the structure tree of ``plan`` (see the module doc). Raises
    :class:`RenderError` when an annotation of the layout is not in the file (a layout defect)."""
    first = refs.size
    parent_tree = first + len(plan.elements)
    objects = itertools.chain(  # made a stream at a time: the text of 100 objects is held at once
        [(refs.tree_root, _tree_root(plan, first, parent_tree))],
        ((first + i, _element(plan, i, refs, first)) for i in range(len(plan.elements))),
        [(parent_tree, _parent_tree(plan, first))])
    out = io.BytesIO()
    out.write(data if data.endswith(b"\n") else data + b"\n")
    # xref rows in object number order: the objects come in that order, then the streams
    compressed = bytearray()  # type 2 rows: object stream number, index in it
    streams: list[int] = []  # offset of each object stream
    while chunk := list(itertools.islice(objects, _PER_STREAM)):
        number = parent_tree + 1 + len(streams)
        streams.append(out.tell())
        for position in range(len(chunk)):
            compressed += b"\x02" + number.to_bytes(4, "big") + position.to_bytes(2, "big")
        out.write(_object_stream(number, chunk))
    xref_number = parent_tree + 1 + len(streams)
    xref_offset = out.tell()
    size = xref_number + 1
    rows = bytes(compressed) + b"".join(b"\x01" + offset.to_bytes(4, "big") + b"\0\0"
                                        for offset in [*streams, xref_offset])
    body = zlib.compress(rows)
    trailer = f"/Root {refs.catalog} 0 R" + (f"/Info {refs.info} 0 R" if refs.info else "") + refs.ident
    out.write(f"{xref_number} 0 obj\n<</Type/XRef/Size {size}/W[1 4 2]/Index[{refs.tree_root} 1 {first} "
              f"{size - first}]/Prev {refs.startxref}{trailer}/Filter/FlateDecode/Length {len(body)}>>\nstream\n"
              .encode())
    out.write(body + b"\nendstream\nendobj\n" + f"startxref\n{xref_offset}\n%%EOF\n".encode())
    return out.getvalue()


@dataclass
class References:
    """What the update refers to in the saved file: its ``/Size``, the offset of its last
    cross-reference section, the catalog, Info and tree root numbers, the ``/ID`` entry, the
    number of each page and of each page's annotations."""

    size: int
    startxref: int
    catalog: int
    info: int
    ident: str
    tree_root: int
    pages: list[int]
    annots: list[list[int]]

    @classmethod
    def read(cls, data: bytes) -> References:
        import pikepdf

        tail = re.search(rb"startxref\s+(\d+)\s+%%EOF\s*$", data[-1024:])
        if tail is None:
            raise RenderError("tagging: the saved PDF has no startxref")
        with pikepdf.open(io.BytesIO(data)) as pdf:
            trailer = pdf.trailer
            root = pdf.Root.get("/StructTreeRoot")
            if root is None or not root.is_indirect:
                raise RenderError("tagging: the saved PDF has no structure tree root")
            annots = []
            for page in pdf.pages:
                numbers = [annot.objgen[0] for annot in page.obj.get("/Annots", [])]
                if 0 in numbers:
                    raise RenderError("tagging: a link annotation is not an indirect object")
                annots.append(numbers)
            ident = ""
            if "/ID" in trailer:
                ident = "/ID[" + "".join(f"<{bytes(s).hex()}>" for s in trailer.ID) + "]"
            info = trailer.get("/Info")
            return cls(size=int(trailer.Size), startxref=int(tail.group(1)), catalog=pdf.Root.objgen[0],
                       info=info.objgen[0] if info is not None else 0, ident=ident, tree_root=root.objgen[0],
                       pages=[page.obj.objgen[0] for page in pdf.pages], annots=annots)


def _tree_root(plan: StructurePlan, first: int, parent_tree: int) -> bytes:
    role_map = "".join(f"{_name(k)}{_name(v)}" for k, v in sorted(ROLE_MAP.items()))
    text = (f"<</Type/StructTreeRoot/K {first} 0 R/ParentTree {parent_tree} 0 R/ParentTreeNextKey {plan.next_key}"
            f"/RoleMap<<{role_map}>>")
    ids = sorted((el.ident, first + i) for i, el in enumerate(plan.elements) if el.ident)
    if ids:
        text += "/IDTree<</Names[" + " ".join(f"{_string(ident)} {number} 0 R" for ident, number in ids) + "]>>"
    return (text + ">>").encode()


def _element(plan: StructurePlan, i: int, refs: References, first: int) -> bytes:
    el = plan.elements[i]
    parent = refs.tree_root if plan.parents[i] < 0 else first + plan.parents[i]
    parts = [f"<</Type/StructElem/S{_name(el.role)}/P {parent} 0 R"]
    if el.alt:
        parts.append(f"/Alt{_string(el.alt)}")
    if el.lang:
        parts.append(f"/Lang{_string(el.lang)}")
    if el.ident:
        parts.append(f"/ID{_string(el.ident)}")
    attributes = []
    if el.scope:
        attributes.append(f"<</O/Table/Scope{_name(el.scope)}>>")
    if el.bbox is not None:
        attributes.append("<</O/Layout/BBox[" + " ".join(_number(v) for v in el.bbox[1:]) + "]>>")
    if attributes:
        parts.append("/A" + (attributes[0] if len(attributes) == 1 else "[" + " ".join(attributes) + "]"))
    home = next((kid.page for kid in el.kids if not isinstance(kid, Element)), None)
    first_page = home if home is not None else _first_page(el)
    if first_page is not None:  # an element holding only elements: the page it starts on
        parts.append(f"/Pg {refs.pages[first_page - 1]} 0 R")
    kids = []
    for kid in el.kids:
        if isinstance(kid, Element):
            kids.append(f"{first + plan.index[id(kid)]} 0 R")
        elif isinstance(kid, MarkedContent):
            kids.append(str(kid.mcid) if kid.page == home
                        else f"<</Type/MCR/Pg {refs.pages[kid.page - 1]} 0 R/MCID {kid.mcid}>>")
        else:
            kids.append(f"<</Type/OBJR/Pg {refs.pages[kid.page - 1]} 0 R/Obj {_annotation(refs, kid)} 0 R>>")
    parts.append("/K " + (kids[0] if len(kids) == 1 else "[" + " ".join(kids) + "]") + ">>")
    return "".join(parts).encode()


def _annotation(refs: References, kid: AnnotationRef) -> int:
    annots = refs.annots[kid.page - 1]
    if not 0 <= kid.index < len(annots):
        raise RenderError(f"tagging: page {kid.page} has no annotation {kid.index + 1}")
    return annots[kid.index]


def _parent_tree(plan: StructurePlan, first: int) -> bytes:
    nums = [f"{key} [" + " ".join(f"{first + owner} 0 R" for owner in plan.by_mcid[page]) + "]"
            for page, key in plan.page_keys.items()]
    nums += [f"{key} {first + owner} 0 R" for key, owner in plan.annotation_keys]
    return ("<</Nums[" + " ".join(nums) + "]>>").encode()


def _object_stream(number: int, chunk: list[tuple[int, bytes]]) -> bytes:
    """An object stream (ISO 32000-1 7.5.7) ``number`` holding ``chunk`` (number, object text)."""
    offsets, position = [], 0
    for obj, text in chunk:
        offsets.append(f"{obj} {position}")
        position += len(text) + 1
    header = " ".join(offsets).encode() + b"\n"
    body = zlib.compress(header + b"\n".join(text for _obj, text in chunk) + b"\n")
    return (f"{number} 0 obj\n<</Type/ObjStm/N {len(chunk)}/First {len(header)}/Filter/FlateDecode"
            f"/Length {len(body)}>>\nstream\n").encode() + body + b"\nendstream\nendobj\n"


def _first_page(element: Element) -> int | None:
    """The page of the first content below ``element`` (None: it has none)."""
    for kid in element.kids:
        page = _first_page(kid) if isinstance(kid, Element) else kid.page
        if page is not None:
            return page
    return None


_REGULAR = re.compile(r"[!-~]")
_DELIMITERS = set("()<>[]{}/%#")


@functools.lru_cache(maxsize=256)  # structure types and scopes: a few names, written for every element
def _name(text: str) -> str:
    """``text`` as a PDF name object (ISO 32000-1 7.3.5: other than regular characters as #xx)."""
    return "/" + "".join(c if _REGULAR.fullmatch(c) and c not in _DELIMITERS else
                         "".join(f"#{b:02X}" for b in c.encode()) for c in text)


def _string(text: str) -> str:
    """``text`` as a PDF text string (ISO 32000-1 7.9.2.2): printable ASCII literally, anything
    else as UTF-16BE with its byte order mark, in hex."""
    if all(" " <= c <= "~" for c in text):
        return "(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"
    return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"


def _number(value: float) -> str:
    """``value`` rounded to 2 decimals, without trailing zeros (a real number, 7.3.3)."""
    text = f"{round(value, 2):.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
