"""Sections an audience's variant leaves out because their text shows it nothing: said once per audience.

The decision is the document's (:mod:`briefgen.document.empty_text`): a section that shows only
its text, whose text renders to nothing for an audience (a template wholly inside
``{% if visible('c-amber') %} ... {% endif %}``), with no chart, image or kept subsection, is
left out of that audience's PDF and HTML edition (no heading, no contents entry). Both commands
say so, in the same words, naming the section and the audience:

* ``validate``: a warning per section and audience (code ``empty-for-audience``, located at the
  section's template, or at the section for a parent without one; the problem names the
  audience). It stays a warning under ``--strict`` (``strict=False``): leaving the section out
  is what the guard asks for, nothing needs mending;
* a build: a note of the audience's build result (:attr:`BuildResult.notes`), which ``build``,
  ``email`` and ``batch`` print and ``--json`` carries. Never in the release's manifest: the
  section's id would tell the audience that a topic exists it is not shown. The desk's audit
  record lists the section, with the reason, among what the release leaves out.

A parent left out with its subsections is named with them, each with its own reason.
"""

from __future__ import annotations

from briefgen.document.empty_text import LEFT_EMPTY_REASON, PARENT_LEFT_EMPTY_REASON, left_empty
from briefgen.document.model import Document
from briefgen.errors import KeyPath, Problem
from briefgen.load.project import LoadedSpec
from briefgen.model.models import Section
from briefgen.model.resolved import Briefing
from briefgen.text.templates import Texts

CODE = "empty-for-audience"
"""The code of ``validate``'s warning."""
LEFT_EMPTY_REASONS = (LEFT_EMPTY_REASON, PARENT_LEFT_EMPTY_REASON)


def left_empty_message(section: str, reason: str, audience: str) -> str:
    """``section 'military' left out of audience 'public': its text shows nothing this audience
    may see`` (``reason``: the document's, :mod:`briefgen.document.empty_text`)."""
    return f"section {section!r} left out of audience {audience!r}: {reason}"


def left_empty_notes(document: Document) -> list[str]:
    """The build's notes of ``document`` (one audience's, finished): one per section it left out
    for what its text shows, in reading order (read from its ``withheld`` entries)."""
    return [left_empty_message(ident, reason, document.audience) for kind, ident, reason, _ in document.withheld
            if kind == "section" and reason in LEFT_EMPTY_REASONS]


def left_empty_problems(loaded: LoadedSpec, briefing: Briefing, texts: Texts) -> list[Problem]:
    """``validate``'s warnings for one audience (its resolved ``briefing`` and its ``texts``,
    rendered as a build renders them): one per section its variant leaves out for what its text
    shows (see the module doc), in reading order."""
    keys = _section_keys(loaded.spec.sections, ("sections",))
    name = briefing.audience_name
    problems = []
    for entry in (s for top in left_empty(briefing, texts) for s in top.walk()):
        key, sec = keys[entry.id]
        where = key + ("template_file",) if sec.template_file is not None else \
            key + ("template",) if sec.template is not None else key
        expected = (f"text audience {name!r} may see, or drop_sections: [{entry.id}] to leave it out by the "
                    f"audience's own choice" if len(key) == 2 else "")
        problems.append(loaded.source.problem(where, left_empty_message(entry.id, entry.reason, name),
                                              expected=expected, severity="warning", code=CODE, strict=False,
                                              audiences=(name,)))
    return problems


def _section_keys(sections: list[Section], base: KeyPath) -> dict[str, tuple[KeyPath, Section]]:
    """Section id -> (its key in the spec, the section), subsections included."""
    keys: dict[str, tuple[KeyPath, Section]] = {}
    for i, sec in enumerate(sections):
        keys[sec.id] = (base + (i,), sec)
        keys.update(_section_keys(sec.subsections, base + (i, "subsections")))
    return keys
