"""Rendering one audience's templates: the functions templates call (``claim``, ``entity``,
``source``, ``visible``, ``cite``, ``ref``), what they used, and errors located in the
spec or template file."""

from __future__ import annotations

from typing import Any

import jinja2
from jinja2.sandbox import SecurityError

from briefgen.errors import (
    BriefgenError,
    DroppedRefError,
    TemplateError,
    TemplateSecurityError,
    WithheldError,
    did_you_mean,
    near_id,
)
from briefgen.load.project import KnowledgeBase
from briefgen.model.models import Claim, Entity, Source
from briefgen.model.resolved import Briefing
from briefgen.text.environment import compiled, make_environment
from briefgen.text.located import located, template_line
from briefgen.text.lookup_messages import no_ref_target, ref_left_out, unquoted_id, withheld
from briefgen.text.nesting import render_failure
from briefgen.text.python_errors import worded
from briefgen.text.sources import TemplateSource
from briefgen.text.syntax_where import file_column
from briefgen.text.template_objects import NamedMapping, OwnedList
from briefgen.text.tokens import cite_token, ref_token, use_token

NAMED_LEVEL = "level-named"
"""The kind under which :attr:`Renderer.used` records the level (its id: a TLP label) of an
item a template printed the name of without using it: a briefing keyword naming it
(:class:`_Keywords`). It marks, it is not shown."""

BUDGET_REASON = "dropped to fit max_pages"
"""How the reason of a section the page budget dropped starts (:mod:`briefgen.resolve.sections`)."""
_PART_OF = "part of section '"
"""How the reason of a chart or image in a left-out section starts (:mod:`briefgen.resolve.sections`)."""

NAMED_CLAIM = "claim-named"
"""The kind under which :attr:`Renderer.used` records a claim a template can name without
using it (an id in another claim's ``contradicts``): the document stage marks the portion as
using that claim would (:meth:`briefgen.document.marking.Marker.template_floor`), and does not
count it as shown."""


class Renderer:
    """Renders templates for one audience's :class:`Briefing`."""

    def __init__(self, briefing: Briefing, kb: KnowledgeBase, figure_numbers: dict[str, int] | None = None,
                 spec_figures: frozenset[str] = frozenset()):
        self.briefing = briefing
        self.kb = kb
        self.env = make_environment()
        self.used: set[tuple[str, str]] = set()
        """(kind, id) of every claim, entity and source a template printed or cited, and
        (:data:`NAMED_CLAIM`, id) of every claim it could name without using."""
        self.trace: set[tuple[str, str]] | None = None
        """When a set: also collects what the template being rendered uses."""
        self.spans: list[frozenset[tuple[str, str]]] = []
        """What each use span marked in a text rendered with ``marked`` (see :meth:`render`) used."""
        self._pending: set[tuple[str, str]] | None = None
        self._copies: dict[tuple[str, str], Claim | Entity] = {}
        """The claim and entity copies templates are given, made once (kind, id): what this audience sees."""
        self.figure_numbers = figure_numbers if figure_numbers is not None else briefing.figure_numbers()
        self.figure_numbers = {**self.figure_numbers, **briefing.table_numbers()}  # ref() takes both
        self.spec_figures: frozenset[str] = frozenset(spec_figures) | frozenset(self.figure_numbers)
        """Every chart and image id of the spec, whether or not this audience gets it."""
        self.env.globals.update(
            claim=self._claim, entity=self._entity, source=self._source, visible=self._visible,
            cite=self._cite, ref=self._ref, conflicts=self._conflicts, briefing=self._template_meta(),
            audience=NamedMapping({"name": briefing.audience_name, "tlp": briefing.audience.tlp.value},
                                  label="audience", noun="field", test="", undefined=self.env.undefined),
        )

    def _template_meta(self) -> Any:
        """The briefing's metadata as templates see it: its keywords record, when read, the
        level of the items they name (``Briefing.keyword_marks``), as printing them would, and
        use the entities they name."""
        meta = self.briefing.meta
        marks = self.briefing.keyword_marks
        if not meta.keywords or not any(marks):
            return meta
        return meta.model_copy(update={"keywords": _Keywords(meta.keywords, marks, self.briefing.keyword_entities,
                                                             self._record)})

    # ---------------------------------------------------------------- template functions
    def _get(self, kind: str, ident: str, visible: dict, known: dict, hidden: frozenset):
        if ident in visible:
            self._record(kind, ident)
            return visible[ident]
        if ident in hidden:
            raise WithheldError(withheld(kind, ident, self.briefing.audience_name, self.briefing.audience.tlp.value))
        hint = near_id(str(ident), known)
        raise TemplateError(f"unknown {kind} id {ident!r}" + (f"; did you mean {hint!r}?" if hint else ""),
                            code="template-undefined")

    def _record(self, kind: str, ident: str) -> None:
        """Record that the template being rendered used (or can name) item ``ident``."""
        self.used.add((kind, ident))
        if self.trace is not None:
            self.trace.add((kind, ident))
        if self._pending is not None:
            self._pending.add((kind, ident))

    def _claim(self, ident: str) -> Claim:
        """The claim as this audience sees it: every field naming another item lists only what
        the audience may see (a withheld item is not even named): ``sources`` the Source items,
        ``about`` the Entity items (all visible: a claim about a withheld entity is withheld),
        ``contradicts`` the ids of the claims it disagrees with."""
        claim = self._get("claim", ident, self.briefing.claims, self.kb.claims, self.briefing.hidden_claims)
        b = self.briefing
        # the copy's fields name other items: its sources and entities mark the portion through the
        # claim itself (briefgen.document.marking); the claims it contradicts are recorded here, when
        # it is handed over, since a template can reach a field without an attribute look-up (a loop)
        for other in claim.contradicts:
            if other in b.claims:
                self._record(NAMED_CLAIM, other)
        seen = self._copies.get(("claim", ident))
        if seen is not None:
            return seen  # type: ignore[return-value]

        def owned(field: str, items: Any) -> OwnedList:  # an index past the end names the claim
            return OwnedList(items, label=f"claim {ident!r}", call=f"claim({ident!r})", field=field,
                             undefined=self.env.undefined)

        copy = self._copies[("claim", ident)] = claim.model_copy(update={
            "sources": owned("sources", (b.sources[s] for s in claim.sources if s in b.sources)),
            "about": owned("about", (b.entities[e] for e in claim.about if e in b.entities)),
            "contradicts": [c for c in claim.contradicts if c in b.claims],
            "figures": owned("figures", claim.figures)})
        return copy

    def _entity(self, ident: str) -> Entity:
        """The entity; its ``attributes`` name it when a key is missing (:mod:`briefgen.text.template_objects`)."""
        entity = self._get("entity", ident, self.briefing.entities, self.kb.entities, self.briefing.hidden_entities)
        seen = self._copies.get(("entity", ident))
        if seen is None:
            seen = self._copies[("entity", ident)] = entity.model_copy(update={"attributes": NamedMapping(
                entity.attributes, label=f"entity {ident!r}", noun="attribute", test=f"entity({ident!r}).attributes",
                undefined=self.env.undefined)})
        return seen  # type: ignore[return-value]

    def _source(self, ident: str) -> Source:
        return self._get("source", ident, self.briefing.sources, self.kb.sources, self.briefing.hidden_sources)

    def _visible(self, ident: str) -> bool:
        b = self.briefing
        if ident in b.claims or ident in b.entities or ident in b.sources or ident in self.figure_numbers:
            return True
        if (ident in b.hidden_claims or ident in b.hidden_entities or ident in b.hidden_sources
                or ident in self.spec_figures):
            return False
        known = list(self.kb.claims) + list(self.kb.entities) + list(self.kb.sources) + sorted(self.spec_figures)
        hint = near_id(str(ident), known)
        raise TemplateError(f"visible(): unknown id {ident!r}" + (f"; did you mean {hint!r}?" if hint else ""),
                            code="template-undefined")

    def _conflicts(self, measure: str | None = None) -> list:
        """The disputed quantities this audience may see (:mod:`briefgen.text.conflicts`), of
        ``measure`` only when given; an unknown measure fails with a did-you-mean."""
        from briefgen.text.conflicts import dispute_views

        if measure is not None:
            known = {f.measure for c in self.kb.claims.values() for f in c.figures if f.measure}
            if measure not in known:
                hint = did_you_mean(str(measure), known)
                raise TemplateError(f"conflicts(): no figure measures {measure!r}"
                                    + (f"; did you mean {hint!r}?" if hint else ""), code="template-undefined")
        views = dispute_views(self.briefing, measure)
        for view in views:
            for cid in view.claims:
                self._claim(cid)  # what the template prints is used (markings, endnotes)
        return views

    def _cite(self, *ids: str) -> str:
        if not ids:
            raise TemplateError("cite() needs at least one claim id")
        for ident in ids:
            self._claim(ident)
        return cite_token(tuple(ids))

    def _ref(self, figure_id: str) -> str:
        if figure_id in self.spec_figures and figure_id not in self.figure_numbers:
            guard = f"wrap it in {{% if visible({figure_id!r}) %}} ... {{% endif %}}"  # the dropped section's fix
            dropped = self._budget_dropped(figure_id)
            if dropped is not None:
                section, reason = dropped
                raise DroppedRefError(
                    f"ref(): figure {figure_id!r} is not in the version for audience {self.briefing.audience_name!r}: "
                    f"section {section!r} was {reason}; give section {section!r} a higher priority, or {guard}",
                    figure=figure_id, section=section)
            why = next((w.reason for w in self.briefing.withheld if w.kind == "chart" and w.id == figure_id
                        and w.reason.startswith("nothing to draw")),
                       "its chart or section is left out for this audience")
            raise WithheldError(ref_left_out(figure_id, self.briefing.audience_name, why))
        if figure_id not in self.figure_numbers:
            kinds = {rs.section.id: rs.section.kind for rs in self.briefing.all_sections()}
            raise TemplateError(no_ref_target(figure_id, self.spec_figures or self.figure_numbers, kinds),
                                code="template-undefined")
        return ref_token(figure_id)

    def _budget_dropped(self, figure_id: str) -> tuple[str, str] | None:
        """``(section id, reason)`` when figure or table ``figure_id`` is left out because the
        page budget dropped its section (the reason as :mod:`briefgen.resolve.sections`
        records it, "dropped to fit max_pages ..."), else None."""
        reasons = {w.id: w.reason for w in self.briefing.withheld if w.kind == "section"}
        section = figure_id if figure_id in reasons else None  # a table is its section
        if section is None:
            part_of = next((w.reason for w in self.briefing.withheld if w.kind in ("chart", "image")
                            and w.id == figure_id and w.reason.startswith(_PART_OF)), "")
            section = part_of[len(_PART_OF):].split("'")[0] if part_of else None
        if section is None or not reasons.get(section, "").startswith(BUDGET_REASON):
            return None
        return section, reasons[section]

    # ---------------------------------------------------------------- rendering
    def _marked(self, template: Any, extra: dict[str, Any]) -> str:
        """``template`` rendered piece by piece (Jinja2 yields each output node of a template
        that writes into no buffer), each piece printed after a use between the marks of a
        use span; uses after the last piece mark the end of the text."""
        out: list[str] = []
        pending: set[tuple[str, str]] = set()
        self._pending = pending
        try:
            for piece in template.generate(**extra):
                if pending and piece:
                    out += self._span(pending, piece)
                else:
                    out.append(piece)
            if pending:
                out += self._span(pending, "")
        finally:
            self._pending = None
        return "".join(out)

    def _span(self, pending: set[tuple[str, str]], piece: str) -> list[str]:
        n = len(self.spans)
        self.spans.append(frozenset(pending))
        pending.clear()
        return [use_token(n, start=True), piece, use_token(n, start=False)]

    def render(self, source: TemplateSource, *, marked: bool = False, **extra: Any) -> str:
        """Render one template to inline text; errors carry file, line and the name
        (:class:`TemplateError`; compiling raises as :func:`~briefgen.text.environment.compiled`).

        ``marked``: every piece of output printed after the template used an item (a claim,
        entity or source, since the piece before) is put between the marks of a use span
        (:func:`~briefgen.text.tokens.use_token`; what it used in :attr:`spans`), so that the
        document can mark each paragraph with what was used in it, not the whole template.
        Only for templates whose every use lands in the piece it is printed in
        (:func:`briefgen.text.paragraph_marks.marks_paragraphs`)."""
        filename = f"{source.file}#{source.key}"
        code = compiled(source)  # its errors are located already
        try:
            template = self.env.template_class.from_code(self.env, code, self.env.make_globals(None), None)
            self.env.begin_render()  # a fresh budget of steps and output (briefgen.text.budget)
            if marked:
                return self._marked(template, extra)
            return template.render(**extra)
        except SecurityError as exc:
            line = template_line(exc, filename)
            raise located(TemplateSecurityError, source, line, f"unsafe template access refused by the sandbox: {exc}",
                          audience=self._audience_at()) from None
        except DroppedRefError as exc:  # located, still naming the figure and its section
            err = located(DroppedRefError, source, template_line(exc, filename), str(exc), exc.code)
            raise DroppedRefError(str(err), err.problems, code=err.code, figure=exc.figure,
                                  section=exc.section) from None
        except WithheldError as exc:  # names its audience already
            line = template_line(exc, filename)
            raise located(type(exc), source, line, str(exc), exc.code) from None
        except TemplateError as exc:
            line = template_line(exc, filename)
            raise located(type(exc), source, line, str(exc), exc.code, self._audience_at()) from None
        except jinja2.UndefinedError as exc:
            line = template_line(exc, filename)
            lines = source.text.splitlines()
            written = lines[line - 1] if 0 < line <= len(lines) else ""
            message, column = unquoted_id(str(exc), written)  # claim(c-one): an id without its quotes
            at = (column, file_column(source, line, written, column)) if column else (0, 0)
            raise located(TemplateError, source, line, message, "template-undefined", self._audience_at(),
                          column=at) from None
        except BriefgenError:
            raise
        except RecursionError as exc:  # a recursive macro, a value nested too deeply (briefgen.text.nesting)
            raise located(TemplateError, source, template_line(exc, filename), render_failure(),
                          "template-too-deep") from None
        except MemoryError as exc:  # what no size check foresaw: still located
            line = template_line(exc, filename)
            raise located(TemplateSecurityError, source, line, "the template needs more memory than there is") from None
        except Exception as exc:  # a filter given the wrong type, a division by zero...
            line = template_line(exc, filename)
            raise located(TemplateError, source, line, *worded(exc),  # in briefgen's words
                          audience=self._audience_at()) from None

    def _audience_at(self) -> tuple[str, str] | None:
        """(this audience's name, the innermost audience test) when the template stopped inside a
        branch of ``{% if visible(...) %}`` or another audience test, which runs for some audiences
        only (:mod:`briefgen.text.audience_lines`); else None."""
        inside = getattr(self.env, "audience_tests", None)
        return (self.briefing.audience_name, inside[-1]) if inside else None


class _Keywords(list):
    """A briefing's keywords for templates: reading them (iterating, printing, one by index)
    records the level of the items each names, under :data:`NAMED_LEVEL`, and uses the entities
    each names (``Briefing.keyword_entities``): the text prints their names, so the edition shows
    them (:mod:`briefgen.document.keywords`)."""

    def __init__(self, keywords: list[str], marks: tuple, entities: tuple, record: Any) -> None:
        super().__init__(keywords)
        self._levels = [mark[3].value if mark is not None else "" for mark in marks]
        self._entities = [tuple(e for group in groups for e in group) for groups in entities]
        self._entities += [()] * (len(keywords) - len(self._entities))
        self._record = record

    def _read(self, index: int | slice | None = None) -> None:
        positions = range(len(self._levels))
        picked = positions if index is None else positions[index]
        for at in [picked] if isinstance(picked, int) else picked:
            if self._levels[at]:
                self._record(NAMED_LEVEL, self._levels[at])
            for entity in self._entities[at]:
                self._record("entity", entity)

    def __iter__(self) -> Any:
        self._read()
        return super().__iter__()

    def __getitem__(self, index: Any) -> Any:
        self._read(index)
        return super().__getitem__(index)
