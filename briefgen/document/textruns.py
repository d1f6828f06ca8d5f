"""The runs of the briefing document: its text, as plain text with emphasis, links, citations,
cross-references and line breaks (:data:`Run`), never as any output format's markup.

Part of the document model (:mod:`briefgen.document.model`, which re-exports every name).
Made from inline text by :mod:`briefgen.document.runs`. Pure data: the standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Text:
    """A run of text as the author wrote it (no markup), with its emphasis."""

    text: str
    bold: bool = False
    italic: bool = False
    kind: str = "text"


@dataclass(frozen=True)
class PortionMark(Text):
    """The portion mark run, ``(TLP:AMBER) ``: a :class:`Text` that every renderer prints, told apart by its
    class (see :mod:`briefgen.document.portions`)."""


@dataclass(frozen=True)
class Link:
    """A hyperlink: ``text`` shown (with its emphasis), ``href`` an http(s), mailto or
    in-document (``#...``) address."""

    text: str
    href: str
    bold: bool = False
    italic: bool = False
    kind: str = "link"


@dataclass(frozen=True)
class Citation:
    """Endnote numbers for ``claims``: the visible sources' endnote ``numbers`` (ascending,
    each once; empty when no source of those claims may be cited)."""

    claims: tuple[str, ...]
    numbers: tuple[int, ...]
    kind: str = "citation"


@dataclass(frozen=True)
class CrossRef:
    """A reference to a figure or table: ``label`` ("Figure 2", "Table 1") and the ``target``
    block id it links to."""

    label: str
    target: str
    kind: str = "xref"


@dataclass(frozen=True)
class LineBreak:
    """A forced line break inside a paragraph or table cell."""

    kind: str = "break"


Run = Text | Link | Citation | CrossRef | LineBreak
Runs = tuple[Run, ...]


def plain_text(runs: Runs) -> str:
    """The runs as plain text: citations dropped, cross-references as their label, line
    breaks as newlines."""
    out = []
    for run in runs:
        if isinstance(run, (Text, Link)):
            out.append(run.text)
        elif isinstance(run, CrossRef):
            out.append(run.label)
        elif isinstance(run, LineBreak):
            out.append("\n")
    return "".join(out)
