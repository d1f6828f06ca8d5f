"""Tagged PDF during layout: structure elements, and the marked content tying the pages to them.

PDF/UA-1 (ISO 14289-1, 7.1; Matterhorn checkpoints 01) asks that everything drawn on a page be
either *real content* -- a marked-content sequence with an MCID, owned by an element of the
structure tree (ISO 32000-1, 14.7.4) -- or an *artifact* (ISO 32000-1, 14.8.2.2). The
:class:`Tagger`, one per layout and held by the canvas (:func:`tagger_of`), does both while
ReportLab draws the story:

* **Elements.** The story declares the document's elements before the layout
  (:meth:`Tagger.declare`: key, structure type, parent). An element joins the tree when its first
  content is drawn, so the tree's order is the drawing order (the reading order), elements that are
  never drawn leave no empty element behind, and an element drawn on two pages (a paragraph or a
  table split by a page break) stays one element.
* **Artifacts by default.** Between tagged sequences the page is inside an artifact sequence
  (``/Artifact <</Type /Layout>> BDC``): rules, table grids and backgrounds, dot leaders and
  the contents' page numbers are artifacts without being named; the page furniture (banners,
  running title, "Page X of Y") is a ``/Pagination`` artifact (ISO 32000-1, 14.8.2.2.2; Matterhorn
  18). An artifact sequence that painted nothing is taken out again. Tagged sequences are never
  nested in each other or in an artifact (Matterhorn 01-003, 01-004).
* **Annotations.** Every link annotation gets the Print flag, a ``/Contents`` saying where it goes
  (ISO 14289-1 7.18.1; Matterhorn 28) and an owner, the Link element that holds its text; the
  owners are kept per page in ``/Annots`` order for :mod:`briefgen.layout.structure`, which writes
  the structure tree, the ParentTree and the OBJRs after the layout (7.18.5).

Paragraph text (links, list labels, text in another language) is marked by
:mod:`briefgen.layout.tagged`.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from briefgen.compat.reportlab import canvas_code
from briefgen.document.languages import stretch_language

__all__ = ["ROLE_MAP", "AnnotationRef", "Element", "MarkedContent", "Tagger", "link_descriptions",
           "script_language", "tagger_of"]

ROLE_MAP = {"KeyJudgment": "P", "Profile": "Div", "Endnotes": "Div"}
"""briefgen's own structure types (the document model's roles) and the standard types they
stand for (ISO 32000-1, 14.7.3 role maps; Matterhorn 02)."""

# operators that paint (text, paths, images, shadings, forms); an artifact sequence holding none of
# them only changed the graphics state and is taken out again
_PAINTS = re.compile(r"(?:^|\s)(?:Tj|TJ|'|\"|S|s|f|F|f\*|B|B\*|b|b\*|Do|sh|BI|re)(?=\s|$)")


@dataclass(frozen=True, slots=True)
class MarkedContent:
    """A marked-content sequence: MCID ``mcid`` on page ``page`` (1-based)."""

    page: int
    mcid: int


@dataclass(frozen=True, slots=True)
class AnnotationRef:
    """The annotation at ``index`` (0-based) of page ``page``'s ``/Annots`` (an OBJR to be)."""

    page: int
    index: int


@dataclass(eq=False, slots=True)
class Element:
    """A structure element: its structure ``role`` (``/S``), a ``key`` unique in the document,
    its ``kids`` in order (elements, marked content, annotations), and what the writer puts on it:
    ``alt`` (``/Alt``), ``lang`` (``/Lang``), ``ident`` (``/ID``), ``scope`` (a table header
    cell's ``/Scope``), ``bbox`` (page, x0, y0, x1, y1 in points: a Layout ``/BBox``).
    Slotted, as :class:`MarkedContent` and :class:`AnnotationRef` are: a 10,000-claim table has
    ~80,000 elements and ~50,000 marked-content sequences, held until the file is written (issue 18)."""

    role: str
    key: str
    parent: Element | None = None
    alt: str = ""
    lang: str = ""
    ident: str = ""
    scope: str = ""
    bbox: tuple[int, float, float, float, float] | None = None
    kids: list[Element | MarkedContent | AnnotationRef] = field(default_factory=list)
    attached: bool = False

    def walk(self) -> Iterator[Element]:
        """This element and every element below it, depth first (tree order)."""
        stack: list[Element] = [self]  # not recursive generators: a table's cells are 5 levels down
        while stack:
            element = stack.pop()
            yield element
            stack.extend(kid for kid in reversed(element.kids) if isinstance(kid, Element))


def tagger_of(canv: Any) -> Tagger | None:
    """The tagger drawing on ``canv`` (None for a canvas that is not tagged)."""
    return getattr(canv, "briefgen_tagger", None)


def script_language(text: str) -> str:
    """The language of ``text`` by its script, for text that needs its own ``/Lang`` (ISO 14289-1
    7.2; Matterhorn 11): kana ``ja``, Hangul ``ko``, other Han ``zh``; Arabic ``ar`` (``fa``),
    Hebrew ``he`` (:func:`briefgen.document.languages.stretch_language`); "" for anything else."""
    rtl = RTL_LETTER.search(text)
    if rtl is not None:
        return stretch_language(text[rtl.start():])
    han = False
    for ch in text:
        cp = ord(ch)
        if 0x3040 <= cp <= 0x30FF or 0x31F0 <= cp <= 0x31FF:
            return "ja"
        if 0xAC00 <= cp <= 0xD7AF or 0x1100 <= cp <= 0x11FF or 0x3130 <= cp <= 0x318F:
            return "ko"
        if 0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2FA1F or 0xF900 <= cp <= 0xFAFF:
            han = True
    return "zh" if han else ""


RTL_LETTER = re.compile("[\u0590-\u05FF\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]+")
"""Arabic and Hebrew letters (and their presentation forms, as shaped text may hold them)."""


class Tagger:
    """Structure and marked content of one layout (see the module doc).

    ``describe(href)`` gives a link annotation's ``/Contents``; ``foreign_fonts`` are the fallback
    fonts whose text may be in another script (:func:`script_language`). The canvas calls
    :meth:`page_begins` when it starts a page and :meth:`page_ends` before it closes one.
    """

    def __init__(self, *, describe: Callable[[str], str], foreign_fonts: frozenset[str] = frozenset()):
        self.root = Element("Document", "document", attached=True)
        self.describe = describe
        self.foreign_fonts = foreign_fonts
        self.page = 0
        self.annotations: dict[int, list[Element]] = {}
        """Page -> the owner of each of its annotations, in ``/Annots`` order."""
        self.text: Any = None
        """The marks of the paragraph being drawn (:class:`briefgen.layout.tagged.TextMarks`)."""
        self._declared: dict[str, tuple[str, str | None, dict]] = {}
        self._elements: dict[str, Element] = {}
        self._mcids: dict[int, int] = {}
        self._containers: list[Element | None] = []
        self._open: str | None = None
        self._artifact_from = 0
        self._serial = 0

    # ------------------------------------------------------------------ elements
    def declare(self, key: str, role: str, parent: str | None = None, **attrs: Any) -> str:
        """Declare element ``key`` of structure type ``role`` under ``parent`` (a declared key;
        None: the document), with ``attrs`` (``alt``, ``lang``, ``ident``, ``scope``). Returns
        ``key``. The element is made when something of it is drawn."""
        self._declared[key] = (role, parent, attrs)
        return key

    def element(self, key: str) -> Element:
        """The element declared as ``key`` (made, not yet in the tree, on first use). Raises
        KeyError for a key never declared."""
        found = self._elements.get(key)
        if found is None:
            role, parent, attrs = self._declared[key]
            found = self._elements[key] = Element(role, key, self.element(parent) if parent else self.root, **attrs)
        return found

    def child(self, parent: Element, role: str, key: str, **attrs: Any) -> Element:
        """Element ``key`` of type ``role`` under ``parent``, made on first use (links, list
        labels and bodies, table rows and cells, spans)."""
        found = self._elements.get(key)
        if found is None:
            found = self._elements[key] = Element(role, key, parent, **attrs)
        return found

    def new_key(self, prefix: str) -> str:
        """A key no element has yet: ``prefix`` and a serial number."""
        self._serial += 1
        return f"{prefix}{self._serial}"

    def attach(self, element: Element) -> Element:
        """Put ``element`` (and the ancestors not yet there) into the tree, after what its
        parent already holds."""
        if not element.attached:
            parent = element.parent or self.root
            self.attach(parent)
            parent.kids.append(element)
            element.attached = True
        return element

    def mark(self, element: Element) -> int:
        """A new MCID of the current page for content of ``element`` (put into the tree)."""
        mcid = self._mcids.get(self.page, 0)
        self._mcids[self.page] = mcid + 1
        self.attach(element).kids.append(MarkedContent(self.page, mcid))
        return mcid

    def set_bbox(self, element: Element, canv: Any, x: float, y: float, width: float, height: float) -> None:
        """Record ``element``'s box (the first one drawn): (``x``, ``y``) and the size in the
        canvas's current space, kept in the page's default space."""
        if element.bbox is None:
            (x0, y0), (x1, y1) = canv.absolutePosition(x, y), canv.absolutePosition(x + width, y + height)
            element.bbox = (self.page, min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))

    # ------------------------------------------------------------------ containers (table cells)
    @property
    def suppressed(self) -> bool:
        """True while an artifact part is drawn (a repeated table header): nothing is tagged."""
        return bool(self._containers) and self._containers[-1] is None

    @property
    def container(self) -> Element | None:
        """The element that holds untagged paragraphs drawn now (a table cell), if any."""
        return self._containers[-1] if self._containers else None

    def push_container(self, element: Element | None) -> None:
        """Paragraphs without an element of their own go into ``element`` until
        :meth:`pop_container` (None: they are drawn as artifacts)."""
        self._containers.append(element)

    def pop_container(self) -> None:
        self._containers.pop()

    # ------------------------------------------------------------------ marked content
    def page_begins(self, canv: Any) -> None:
        """A page starts (its code is empty): it is in no sequence yet."""
        self.page = canv.getPageNumber()
        self._open = None

    def page_ends(self, canv: Any) -> None:
        """The page is about to be closed: end the open sequence."""
        self.close(canv)

    def close(self, canv: Any) -> None:
        """End the open sequence; an artifact that painted nothing is taken out."""
        code = canvas_code(canv)
        if self._open == "artifact":
            if _PAINTS.search(" ".join(code[self._artifact_from:])):
                code.append("EMC")
            else:
                del code[self._artifact_from - 1]
        elif self._open == "content":
            code.append("EMC")
        self._open = None

    def artifact(self, canv: Any, kind: str = "Layout") -> None:
        """Start an artifact sequence of type ``kind`` (``Layout``, ``Pagination``)."""
        self.close(canv)
        code = canvas_code(canv)
        code.append(f"/Artifact <</Type /{kind}>> BDC")
        self._open, self._artifact_from = "artifact", len(code)

    def content(self, canv: Any, element: Element) -> int:
        """Start a tagged sequence for ``element``; returns its MCID. End it with :meth:`artifact`."""
        self.close(canv)
        mcid = self.mark(element)
        canvas_code(canv).append(f"/{element.role} <</MCID {mcid}>> BDC")
        self._open = "content"
        return mcid

    @contextlib.contextmanager
    def furniture(self, canv: Any) -> Iterator[None]:
        """Page furniture drawn inside: a Pagination artifact (then back to the default)."""
        self.artifact(canv, "Pagination")
        yield
        self.artifact(canv)

    def draw_text(self, canv: Any, text_object: Any, draw: Callable[[Any], None]) -> None:
        """Draw ``text_object`` with ``draw``: a paragraph's own text (marked inside) outside any
        sequence, a list item's label (the first other text object of the item) as its Lbl, any
        other text inside the open artifact."""
        marks = self.text
        if marks is None or self.suppressed:
            draw(text_object)
        elif getattr(text_object, "briefgen_listener", None) is marks:
            self.close(canv)
            draw(text_object)
            self.artifact(canv)
        elif marks.label is not None and not marks.label_drawn:
            marks.label_drawn = True
            self.content(canv, marks.label)
            draw(text_object)
            self.artifact(canv)
        else:
            draw(text_object)

    # ------------------------------------------------------------------ annotations
    def link_annotation(self, href: str, *, reserved: bool) -> dict:
        """The entries a link annotation to ``href`` (``#name`` or an address) gets: ``/Contents``
        and the Print flag. Unless it was ``reserved`` (:meth:`reserve_annotation`), the annotation
        is the next of the current page and belongs to the link drawn now."""
        if not reserved:
            owner = self.text.annotation_owner(href) if self.text is not None else None
            if owner is None:  # not drawn in a paragraph: a link element of its own, described
                owner = self.child(self.container or self.root, "Link", self.new_key("link"), alt=self.describe(href))
                self.attach(owner)
            self._add_annotation(owner)
        return {"F": 4, "Contents": self.describe(href)}

    def reserve_annotation(self) -> None:
        """The current page gets an annotation made later (a contents entry's page number link):
        it belongs to the link being drawn now."""
        owner = self.text.current_link() if self.text is not None else None
        if owner is None:
            owner = self.attach(self.child(self.root, "Link", self.new_key("link"), alt="Page number"))
        self._add_annotation(owner)

    def _add_annotation(self, owner: Element) -> None:
        annots = self.annotations.setdefault(self.page, [])
        owner.kids.append(AnnotationRef(self.page, len(annots)))
        annots.append(owner)

    # ------------------------------------------------------------------ result
    def finish(self) -> Element:
        """The finished tree (its root, a Document element): links whose text never showed are
        put in at the end of their parent, so that every annotation has its owner in the tree."""
        for owners in self.annotations.values():
            for owner in owners:
                self.attach(owner)
        return self.root


def link_descriptions(anchors: dict[str, str]) -> Callable[[str], str]:
    """``describe(href)`` for :class:`Tagger`: what a link annotation's ``/Contents`` says.
    ``anchors`` maps in-document anchors to their description ("Endnote 2: ...", "Table 1:
    Claims and sources"); other links say their address."""

    def describe(href: str) -> str:
        name = href[1:] if href.startswith("#") else href
        known = anchors.get(name)
        if known is not None:
            return known
        if href.startswith("mailto:"):
            return f"Email {href[len('mailto:'):]}"
        if href.startswith("#") or ":" not in href:
            return f"Go to {name}"
        return f"Link to {href}"

    return describe
