"""Font coverage, checked by ``validate``: every character a reader could be shown has a glyph
in the theme's fonts.

A build refuses a character no font of its theme draws (:class:`~briefgen.errors.FontCoverageError`,
from the layout and the charts) rather than print a blank box. This check finds the same
characters before any build, located where they were written: every string value of the
spec (titles, captions, inline templates; after ``extends`` and audience files are merged),
of each knowledge-base file (statements, labels, entity names and aliases, source titles,
...) and every template file. A text is checked against the fonts of every theme the spec
or one of its audiences names (the built-in theme when none): the body faces and the
fallbacks, as the layout falls back (:func:`briefgen.layout.fonts.font_files`).

Coverage is read from each font file's cmap by :mod:`briefgen.model.font_cmap` (no ReportLab,
matplotlib or fontTools: ``validate`` imports none of them). Whitespace and control / format
characters need no glyph; file names, URLs, addresses and predicates' descriptions are not shown
as text and are not checked.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

from briefgen.errors import KeyPath, Problem, SpecError
from briefgen.load.project import KnowledgeBase, LoadedSpec, origin_dir
from briefgen.model.font_cmap import Coverage, coverage
from briefgen.pipeline.text_sources import document_non_ascii_strings, line_col, source_documents, template_files

# keys whose values are file names, addresses or identifiers of files: never drawn as text
_NOT_SHOWN = frozenset({"path", "template_file", "csv", "theme", "url", "extends", "knowledge_base",
                        "audience_files", "email", "to", "cc", "bcc", "logo"})
_SUGGESTION = "remove the character, or add a font that has it to the theme's fonts.fallbacks"


def _needs_glyph(ch: str) -> bool:
    return unicodedata.category(ch)[0] not in "CZ"  # controls, format characters, separators


def _theme_fonts(loaded: LoadedSpec) -> list[tuple[str, _Fonts]]:
    """``(theme name, font files)`` of each distinct theme the spec and its audiences use."""
    from briefgen.load.paths import resolve_inside
    from briefgen.load.theme import load_theme

    spec, src = loaded.spec, loaded.source
    written: list[tuple[KeyPath, str | None]] = [(("theme",), spec.theme)]
    written += [(("audiences", name, "theme"), aud.theme) for name, aud in spec.audiences.items()
                if aud.theme is not None]
    out: dict[tuple[str, ...], str] = {}
    for key, value in written:
        try:
            path = None if value is None else resolve_inside(value, base=origin_dir(src, key), root=loaded.root,
                                                             doc=src, key=key, what="theme file")
            theme = load_theme(path, loaded.root)
        except SpecError:
            continue  # reported by the theme check
        f = theme.fonts
        files = tuple(dict.fromkeys(str(Path(p).resolve()) for p in (f.regular, f.bold, f.italic, f.bold_italic,
                                                                     *f.fallbacks)))
        out.setdefault(files, value or "default")
    return [(name, _Fonts(files)) for files, name in out.items()]


def _owner(data: Any, key: KeyPath) -> str:
    """What the text at ``key`` belongs to: ``claim 'c-x' statement``, ``chart 'fig-a' title``."""
    owner, field = "", ".".join(str(k) for k in key)
    value = data
    for depth, part in enumerate(key):
        try:
            value = value[part]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(part, int) and isinstance(value, dict) and isinstance(value.get("id"), str):
            kind = str(key[depth - 1]) if depth else "item"
            kind = kind[:-1] if kind.endswith("s") else kind
            owner = f"{kind.replace('entitie', 'entity')} {value['id']!r} "
            field = ".".join(str(k) for k in key[depth + 1:])
    return owner + field


def _describe(ch: str) -> str:
    return f"{ch!r} U+{ord(ch):04X} {unicodedata.name(ch, 'unnamed character')}"


class _Fonts:
    """A theme's font files, each one's coverage read once, and only when the fonts before it
    lack a character (a Han fallback's cmap is not read for Latin text)."""

    def __init__(self, files: tuple[str, ...]) -> None:
        self.files = files
        self._maps: list[Coverage] = []
        self._known: dict[str, bool] = {}

    def covers(self, ch: str) -> bool:
        known = self._known.get(ch)
        if known is None:
            known = self._known[ch] = any(ord(ch) in self._map(i) for i in range(len(self.files)))
        return known

    def _map(self, i: int) -> Coverage:
        while len(self._maps) <= i:
            self._maps.append(coverage(self.files[len(self._maps)]))
        return self._maps[i]


def _missing(text: str, fonts: _Fonts) -> list[str]:
    """The characters of ``text`` (in order, once each) that no font of ``fonts`` draws."""
    return list(dict.fromkeys(ch for ch in text if _needs_glyph(ch) and not fonts.covers(ch)))


def _shown(missing: list[str]) -> str:
    return ", ".join(_describe(ch) for ch in missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5
                                                              else "")


def _problem(where, key: KeyPath, what: str, text: str, missing: list[str], theme: str) -> Problem:
    excerpt = text if len(text) <= 40 else text[:39] + "…"
    return where.problem(key, f"{what} {excerpt!r}: no font of theme {theme!r} has a glyph for {_shown(missing)} "
                              f"(the build would stop); {_SUGGESTION}", code="font-coverage")


def coverage_problems(loaded: LoadedSpec, kb: KnowledgeBase) -> list[Problem]:
    """An error for each text (spec value, knowledge-base value, template file) with a
    character that no font of a theme in use has a glyph for; located at the text's key."""
    themes = _theme_fonts(loaded)
    problems: list[Problem] = []
    seen: set[tuple[str, str]] = set()

    def check(where, data: Any, key: KeyPath, text: str) -> None:
        for name, fonts in themes:
            missing = _missing(text, fonts)
            if missing:
                problem = _problem(where, key, _owner(data, key), text, missing, name)
                if (problem.file, problem.key) not in seen:
                    seen.add((problem.file, problem.key))
                    problems.append(problem)
                return

    for key, text in document_non_ascii_strings(loaded.source, skip=_NOT_SHOWN):
        check(loaded.source, loaded.source.data, key, text)
    for doc in source_documents(loaded, kb)[1:]:
        for key, text in document_non_ascii_strings(doc, skip=_NOT_SHOWN):
            if key[0] == "predicates" and key[-1] == "description":
                continue  # for readers of the knowledge base: no edition prints it
            check(doc, doc.data, key, text)
    problems += _template_file_problems(loaded, themes)
    return problems


def _template_file_problems(loaded: LoadedSpec, themes: list[tuple[str, _Fonts]]) -> list[Problem]:
    """Characters of template files (``template_file:``) that no theme font draws, by file:line:column."""
    problems: list[Problem] = []
    for sec, path, text in template_files(loaded):
        if text.isascii():
            continue
        for name, fonts in themes:
            missing = _missing(text, fonts)
            if missing:
                line, col = line_col(text, text.index(missing[0]))
                problems.append(Problem(path, line, col, "(template)",
                                        f"section {sec.id!r} template: no font of theme {name!r} has a glyph for "
                                        f"{_shown(missing)} (the build would stop); {_SUGGESTION}",
                                        code="font-coverage"))
                break
    return problems
