"""Rendering one audience's templates: the functions templates call (``claim``, ``entity``,
``source``, ``visible``, ``cite``, ``ref``), what they used, and errors located in the
spec or template file."""

from __future__ import annotations

from typing import Any

import jinja2
from jinja2.sandbox import SecurityError

from briefgen.errors import BriefgenError, TemplateError, TemplateSecurityError, WithheldError, did_you_mean
from briefgen.load.project import KnowledgeBase
from briefgen.model.models import Claim, Entity, Source
from briefgen.model.resolved import Briefing
from briefgen.text.environment import compiled, make_environment
from briefgen.text.located import located, template_line
from briefgen.text.nesting import render_failure
from briefgen.text.sources import TemplateSource
from briefgen.text.tokens import cite_token, ref_token


class Renderer:
    """Renders templates for one audience's :class:`Briefing`."""

    def __init__(self, briefing: Briefing, kb: KnowledgeBase, figure_numbers: dict[str, int] | None = None,
                 spec_figures: frozenset[str] = frozenset()):
        self.briefing = briefing
        self.kb = kb
        self.env = make_environment()
        self.used: set[tuple[str, str]] = set()
        """(kind, id) of every claim, entity and source a template printed or cited."""
        self.trace: set[tuple[str, str]] | None = None
        """When a set: also collects what the template being rendered uses."""
        self.figure_numbers = figure_numbers if figure_numbers is not None else briefing.figure_numbers()
        self.figure_numbers = {**self.figure_numbers, **briefing.table_numbers()}  # ref() takes both
        self.spec_figures: frozenset[str] = frozenset(spec_figures) | frozenset(self.figure_numbers)
        """Every chart and image id of the spec, whether or not this audience gets it."""
        self.env.globals.update(
            claim=self._claim, entity=self._entity, source=self._source, visible=self._visible,
            cite=self._cite, ref=self._ref, conflicts=self._conflicts, briefing=briefing.meta,
            audience={"name": briefing.audience_name, "tlp": briefing.audience.tlp.value},
        )

    # ---------------------------------------------------------------- template functions
    def _get(self, kind: str, ident: str, visible: dict, known: dict, hidden: frozenset):
        if ident in visible:
            self.used.add((kind, ident))
            if self.trace is not None:
                self.trace.add((kind, ident))
            return visible[ident]
        if ident in hidden:
            raise WithheldError(
                f"refers to {kind} {ident!r}, which is withheld from audience "
                f"{self.briefing.audience_name!r} (ceiling {self.briefing.audience.tlp.value}); "
                f"wrap it in {{% if visible({ident!r}) %}} ... {{% endif %}}")
        hint = did_you_mean(str(ident), known)
        raise TemplateError(f"unknown {kind} id {ident!r}" + (f"; did you mean {hint!r}?" if hint else ""),
                            code="template-undefined")

    def _claim(self, ident: str) -> Claim:
        """The claim as this audience sees it: every field naming another item lists only what
        the audience may see (a withheld item is not even named): ``sources`` the Source items,
        ``about`` the Entity items (all visible: a claim about a withheld entity is withheld),
        ``contradicts`` the ids of the claims it disagrees with."""
        claim = self._get("claim", ident, self.briefing.claims, self.kb.claims, self.briefing.hidden_claims)
        b = self.briefing
        return claim.model_copy(update={"sources": [b.sources[s] for s in claim.sources if s in b.sources],
                                        "about": [b.entities[e] for e in claim.about if e in b.entities],
                                        "contradicts": [c for c in claim.contradicts if c in b.claims]})

    def _entity(self, ident: str) -> Entity:
        return self._get("entity", ident, self.briefing.entities, self.kb.entities, self.briefing.hidden_entities)

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
        hint = did_you_mean(str(ident), known)
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
            raise WithheldError(
                f"ref(): figure {figure_id!r} is not in audience {self.briefing.audience_name!r}'s "
                f"version (its chart or section is left out for this audience); wrap it in "
                f"{{% if visible({figure_id!r}) %}} ... {{% endif %}}")
        if figure_id not in self.figure_numbers:
            hint = did_you_mean(figure_id, self.spec_figures or self.figure_numbers)
            raise TemplateError(f"ref(): no figure {figure_id!r} in this briefing"
                                + (f"; did you mean {hint!r}?" if hint else ""), code="template-undefined")
        return ref_token(figure_id)

    # ---------------------------------------------------------------- rendering
    def render(self, source: TemplateSource, **extra: Any) -> str:
        """Render one template to inline text; errors carry file, line and the name
        (:class:`TemplateError`; compiling raises as :func:`~briefgen.text.environment.compiled`)."""
        filename = f"{source.file}#{source.key}"
        code = compiled(source)  # its errors are located already
        try:
            template = self.env.template_class.from_code(self.env, code, self.env.make_globals(None), None)
            self.env.begin_render()  # a fresh budget of steps and output (briefgen.text.budget)
            return template.render(**extra)
        except SecurityError as exc:
            line = template_line(exc, filename)
            raise located(TemplateSecurityError, source, line,
                          f"unsafe template access refused by the sandbox: {exc}") from None
        except TemplateError as exc:
            line = template_line(exc, filename)
            raise located(type(exc), source, line, str(exc), exc.code) from None
        except jinja2.UndefinedError as exc:
            line = template_line(exc, filename)
            raise located(TemplateError, source, line, str(exc), "template-undefined") from None
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
            raise located(TemplateError, source, line, f"{type(exc).__name__}: {exc}") from None
