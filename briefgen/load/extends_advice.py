"""Advice on a child spec's list items that ``extends`` appends with a near miss of a parent's id.

A child spec changes a parent's section or chart by writing an item with the same ``id``; an item
with a new id is appended (README, ``extends`` merge rules). An id one typo away from the parent's
(``bluff`` for ``bluf``) is almost always meant to change the parent's item: appended, it adds a
second section (or fails for the keys it does not repeat), and the parent's item stays as it was.
"""

from __future__ import annotations

import re
from typing import Any

from briefgen.errors import Problem


def added_near_misses(layered: Any) -> list[Problem]:
    """An ``extends-new-id`` warning at the id of each item :class:`~briefgen.load.project.Layered`
    recorded in ``added`` (appended by a child with an id that is a near miss of a parent's), with
    the parent's id as the did-you-mean."""
    problems = []
    for key, near in layered.added:
        item = layered.data
        for part in key:
            item = item[part]
        what = str(key[-2]).removesuffix("s") if len(key) >= 2 else "item"
        parent, _ = layered.written(key[:-1] + (_index_of(layered.data, key[:-1], near),))
        problems.append(layered.problem(
            key + ("id",),
            f"{what} {item['id']!r} is new: the parent spec ({parent.name}) has no {what} of that id, so it is "
            f"added after the parent's {what}s and {what} {near!r} stays as the parent wrote it",
            expected=f"the id of the parent's {what} to change it ({near!r}), or a new id far from it",
            suggestion=near, severity="warning", code="extends-new-id"))
    return problems


def _index_of(data: Any, key: tuple, ident: str) -> int:
    items = data
    for part in key:
        items = items[part]
    return next(i for i, item in enumerate(items) if isinstance(item, dict) and item.get("id") == ident)


def siblings(one: str, other: str) -> bool:
    """Whether ids ``one`` and ``other`` are numbered or lettered in one series (``fig-1`` and
    ``fig-2``, ``annex-a`` and ``annex-b``, ``kj2024`` and ``kj2025``): near in spelling, but one is
    not a typo of the other."""
    a, b = re.split(r"[-_.]", one), re.split(r"[-_.]", other)
    if len(a) != len(b):
        return False
    differ = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
    if len(differ) != 1:
        return False
    x, y = differ[0]
    return (re.sub(r"\d+", "#", x) == re.sub(r"\d+", "#", y)) or (len(x) == len(y) == 1)


_KB_KEYS = {"entities", "sources", "claims", "relations", "predicates"}


def not_a_spec(data: Any) -> str:
    """What a file named by ``extends`` is when it is no spec, for the message: "a knowledge-base
    file" (entities, claims ... and no key of a spec), else "". (A parent of only ``audiences:``
    is a part of a spec a child may extend.)"""
    if not isinstance(data, dict) or not data:
        return ""
    if set(data) & _KB_KEYS and not set(data) & {"briefing", "sections", "knowledge_base", "audiences"}:
        return "a knowledge-base file (name it under knowledge_base)"
    return ""
