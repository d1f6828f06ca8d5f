"""Jinja2 templates: sandboxed, strict, located errors.

Templates run in :class:`jinja2.sandbox.SandboxedEnvironment`; reaching for internals
(``{{ cycler.__init__.__globals__ }}``) raises :class:`~briefgen.errors.TemplateSecurityError`.
Undefined names and missing fields raise :class:`~briefgen.errors.TemplateError` naming the
file, line and field (``entity 'china-minmetals' has no field 'country'``); nothing renders
as an empty string by accident.

What templates see (per audience):

* ``briefing`` (title, date, desk ...), ``audience`` (its name);
* ``claim(id)``, ``entity(id)``, ``source(id)``: the item, or an error when it is unknown
  or withheld from this audience (ask ``visible(id)`` first); a claim's fields naming other
  items (``sources``, ``about``, ``contradicts``) list only what this audience may see;
* ``visible(id)``: True when this audience may see that claim, entity or source;
* ``cite(id, ...)``: superscript endnote numbers of the claims' sources;
* ``ref(figure_id)``: "Figure N", linked to the figure;
* filters ``date``, ``figure``, ``likelihood``, ``number``.

The output is *inline text*: author markup (``**bold**``, ``*italic*``, ``[text](url)``) and
citation tokens, turned into ReportLab markup by :mod:`briefgen.text.inline`.

The pieces: the environment (sandbox, undefined handling, compiling) in
:mod:`briefgen.text.environment`; the template functions and located errors in
:mod:`briefgen.text.renderer`; where a template is written in :mod:`briefgen.text.sources`;
the citation and reference tokens in :mod:`briefgen.text.tokens`. Rendering every template
of one audience's briefing (:func:`render_texts`) is here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from briefgen.errors import TemplateError, for_audience
from briefgen.load.project import KnowledgeBase, LoadedSpec
from briefgen.model.resolved import Briefing
from briefgen.model.section_kinds import SECTION_KINDS, section_kind
from briefgen.text.environment import MAX_TEMPLATE_SIZE, compiled, make_environment
from briefgen.text.paragraph_marks import marks_paragraphs
from briefgen.text.renderer import Renderer
from briefgen.text.sources import TemplateSource, template_source
from briefgen.text.tokens import TOKEN_CLOSE, TOKEN_OPEN, cite_token, ref_token

__all__ = [
    "MAX_TEMPLATE_SIZE", "TOKEN_CLOSE", "TOKEN_OPEN", "Renderer", "TemplateSource", "Texts", "checked_texts",
    "cite_token", "compiled",
    "make_environment", "ref_token", "render_texts", "spec_figure_ids", "template_errors", "template_source",
]
"""Rendering every template of a briefing is here; the other names are re-exported from
:mod:`briefgen.text.environment`, :mod:`briefgen.text.renderer`, :mod:`briefgen.text.sources`
and :mod:`briefgen.text.tokens`, where they are made."""


@dataclass(frozen=True)
class Texts:
    """Rendered inline text: section bodies by section id, and the cover note."""

    sections: dict[str, str]
    cover_note: str
    used: frozenset[tuple[str, str]] = frozenset()
    used_by: dict[str, frozenset[tuple[str, str]]] = field(default_factory=dict)
    """What each template used: (kind, id) pairs by section id, and ``cover_note``."""
    spans: tuple[frozenset[tuple[str, str]], ...] = ()
    """What each use span used, by its number (:func:`~briefgen.text.tokens.use_token`)."""
    by_paragraph: frozenset[str] = frozenset()
    """The templates (section ids, ``cover_note``) whose texts carry use spans: their
    paragraphs are marked one by one, with what their spans used, not with ``used_by``
    (:mod:`briefgen.text.paragraph_marks`)."""


def render_texts(loaded: LoadedSpec, kb: KnowledgeBase, briefing: Briefing) -> Texts:
    """Render every template of the audience's briefing (section bodies, cover note).
    Raises the first :class:`TemplateError`."""
    return _render_all(loaded, kb, briefing, None)


def template_errors(loaded: LoadedSpec, kb: KnowledgeBase, briefing: Briefing) -> list[TemplateError]:
    """Every template error of the audience's briefing (each template is rendered even
    when an earlier one failed), in reading order."""
    return checked_texts(loaded, kb, briefing)[1]


def checked_texts(loaded: LoadedSpec, kb: KnowledgeBase, briefing: Briefing) -> tuple[Texts, list[TemplateError]]:
    """:func:`template_errors`, with the texts rendered on the way (a template that failed
    gives ""; no use spans: what each paragraph used is not recorded)."""
    errors: list[TemplateError] = []
    return _render_all(loaded, kb, briefing, errors), errors


def _render_all(loaded: LoadedSpec, kb: KnowledgeBase, briefing: Briefing,
                errors: list[TemplateError] | None) -> Texts:
    renderer = Renderer(briefing, kb, spec_figures=spec_figure_ids(loaded.spec.sections))

    used_by: dict[str, frozenset[tuple[str, str]]] = {}
    by_paragraph: set[str] = set()

    def render(src: TemplateSource, key: str) -> str:
        renderer.trace = set()
        marked = errors is None and marks_paragraphs(src.text)
        if marked:
            by_paragraph.add(key)
        try:
            return renderer.render(src, marked=marked)
        except TemplateError as exc:
            for_audience(exc, briefing.audience_name)  # --json names the audience (Problem.audiences)
            if errors is None:
                raise
            errors.append(exc)
            return ""
        finally:
            used_by[key] = frozenset(renderer.trace)
            renderer.trace = None

    out: dict[str, str] = {}
    keys = _section_keys(loaded.spec.sections, ("sections",))
    for rs in briefing.all_sections():
        sec = rs.section
        src = template_source(loaded, keys[sec.id] + ("template",), sec.template, sec.template_file,
                              f"section {sec.id!r}")
        if src is not None:
            out[sec.id] = render(src, sec.id)
    note = ""
    aud = briefing.audience
    if aud.cover_note:
        src = template_source(loaded, ("audiences", briefing.audience_name, "cover_note"), aud.cover_note, None,
                              f"audience {briefing.audience_name!r} cover_note")
        assert src is not None, "an inline template always has a source"
        note = render(src, "cover_note")
    return Texts(out, note, frozenset(renderer.used), used_by, tuple(renderer.spans), frozenset(by_paragraph))


def _section_keys(sections, base) -> dict[str, tuple]:
    keys = {}
    for i, s in enumerate(sections):
        keys[s.id] = base + (i,)
        keys.update(_section_keys(s.subsections, base + (i, "subsections")))
    return keys


def spec_figure_ids(sections) -> frozenset[str]:
    """Ids of every chart and image in ``sections`` and their subsections."""
    ids: set[str] = set()
    for sec in sections:
        ids.update(c.id for c in sec.charts)
        ids.update(i.id for i in sec.images)
        if SECTION_KINDS.get(sec.kind) is not None and section_kind(sec.kind).table:
            ids.add(sec.id)
        ids |= spec_figure_ids(sec.subsections)
    return frozenset(ids)
