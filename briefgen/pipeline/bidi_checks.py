"""Explicit bidi controls in authored text, reported by ``validate``: a warning where one was written.

Embeddings, overrides and isolates (U+202A-202E, U+2066-2069, the "Trojan Source" characters,
CVE-2021-42574) make a browser show letters in another order than the PDF would; every edition
drops them from knowledge-base and template text instead
(:func:`briefgen.document.direction.without_explicit_controls`). This check says where they were,
so that the author sees that the text is shown without them: every string value of the spec and of
each knowledge-base file (located at its key) and every template file (by line and column).
Direction marks (LRM, RLM, ALM) and the joiners (ZWJ, ZWNJ) are kept and not reported.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from typing import Any

from briefgen.document.direction import EXPLICIT_CONTROLS
from briefgen.errors import KeyPath, Problem, SpecError
from briefgen.load.project import KnowledgeBase, LoadedSpec, origin_dir

__all__ = ["bidi_control_problems"]

_WHY = ("removed: every edition drops explicit bidi embeddings, overrides and isolates (U+202A-202E, "
        "U+2066-2069), which a browser and the PDF would show differently; delete it (the text's own letters "
        "decide its direction; LRM and RLM marks are kept)")


def _strings(data: Any, key: KeyPath = ()) -> Iterator[tuple[KeyPath, str]]:
    """Every string value in ``data`` that holds an explicit bidi control, with its key path."""
    if isinstance(data, str):
        if not data.isascii() and EXPLICIT_CONTROLS.search(data):
            yield key, data
    elif isinstance(data, dict):
        for name, value in data.items():
            yield from _strings(value, key + (name,))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _strings(value, key + (i,))


def _found(text: str) -> str:
    chars = dict.fromkeys(m.group() for m in EXPLICIT_CONTROLS.finditer(text))
    return ", ".join(f"U+{ord(c):04X} {unicodedata.name(c)}" for c in chars)


def bidi_control_problems(loaded: LoadedSpec, kb: KnowledgeBase) -> list[Problem]:
    """A warning for each spec or knowledge-base value and each template file with an explicit
    bidi control, located at the value's key (a template file: the first one's line and column)."""
    problems: list[Problem] = []
    sources: list[Any] = [loaded.source, *{id(doc): doc for doc, _ in kb.origin.values()}.values()]
    for doc in sources:
        for key, text in _strings(doc.data):
            problems.append(doc.problem(key, f"{_found(text)} {_WHY}", severity="warning",
                                        code="bidi-control"))
    problems += _template_file_problems(loaded)
    return problems


def _template_file_problems(loaded: LoadedSpec) -> list[Problem]:
    from briefgen.load.paths import resolve_inside
    from briefgen.load.yamlsrc import display_path

    src = loaded.source
    problems: list[Problem] = []
    for i, sec in enumerate(loaded.spec.sections):
        if not sec.template_file:
            continue
        key: KeyPath = ("sections", i, "template_file")
        try:
            path = resolve_inside(sec.template_file, base=origin_dir(src, key), root=loaded.root, doc=src, key=key,
                                  what="template file")
            text = path.read_text(encoding="utf-8")
        except (SpecError, OSError, UnicodeDecodeError):
            continue  # reported by the template check
        m = EXPLICIT_CONTROLS.search(text)
        if m is None:
            continue
        line = text.count("\n", 0, m.start()) + 1
        col = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
        problems.append(Problem(display_path(path), line, col, "(template)",
                                f"section {sec.id!r} template: {_found(text)} {_WHY}", severity="warning",
                                code="bidi-control"))
    return problems
