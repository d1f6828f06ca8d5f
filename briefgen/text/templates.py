"""Jinja2 templates: sandboxed, strict, located errors.

Templates run in :class:`jinja2.sandbox.SandboxedEnvironment`; reaching for internals
(``{{ cycler.__init__.__globals__ }}``) raises :class:`~briefgen.errors.TemplateSecurityError`.
Undefined names and missing fields raise :class:`~briefgen.errors.TemplateError` naming the
file, line and field (``entity 'china-minmetals' has no field 'country'``); nothing renders
as an empty string by accident.

What templates see (per audience):

* ``briefing`` (title, date, desk ...), ``audience`` (its name);
* ``claim(id)``, ``entity(id)``, ``source(id)``: the item, or an error when it is unknown
  or withheld from this audience (ask ``visible(id)`` first);
* ``visible(id)``: True when this audience may see that claim, entity or source;
* ``cite(id, ...)``: superscript endnote numbers of the claims' sources;
* ``ref(figure_id)``: "Figure N", linked to the figure;
* filters ``date``, ``figure``, ``likelihood``, ``number``.

The output is *inline text*: author markup (``**bold**``, ``*italic*``, ``[text](url)``) and
citation tokens, turned into ReportLab markup by :mod:`briefgen.text.inline`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment, SecurityError
from pydantic import BaseModel

from briefgen.compat.jinja2 import MISSING, AuthorUndefined, require_supported
from briefgen.errors import BriefgenError, SpecError, TemplateError, TemplateSecurityError, WithheldError, did_you_mean
from briefgen.load.project import KnowledgeBase, LoadedSpec
from briefgen.model.models import BriefingMeta, Claim, Entity, Figure, Source
from briefgen.model.resolved import Briefing
from briefgen.model.vocab import Likelihood, PartialDate
from briefgen.text import fmt

TOKEN_OPEN, TOKEN_CLOSE = "\ue000", "\ue001"
"""Private-use characters delimiting citation/reference tokens in inline text."""


def cite_token(claim_ids: tuple[str, ...]) -> str:
    """The inline token standing for citations of ``claim_ids``."""
    return f"{TOKEN_OPEN}cite:{','.join(claim_ids)}{TOKEN_CLOSE}"


def ref_token(figure_id: str) -> str:
    """The inline token standing for a reference to figure ``figure_id``."""
    return f"{TOKEN_OPEN}ref:{figure_id}{TOKEN_CLOSE}"


_KIND_NAMES = {Claim: "claim", Entity: "entity", Source: "source", Figure: "figure",
               BriefingMeta: "briefing"}

_TEMPLATE_NAMES = ("claim", "entity", "source", "visible", "cite", "ref", "briefing", "audience",
                   "range", "dict", "lipsum", "cycler", "joiner", "namespace")
"""Names every template sees (briefgen's globals and Jinja2's), for did-you-mean hints."""


def _describe(obj: Any) -> str:
    """``entity 'china-minmetals'`` for knowledge-base items, ``briefing`` for the metadata."""
    kind = _KIND_NAMES[type(obj)]
    if kind == "briefing":
        return kind
    return f"{kind} {getattr(obj, 'id', getattr(obj, 'label', ''))!r}"


class _Undefined(AuthorUndefined):
    """StrictUndefined with messages in the author's terms."""

    __slots__ = ()

    def _briefgen_message(self, hint: str | None, obj: Any, name: Any) -> str | None:
        if hint:  # e.g. the sandbox's "access to attribute ... is unsafe"
            return hint
        if type(obj) in _KIND_NAMES:
            fields = list(type(obj).model_fields)
            close = did_you_mean(str(name), fields)
            return (f"{_describe(obj)} has no field {name!r}"
                    + (f"; did you mean {close!r}?" if close else f" (fields: {', '.join(fields)})"))
        if obj is MISSING:
            close = did_you_mean(str(name), _TEMPLATE_NAMES)
            return f"{name!r} is undefined" + (f"; did you mean {close!r}?" if close else "")
        return None


class _Unset(_Undefined):
    """An optional field left out of the knowledge base (``entity(...).country`` when no
    country is written). Printing it, or reaching into it, fails like a missing field;
    ``{% if ... %}``, ``is defined``, ``default()`` and ``==`` treat it as absent."""

    __slots__ = ()

    def _briefgen_message(self, hint: str | None, obj: Any, name: Any) -> str | None:
        return (f"{_describe(obj)} has no field {name!r} set in the knowledge base; "
                f"test it first ({{% if ... .{name} %}}) or give a default (| default('...'))")

    def __bool__(self) -> bool:
        return False

    __eq__ = jinja2.Undefined.__eq__
    __ne__ = jinja2.Undefined.__ne__
    __hash__ = jinja2.Undefined.__hash__


def _finalize(value: Any) -> Any:
    if isinstance(value, PartialDate):
        return value.render()
    if isinstance(value, Figure):
        return fmt.figure(value)
    if isinstance(value, Likelihood):
        return value.value
    if hasattr(value, "value") and type(value).__module__.endswith("vocab"):
        return value.value
    return value


MAX_TEMPLATE_SIZE = 1_000_000
"""Largest string or list a template may build with ``*``, and the largest ``**`` result
(in digits): ``{{ 'x' * 10**10 }}`` is refused instead of exhausting memory."""


class _Environment(SandboxedEnvironment):
    """The sandbox, plus: an optional field of a knowledge-base item that is not set (None)
    is an :class:`_Unset` undefined, so it cannot print as ``None`` or as nothing; and
    ``*`` / ``**`` are bounded by :data:`MAX_TEMPLATE_SIZE`."""

    intercepted_binops = frozenset(["*", "**"])

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(left, (int, float)) and isinstance(right, (int, float)):
            if abs(left) > 1 and right > 0 and right * math.log10(abs(left)) > 100:
                raise SecurityError(f"{left!r} ** {right!r} is too large for a template")
        if operator == "*":
            for seq, n in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(n, int) and len(seq) * n > MAX_TEMPLATE_SIZE:
                    raise SecurityError(f"repeating a {type(seq).__name__} {n} times is too large for a template")
        return super().call_binop(context, operator, left, right)

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        """Also refuse pydantic's machinery (``model_copy``, ``model_validate`` ...) on
        knowledge-base items: templates read fields, they do not build objects."""
        if isinstance(obj, BaseModel) and attr.startswith("model_"):
            return False
        return super().is_safe_attribute(obj, attr, value)

    def getattr(self, obj: Any, attribute: str) -> Any:
        return self._unset(obj, attribute, super().getattr(obj, attribute))

    def getitem(self, obj: Any, argument: Any) -> Any:
        return self._unset(obj, argument, super().getitem(obj, argument))

    def _unset(self, obj: Any, name: Any, value: Any) -> Any:
        if value is None and type(obj) in _KIND_NAMES and name in type(obj).model_fields:
            return _Unset(obj=obj, name=name)
        return value


def make_environment() -> SandboxedEnvironment:
    """The sandboxed, strict Jinja2 environment all briefgen templates use.

    Raises :class:`~briefgen.compat.UnsupportedLibraryError` for a Jinja2 outside the versions
    :mod:`briefgen.compat.jinja2` was written for."""
    require_supported()
    env = _Environment(undefined=_Undefined, autoescape=False, finalize=_finalize,
                       keep_trailing_newline=False, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(
        date=lambda d, missing="undated": fmt.date(None if isinstance(d, _Unset) else d, missing),
        figure=fmt.figure,
        likelihood=fmt.likelihood,
        number=fmt.number,
    )
    return env


@dataclass(frozen=True)
class TemplateSource:
    """A template's text and where it was written: ``file`` and the 1-based ``line`` of its
    first line there; ``label`` names it in messages (``section 'bluf'``)."""

    text: str
    file: str
    line: int
    label: str
    key: str


@lru_cache(maxsize=512)
def _compile(text: str, name: str, filename: str) -> Any:
    return _compiler().compile(text, name=name, filename=filename)


@lru_cache(maxsize=1)
def _compiler() -> SandboxedEnvironment:
    return make_environment()


def compiled(source: TemplateSource) -> Any:
    """The Python code of ``source``, compiled once per process: validation and every
    audience's rendering share it (Jinja2's code depends on the environment's settings,
    which :func:`make_environment` fixes, not on its globals). Raises
    :class:`jinja2.TemplateSyntaxError`."""
    return _compile(source.text, source.label, f"{source.file}#{source.key}")


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
            cite=self._cite, ref=self._ref, briefing=briefing.meta,
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
        raise TemplateError(f"unknown {kind} id {ident!r}" + (f"; did you mean {hint!r}?" if hint else ""))

    def _claim(self, ident: str) -> Claim:
        return self._get("claim", ident, self.briefing.claims, self.kb.claims, self.briefing.hidden_claims)

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
        raise TemplateError(f"visible(): unknown id {ident!r}" + (f"; did you mean {hint!r}?" if hint else ""))

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
                                + (f"; did you mean {hint!r}?" if hint else ""))
        return ref_token(figure_id)

    # ---------------------------------------------------------------- rendering
    def render(self, source: TemplateSource, **extra: Any) -> str:
        """Render one template to inline text; errors carry file, line and the name."""
        filename = f"{source.file}#{source.key}"
        try:
            code = compiled(source)
            template = self.env.template_class.from_code(self.env, code, self.env.make_globals(None), None)
            return template.render(**extra)
        except jinja2.TemplateSyntaxError as exc:
            raise self._located(TemplateError, source, exc.lineno or 1, f"template syntax error: {exc.message}") from None
        except SecurityError as exc:
            line = _template_line(exc, filename)
            raise self._located(TemplateSecurityError, source, line,
                                f"unsafe template access refused by the sandbox: {exc}") from None
        except TemplateError as exc:
            line = _template_line(exc, filename)
            raise self._located(type(exc), source, line, str(exc)) from None
        except jinja2.UndefinedError as exc:
            line = _template_line(exc, filename)
            raise self._located(TemplateError, source, line, str(exc)) from None
        except BriefgenError:
            raise
        except Exception as exc:  # a filter given the wrong type, a division by zero...
            line = _template_line(exc, filename)
            raise self._located(TemplateError, source, line, f"{type(exc).__name__}: {exc}") from None

    @staticmethod
    def _located(cls: type[TemplateError], source: TemplateSource, line: int, message: str) -> TemplateError:
        return cls(f"{source.file}:{source.line + line - 1}: {source.label} (line {line} of the template): {message}")


def _template_line(exc: BaseException, filename: str) -> int:
    tb = exc.__traceback__
    line = 1
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == filename:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def template_source(loaded: LoadedSpec, key: tuple, text: str | None, file: str | None,
                    label: str) -> TemplateSource | None:
    """Where a template written at spec key ``key`` (inline ``text`` or a ``file``) lives.

    Template files are resolved inside the project (see :mod:`briefgen.load.paths`).
    """
    from briefgen.load.paths import resolve_inside
    from briefgen.load.project import origin_dir
    from briefgen.load.yamlsrc import display_path

    if file is not None:
        file_key = key[:-1] + ("template_file",)
        # relative to the spec file that wrote it (a parent spec's own folder under 'extends')
        path = resolve_inside(file, base=origin_dir(loaded.source, file_key), root=loaded.root,
                              doc=loaded.source, key=file_key, what="template file")
        try:
            body = path.read_bytes().decode("utf-8-sig")
        except OSError as exc:
            raise SpecError([loaded.source.problem(file_key, f"cannot read template file {file!r}: "
                                                   f"{exc.strerror or exc}", code="unreadable-file")]) from None
        except UnicodeDecodeError as exc:
            raise SpecError([loaded.source.problem(file_key, f"template file {file!r} is not valid UTF-8",
                                                   got=f"byte 0x{exc.object[exc.start]:02x} at offset {exc.start}",
                                                   code="encoding")]) from None
        return TemplateSource(body, display_path(path), 1, label, "template")
    if text is None:
        return None
    problem = loaded.source.problem(key, "")
    line = problem.line
    try:
        raw_line = Path(problem.file).read_text(encoding="utf-8-sig").splitlines()[line - 1]
        after = raw_line[problem.column - 1:].lstrip()
        if after[:1] in ("|", ">"):
            line += 1
    except (OSError, IndexError, ValueError):
        pass
    return TemplateSource(text, problem.file, line, label, problem.key)


@dataclass(frozen=True)
class Texts:
    """Rendered inline text: section bodies by section id, and the cover note."""

    sections: dict[str, str]
    cover_note: str
    used: frozenset[tuple[str, str]] = frozenset()
    used_by: dict[str, frozenset[tuple[str, str]]] = field(default_factory=dict)
    """What each template used: (kind, id) pairs by section id, and ``cover_note``."""


def render_texts(loaded: LoadedSpec, kb: KnowledgeBase, briefing: Briefing) -> Texts:
    """Render every template of the audience's briefing (section bodies, cover note).
    Raises the first :class:`TemplateError`."""
    return _render_all(loaded, kb, briefing, None)


def template_errors(loaded: LoadedSpec, kb: KnowledgeBase, briefing: Briefing) -> list[TemplateError]:
    """Every template error of the audience's briefing (each template is rendered even
    when an earlier one failed), in reading order."""
    errors: list[TemplateError] = []
    _render_all(loaded, kb, briefing, errors)
    return errors


def _render_all(loaded: LoadedSpec, kb: KnowledgeBase, briefing: Briefing,
                errors: list[TemplateError] | None) -> Texts:
    renderer = Renderer(briefing, kb, spec_figures=spec_figure_ids(loaded.spec.sections))

    used_by: dict[str, frozenset[tuple[str, str]]] = {}

    def render(src: TemplateSource, key: str) -> str:
        renderer.trace = set()
        try:
            return renderer.render(src)
        except TemplateError as exc:
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
        note = render(src, "cover_note")
    return Texts(out, note, frozenset(renderer.used), used_by)


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
        if sec.kind == "claims_table":
            ids.add(sec.id)
        ids |= spec_figure_ids(sec.subsections)
    return frozenset(ids)
