"""The texts a validate-time text check reads: the spec's and knowledge base's string values
with their key paths, and the sections' template files with positions inside them.

Shared by :mod:`briefgen.pipeline.font_checks` (glyph coverage) and
:mod:`briefgen.pipeline.bidi_checks` (explicit bidi controls).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from briefgen.errors import KeyPath, SpecError
from briefgen.load.project import KnowledgeBase, Layered, LoadedSpec, origin_dir
from briefgen.load.yamlsrc import Document
from briefgen.regular_files import read_regular

__all__ = ["document_non_ascii_strings", "line_col", "non_ascii_strings", "source_documents", "template_files"]


def non_ascii_strings(data: Any, key: KeyPath = (),
                      skip: frozenset[str] = frozenset()) -> list[tuple[KeyPath, str]]:
    """Every non-ASCII string value in ``data`` (parsed YAML: dicts, lists, scalars) with its
    key path, in document order; mappings' keys in ``skip`` are not entered."""
    found: list[tuple[KeyPath, str]] = []
    if isinstance(data, str):
        if not data.isascii():
            found.append((key, data))
    else:
        _collect(data, key, skip, found)
    return found


def _collect(data: Any, key: KeyPath, skip: frozenset[str], found: list[tuple[KeyPath, str]]) -> None:
    # a key path is only built for a container or a string found: most values are ASCII scalars
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    for name, value in items:
        if isinstance(value, str):
            if not value.isascii() and name not in skip:
                found.append((key + (name,), value))
        elif isinstance(value, (dict, list)) and name not in skip:
            _collect(value, key + (name,), skip, found)


def document_non_ascii_strings(doc: Document | Layered,
                               skip: frozenset[str] = frozenset()) -> list[tuple[KeyPath, str]]:
    """:func:`non_ascii_strings` of a loaded YAML file or a merged spec. A file whose YAML text is
    ASCII and holds no backslash (so no escape can make a non-ASCII character) is not walked."""
    text = doc.text if isinstance(doc, Document) else None
    if text is not None and text.isascii() and "\\" not in text:
        return []
    return non_ascii_strings(doc.data, skip=skip)


def source_documents(loaded: LoadedSpec, kb: KnowledgeBase) -> list[Any]:
    """The spec's document, then each knowledge-base file's document once (``YamlDocument``s)."""
    return [loaded.source, *{id(doc): doc for doc, _ in kb.origin.values()}.values()]


def template_files(loaded: LoadedSpec) -> Iterator[tuple[Any, str, str]]:
    """``(section, display path, text)`` for each section's readable ``template_file``; one
    that cannot be resolved or read is skipped (the template check reports it)."""
    from briefgen.load.paths import resolve_inside
    from briefgen.load.yamlsrc import display_path

    src = loaded.source
    for i, sec in enumerate(loaded.spec.sections):
        if not sec.template_file:
            continue
        key: KeyPath = ("sections", i, "template_file")
        try:
            path = resolve_inside(sec.template_file, base=origin_dir(src, key), root=loaded.root, doc=src, key=key,
                                  what="template file")
            text = read_regular(path).decode("utf-8")
        except (SpecError, OSError, UnicodeDecodeError):
            continue
        yield sec, display_path(path), text


def line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of character ``offset`` of ``text``."""
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1
