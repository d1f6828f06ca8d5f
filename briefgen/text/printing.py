"""What ``{{ value }}`` prints in a template: every value as its text, never a Python repr.

Knowledge-base values print in their written form: a date at its precision ("late April
2025"), a figure in words ("more than USD 65 million per year"), ICD 203 and Admiralty terms
as their words, a TLP level as its label; items as their text: a claim as its statement, an
entity as its name, a source as its title, the briefing as its title; lists as their items'
text joined with ", " and mappings as ``key: value`` pairs. Used by the template
environment's finalize (:mod:`briefgen.text.environment`).
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from briefgen.model.models import BriefingMeta, Claim, Entity, Figure, Source
from briefgen.model.vocab import PartialDate
from briefgen.text import fmt

_TEXT_OF: dict[type, str] = {Claim: "statement", Entity: "name", Source: "title", BriefingMeta: "title"}


def printable(value: Any) -> Any:
    """``value`` as a template prints it (see module doc); anything else unchanged."""
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
        return ", ".join(str(printable(item)) for item in items)
    if isinstance(value, dict):
        return ", ".join(f"{printable(k)}: {printable(v)}" for k, v in value.items())
    return value
