"""Values briefgen reads, but perhaps not as their author thinks: warnings that say how they are read.

* ``tlp-white``: a ``tlp:`` written ``TLP:WHITE`` (or ``WHITE``, any case), TLP 1.0's name for
  the level TLP 2.0 calls ``TLP:CLEAR``; it is read as TLP:CLEAR (:meth:`briefgen.model.tlp.TLP.parse`),
  and the warning says so, located at the value, with ``TLP:CLEAR`` as the did-you-mean;
* ``tlp-spelling``: a ``tlp:`` written with spaces inside (``TLP: RED``, ``amber + strict``), read as
  the label (:func:`briefgen.model.tlp.spelt_with_spaces`) with the label as TLP 2.0 prints it as the
  did-you-mean (found by the same walk);
* ``builtin-predicate``: a knowledge base declaring under ``predicates:`` a predicate that is
  built in (``owns``): the declaration adds nothing, and its description is not the one a
  reader of another knowledge base gets. (A predicate declared twice is an error of the
  loader, :mod:`briefgen.load.project`.)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, TypeGuard

from briefgen.errors import KeyPath, Problem
from briefgen.load.project import KnowledgeBase, LoadedSpec
from briefgen.model.fields import BUILTIN_PREDICATES
from briefgen.model.tlp import spelt_with_spaces

_WHITE = frozenset({"WHITE", "TLP:WHITE"})


def tlp_white_problems(loaded: LoadedSpec, kb: KnowledgeBase) -> list[Problem]:
    """A ``tlp-white`` warning for each ``tlp:`` of the spec (and its parents and audience
    files) and of the knowledge base written as TLP 1.0's WHITE, a ``tlp-spelling`` one for each
    written with spaces inside."""
    problems = []
    for key, value in _tlp_values(loaded.source.data, ()):
        problems += _tlp_notes(loaded.source, key, value)
    docs = {id(doc): doc for doc, _ in kb.origin.values()}
    for doc in docs.values():  # a knowledge base's tlp keys are its items' own: no walk through figures
        for kind in ("entities", "sources", "claims", "relations"):
            items = doc.data.get(kind) if isinstance(doc.data, dict) else None
            for i, item in enumerate(items if isinstance(items, list) else ()):
                value = item.get("tlp") if isinstance(item, dict) else None
                problems += _tlp_notes(doc, (kind, i, "tlp"), value)
    return problems


def _tlp_notes(src: Any, key: KeyPath, value: Any) -> list[Problem]:
    if _is_white(value):
        return [_white(src, key, value)]
    level = spelt_with_spaces(value)
    if level is None:
        return []
    return [src.problem(key, f"{value!r} is read as {level.label}, which TLP 2.0 writes without spaces",
                        suggestion=level.label, severity="warning", code="tlp-spelling")]


def _is_white(value: Any) -> TypeGuard[str]:
    return isinstance(value, str) and value.strip().upper().replace(" ", "") in _WHITE


def _white(src: Any, key: KeyPath, value: str) -> Problem:
    return src.problem(key, f"{value!r} is TLP 1.0's name: TLP 2.0 (which briefgen marks by) replaced TLP:WHITE "
                            f"with TLP:CLEAR, and it is read as TLP:CLEAR", suggestion="TLP:CLEAR",
                       severity="warning", code="tlp-white")


def _tlp_values(data: Any, key: KeyPath) -> Iterator[tuple[KeyPath, Any]]:
    """Every ``(key path, value)`` of a key named ``tlp`` in loaded YAML data."""
    if isinstance(data, dict):
        for name, value in data.items():
            if name == "tlp":
                yield key + (name,), value
            elif isinstance(value, (dict, list)):
                yield from _tlp_values(value, key + (name,))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            if isinstance(value, (dict, list)):
                yield from _tlp_values(value, key + (i,))


def builtin_predicate_problems(kb: KnowledgeBase) -> list[Problem]:
    """A ``builtin-predicate`` warning for each built-in predicate the knowledge base declares,
    located at its declaration's ``name``."""
    problems = []
    for name in kb.predicates:
        if name in BUILTIN_PREDICATES:
            doc, base = kb.where("predicates", name)
            problems.append(doc.problem(base + ("name",), f"predicate {name!r} is built in: declaring it adds "
                                        f"nothing, and its description here is not the built-in meaning",
                                        expected="a predicate of your own (e.g. 'majority-owns'), or no declaration",
                                        severity="warning", code="builtin-predicate"))
    return problems
