"""What ``{{ value }}`` prints in a template: every value as its text, never a Python repr.

Knowledge-base values print in their written form: a date at its precision ("late April
2025"), a figure in words ("more than USD 65 million per year"), ICD 203 and Admiralty terms
as their words, a TLP level as its label; items as their text: a claim as its statement, an
entity as its name, a source as its title, the briefing as its title; lists as their items'
text joined with ", " and mappings as ``key: value`` pairs. Used by the template
environment's finalize (:mod:`briefgen.text.environment`). A printed value with right-to-left
letters is isolated (each of its lines between FSI and PDI, UAX #9): its direction stays inside it,
and the paragraph's direction comes from the text around it. Explicit bidi controls written in a
value are dropped (every edition drops them: :func:`briefgen.document.direction.without_explicit_controls`).
"""

from __future__ import annotations

import re
import unicodedata
from enum import Enum
from typing import Any

from briefgen.model.models import BriefingMeta, Claim, Entity, Figure, Source
from briefgen.model.vocab import PartialDate
from briefgen.text import fmt

_EXPLICIT = re.compile("[\u202a-\u202e\u2066-\u2069]")
_TEXT_OF: dict[type, str] = {Claim: "statement", Entity: "name", Source: "title", BriefingMeta: "title"}


def printable(value: Any) -> Any:
    """``value`` as a template prints it (see module doc); anything else unchanged."""
    printed = _printable(value)
    return _isolated(printed) if isinstance(printed, str) else printed


def _isolated(text: str) -> str:
    """Each line of ``text`` that has a right-to-left letter (bidi class R or AL) between FSI and PDI;
    explicit bidi controls written in the value (U+202A-202E, U+2066-2069) dropped first."""
    if text.isascii():
        return text
    text = _EXPLICIT.sub("", text)
    if not any(unicodedata.bidirectional(c) in ("R", "AL") for c in text):
        return text
    return "\n".join("\u2068" + line + "\u2069" if any(unicodedata.bidirectional(c) in ("R", "AL") for c in line)
                     else line for line in text.split("\n"))


def _printable(value: Any) -> Any:
    if isinstance(value, PartialDate):
        return value.render()
    if isinstance(value, Figure):
        return fmt.figure(value)
    if isinstance(value, Enum) and isinstance(value.value, (str, int)):
        return value.value
    field = _TEXT_OF.get(type(value))
    if field is not None:
        return getattr(value, field)
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else value
        return ", ".join(str(_printable(item)) for item in items)
    if isinstance(value, dict):
        return ", ".join(f"{_printable(k)}: {_printable(v)}" for k, v in value.items())
    return value
