"""The section kinds: one record per kind, the single list everything about kinds comes from.

A :class:`SectionKind` says what a kind is called, what a section of that kind selects
(claims through a selector, entities by id, charts, or nothing), how the audience may
switch it off, and which function adds its blocks to the document. :data:`SECTION_KINDS`
(a :class:`~briefgen.model.kinds.KindRegistry`) holds them; from it come the accepted
values of ``Section.kind`` and their JSON Schema enum (:mod:`briefgen.model.models`), the
did-you-mean of a misspelt kind, what ``select`` gives a section, table numbering, and the
document builder's dispatch (:mod:`briefgen.document.sections`).

The built-in kinds register themselves in :mod:`briefgen.document.sections` (imported by
name when the registry is first read: the model never imports the document package);
other packages add kinds through the entry point group :data:`ENTRY_POINT_GROUP`, one
record per kind whose ``build`` returns document blocks (any of the block classes of
:mod:`briefgen.document.model`, which every renderer knows). Pure: the standard library.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from briefgen.model.kinds import KindRegistry

ENTRY_POINT_GROUP = "briefgen.section_kinds"
"""Entry point group through which other packages add section kinds."""

BUILTIN_MODULES = ("briefgen.document.sections", "briefgen.document.conflicts")
"""The modules registering the built-in kinds (imported by name on the registry's first read)."""

_NAME_RE = re.compile(r"^[a-z][a-z0-9_-]*$")

BuildFn = Callable[[Any, Any], list]
"""``build(ctx, section) -> [blocks]``: the blocks a section of the kind adds after its
own text (``ctx``: :class:`briefgen.document.build.Context`; ``section``: the
ResolvedSection). Typed loosely here: the model does not know the document stage."""


@dataclass(frozen=True)
class SectionKind:
    """One section kind.

    ``name``: what specs write as ``kind:``. ``selects``: what ``select`` gives a section
    of this kind: ``claims`` (through its ``select:`` selector; ``judgments_only`` makes
    the default selector take judgments only), ``entities`` (its ``entities:`` list),
    ``charts`` (its ``charts:``) or ``nothing`` (text only). ``audience_switch``: the
    :class:`~briefgen.model.models.Audience` field that, when false, leaves sections of
    this kind out (e.g. ``profiles``). ``table``: sections of this kind are numbered as
    tables ("Table N", ``ref()``). ``stands_alone``: a section of this kind is shown even
    with no text and nothing selected (the endnotes); otherwise such a section is left out.
    ``build``: see :data:`BuildFn`. ``doc``: one line.
    Raises ValueError for a bad name.
    """

    name: str
    build: BuildFn
    selects: Literal["claims", "entities", "charts", "nothing"] = "nothing"
    judgments_only: bool = False
    audience_switch: str | None = None
    table: bool = False
    stands_alone: bool = False
    doc: str = ""
    module: str = field(default="")

    def __post_init__(self) -> None:
        if not _NAME_RE.match(self.name):
            raise ValueError(f"section kind name {self.name!r}: lower-case letters, digits, '-' and '_', "
                             f"starting with a letter")
        if not self.module:
            object.__setattr__(self, "module", getattr(self.build, "__module__", "") or "")


SECTION_KINDS: KindRegistry[SectionKind] = KindRegistry("section kind", SectionKind, BUILTIN_MODULES,
                                                        ENTRY_POINT_GROUP)
"""Every section kind: built-in ones, and those other packages add through entry points."""


def section_kind(name: str) -> SectionKind:
    """The kind called ``name``. Raises :class:`~briefgen.errors.BriefgenError` (a
    KindPluginError for a plugin that cannot be loaded, else naming the known kinds)."""
    from briefgen.errors import BriefgenError

    kind = SECTION_KINDS.get(name)
    if kind is None:
        hint = SECTION_KINDS.suggestion(name)
        raise BriefgenError(f"unknown section kind {name!r}" + (f"; did you mean {hint!r}?" if hint else
                                                                f" (known: {', '.join(SECTION_KINDS.names())})"))
    return kind
