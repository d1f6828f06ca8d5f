"""The document as JSON (``briefgen build --emit-document``).

Shape: one object per block and run, each with a ``"type"`` (the class name: ``Paragraph``,
``KeyJudgment``, ``Text``, ``Citation`` ...) and its fields; tuples become lists; a
figure's chart is written as its kind, size and data (``"chart": {"kind": ..., "data":
{...}}``), dates as their written form. Keys are sorted and the output ends with a newline,
so the same document always gives the same bytes. ``"format": "briefgen-document/1"`` names
the shape's version.
"""

from __future__ import annotations

import dataclasses
import enum
import json
from typing import Any

from briefgen.document.model import Document
from briefgen.model.resolved import ResolvedChart
from briefgen.model.tlp import TLP
from briefgen.model.vocab import PartialDate

FORMAT = "briefgen-document/1"


def to_json(doc: Document) -> dict[str, Any]:
    """The document as JSON-able data (see module doc), without ``withheld``: the file is
    written for the audience, and what was withheld from it is the desk's audit record's
    business (:mod:`briefgen.pipeline.audit`). ``dropped`` names only the sections the page
    budget left out that the document may name (:meth:`Document.left_out_to_fit`: none marked
    above its banner), and ``dropped_titles`` their titles."""
    data = _plain(doc)
    data.pop("withheld", None)
    levels = {ident: level for kind, ident, _, level in doc.withheld if kind == "section" and level}
    banner = TLP.parse(doc.marking)
    data["dropped"] = [sid for sid in doc.dropped if sid in levels and TLP.parse(levels[sid]) <= banner]
    data["dropped_titles"] = [[sid, title] for sid, title, _ in doc.left_out_to_fit()]
    return {"format": FORMAT, **data}


def document_bytes(doc: Document) -> bytes:
    """``to_json(doc)`` as UTF-8 JSON text, indented, keys sorted."""
    return (json.dumps(to_json(doc), indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def _plain(value: Any) -> Any:
    if isinstance(value, ResolvedChart):
        return {"kind": value.kind, "number": value.number, "claims": list(value.claim_ids),
                "data": _plain(value.data)}
    if isinstance(value, PartialDate):
        return value.render()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {"type": type(value).__name__}
        for f in dataclasses.fields(value):
            if f.metadata.get("omit_empty") and not getattr(value, f.name):
                continue  # a change mark written only when a build compares editions
            out[f.name] = _plain(getattr(value, f.name))
        return out
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value
