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

from briefgen.document.direction import EXPLICIT_CONTROLS
from briefgen.errors import Problem
from briefgen.load.project import KnowledgeBase, LoadedSpec
from briefgen.pipeline.text_sources import document_non_ascii_strings, line_col, source_documents, template_files

__all__ = ["bidi_control_problems"]

_WHY = ("removed: every edition drops explicit bidi embeddings, overrides and isolates (U+202A-202E, "
        "U+2066-2069), which a browser and the PDF would show differently; delete it (the text's own letters "
        "decide its direction; LRM and RLM marks are kept)")


def _found(text: str) -> str:
    chars = dict.fromkeys(m.group() for m in EXPLICIT_CONTROLS.finditer(text))
    return ", ".join(f"U+{ord(c):04X} {unicodedata.name(c)}" for c in chars)


def bidi_control_problems(loaded: LoadedSpec, kb: KnowledgeBase) -> list[Problem]:
    """A warning for each spec or knowledge-base value and each template file with an explicit
    bidi control, located at the value's key (a template file: the first one's line and column)."""
    problems: list[Problem] = []
    for doc in source_documents(loaded, kb):
        for key, text in document_non_ascii_strings(doc):
            if not EXPLICIT_CONTROLS.search(text):
                continue
            problems.append(doc.problem(key, f"{_found(text)} {_WHY}", severity="warning",
                                        code="bidi-control"))
    problems += _template_file_problems(loaded)
    return problems


def _template_file_problems(loaded: LoadedSpec) -> list[Problem]:
    problems: list[Problem] = []
    for sec, path, text in template_files(loaded):
        m = EXPLICIT_CONTROLS.search(text)
        if m is None:
            continue
        line, col = line_col(text, m.start())
        problems.append(Problem(path, line, col, "(template)",
                                f"section {sec.id!r} template: {_found(text)} {_WHY}", severity="warning",
                                code="bidi-control"))
    return problems
