"""The Jinja2 environment every briefgen template runs in: sandboxed, strict, bounded.

What a template may build and how long it may run is bounded by
:mod:`briefgen.text.budget` and :mod:`briefgen.text.limits` (:data:`MAX_TEMPLATE_SIZE`).

Templates run in :class:`jinja2.sandbox.SandboxedEnvironment`; reaching for internals
(``{{ cycler.__init__.__globals__ }}``) raises :class:`jinja2.sandbox.SecurityError`.
Undefined names and missing fields fail with a message in the author's terms
(``entity 'china-minmetals' has no field 'country'``); an optional field left out of the
knowledge base is an undefined too (:class:`_Unset`: none to ``is none``, ``== none`` and
``!= none``), so nothing renders as an empty string or ``None`` by accident, while a name that is
no field of the item at all (a misspelt field) fails as soon as it is read, in a test or a
comparison too. Jinja2's undefined internals are reached only through :mod:`briefgen.compat.jinja2`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment
from pydantic import BaseModel

from briefgen.compat.jinja2 import MISSING, AuthorUndefined, require_supported, undefined_hint
from briefgen.errors import TemplateError, did_you_mean
from briefgen.load.cacheroot import cache_dir, cache_disabled
from briefgen.model.models import BriefingMeta, Claim, Entity, Figure, Source
from briefgen.text.budget import BoundedSandbox, UnsupportedTag
from briefgen.text.bytecode import compile_cached, fingerprint
from briefgen.text.codegen import TemplateCodeGenerator
from briefgen.text.filter_text import formatted_values, formatting, wrap_text_filters
from briefgen.text.filters import briefgen_filters
from briefgen.text.limits import MAX_TEMPLATE_SIZE  # noqa: F401 - re-exported (briefgen.text.templates)
from briefgen.text.linebreaks import keep_line_breaks
from briefgen.text.located import located
from briefgen.text.missing_values import refuse_missing
from briefgen.text.nesting import compile_failure
from briefgen.text.printcheck import checked, concat_texts, none_refused
from briefgen.text.printing import printable
from briefgen.text.sources import TemplateSource
from briefgen.text.syntax_where import syntax_where
from briefgen.text.template_objects import no_view_field

_KIND_NAMES: dict[type, str] = {Claim: "claim", Entity: "entity", Source: "source", Figure: "figure",
               BriefingMeta: "briefing"}

_TEMPLATE_NAMES = ("claim", "entity", "source", "visible", "cite", "ref", "conflicts", "briefing", "audience",
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
            return no_such_field(obj, name)
        if obj is MISSING:
            close = did_you_mean(str(name), _TEMPLATE_NAMES)
            return f"{name!r} is undefined" + (f"; did you mean {close!r}?" if close else "")
        if isinstance(obj, Mapping) and isinstance(name, str):
            return _no_such_key(obj, name)
        return no_view_field(obj, name)  # a conflicts() value's field, or None (briefgen.text.template_objects)


def no_such_field(obj: Any, name: Any) -> str:
    """The message for ``name``, which is no field of the knowledge-base item ``obj`` at all (a
    misspelt field): the item, the field, its fields (as ``expected``) and the did-you-mean."""
    fields = list(type(obj).model_fields)
    close = did_you_mean(str(name), fields)
    return (f"{_describe(obj)} has no field {name!r} (expected one of its fields: {', '.join(fields)}, "
            f"got {name!r})" + (f"; did you mean {close!r}?" if close else ""))


def _no_such_key(obj: Mapping, name: str) -> str:
    keys = [str(k) for k in obj]
    close = did_you_mean(name, keys)
    shown = ("one of its keys: " + ", ".join(keys[:20]) + (", ..." if len(keys) > 20 else "") if keys
             else "a key, but it has none")
    return (f"no key {name!r} in this mapping; to test a key that may be missing, read it with "
            f".get({name!r}), which gives none when it is missing (expected {shown}, got {name!r})"
            + (f"; did you mean {close!r}?" if close else ""))


class _Unset(_Undefined):
    """An optional field left out of the knowledge base (``entity(...).country`` when no
    country is written). Printing it, or reaching into it, fails like a missing field;
    ``{% if ... %}``, ``is defined``, ``default()`` and ``is none`` treat it as absent, and
    ``== none`` / ``!= none`` compare it as None (as ``is none`` does)."""

    __slots__ = ()

    def _briefgen_message(self, hint: str | None, obj: Any, name: Any) -> str | None:
        return (f"{_describe(obj)} has no field {name!r} set in the knowledge base; "
                f"test it first ({{% if ... .{name} %}}) or give a default (| default('...'))")

    # StrictUndefined makes these fail (its stub types them as its error function); an unset
    # field is falsy and equal to None (and to another unset field), on purpose
    def __bool__(self) -> bool:  # type: ignore[override]
        return False

    def __eq__(self, other: object) -> bool:  # type: ignore[override]
        return other is None or type(other) is type(self)

    def __ne__(self, other: object) -> bool:  # type: ignore[override]
        return not self.__eq__(other)

    __hash__ = jinja2.Undefined.__hash__  # type: ignore[assignment]


@jinja2.pass_environment
def _finalize(env: Any, value: Any) -> Any:
    """What ``{{ value }}`` prints (knowledge-base values in their written form, floats as a
    person writes them), counted against the render's output budget
    (:mod:`briefgen.text.budget`). Raises :class:`~briefgen.errors.TemplateError` (code
    ``template-not-text``) for a value with no text of its own: a function not called, a
    generator, an object whose text would be its repr (:mod:`briefgen.text.printcheck`)."""
    printed = getattr(env, "briefgen_printed", None)
    if printed is not None:  # measured before it is made text: a list is joined only when small enough
        printed(value)
    return printable(checked(value, env.globals))  # its text, never a Python repr (briefgen.text.printing)


class _Environment(BoundedSandbox):
    """The bounded sandbox (:class:`~briefgen.text.budget.BoundedSandbox`: sizes, loops,
    calls and output are limited), plus: an optional field of a knowledge-base item that is
    not set (None) is an :class:`_Unset` undefined, so it cannot print as ``None`` or as
    nothing; ``~`` of constants is worked out by :meth:`briefgen_concat` as for variables
    (:mod:`briefgen.text.folding`); ``audience_tests`` holds the audience tests (``visible('c-x')``)
    whose branches the running template is inside (:mod:`briefgen.text.audience_lines`)."""

    code_generator_class = TemplateCodeGenerator

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.audience_tests: list[str] = []

    def begin_render(self) -> Any:
        """A fresh budget (:meth:`BoundedSandbox.begin_render`), and no audience test entered."""
        self.audience_tests.clear()
        return super().begin_render()

    def briefgen_enter(self, test: str) -> None:
        """The template enters a branch of audience test ``test`` (:mod:`briefgen.text.audience_lines`)."""
        self.audience_tests.append(test)

    def briefgen_leave(self, _entered: Any = None, value: Any = None) -> Any:
        """The template leaves the innermost audience test's branch; gives ``value`` back (an inline
        ``if``'s value)."""
        if self.audience_tests:
            self.audience_tests.pop()
        return value

    def briefgen_concat(self, parts: tuple) -> str:
        """``a ~ b``: each part as ``{{ }}`` prints it (:func:`_finalize`: an ICD 203 term as its words,
        a date as written, a float as a person writes it; None and values with no text refused), not
        as Python's ``str()`` gives it (``Likelihood.LIKELY``)."""
        return super().briefgen_concat(concat_texts(parts, self.globals))

    def wrap_str_format(self, value: Any) -> Any:
        """``'{}'.format(x)`` and ``format_map`` refuse None and write values as ``{{ }}`` prints
        them (:mod:`briefgen.text.filter_text`)."""
        wrapped = super().wrap_str_format(value)
        return wrapped if wrapped is None else formatting(wrapped, value.__name__, self.globals)

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        """Also refuse pydantic's machinery (``model_copy``, ``model_validate`` ...) on
        knowledge-base items: templates read fields, they do not build objects."""
        if isinstance(obj, BaseModel) and attr.startswith("model_"):
            return False
        return super().is_safe_attribute(obj, attr, value)

    def getattr(self, obj: Any, attribute: str) -> Any:
        return self._field(obj, attribute, super().getattr(obj, attribute))

    def getitem(self, obj: Any, argument: Any) -> Any:
        return self._field(obj, argument, super().getitem(obj, argument))

    def _field(self, obj: Any, name: Any, value: Any) -> Any:
        """``value``, read as ``obj.name``: an :class:`_Unset` undefined for an optional field of a
        knowledge-base item that is not set. Raises :class:`jinja2.UndefinedError` (its message:
        :func:`no_such_field`) at once for a name that is no field of the item at all (a misspelt
        field), which would otherwise pass ``is none``, ``is defined``, ``default()`` and
        ``selectattr`` as a field that is not set; an item's fields are fixed by its kind."""
        if type(obj) not in _KIND_NAMES:
            return value
        if value is None and name in type(obj).model_fields:
            return _Unset(obj=obj, name=name)
        if type(value) is _Undefined and undefined_hint(value) is None:  # not the sandbox's refusal
            raise jinja2.UndefinedError(no_such_field(obj, name))
        return value

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        """``'%s' % x`` refuses None and writes values as ``{{ }}`` prints them
        (:mod:`briefgen.text.filter_text`); ``'a' + x`` with ``x`` None is the located
        ``template-prints-none`` error of ``'a' ~ x``, not Python's TypeError."""
        if operator == "%" and isinstance(left, str):
            right = formatted_values(right, self.globals, left)
        elif operator == "+" and (left is None or right is None) and isinstance(right if left is None else left, str):
            raise none_refused("'+' cannot join text and None", "", _ADVICE_JOIN)
        return super().call_binop(context, operator, left, right)


_ADVICE_JOIN = ("Join it only when it is set ({% if value %}...{% endif %}), or give it a default: "
                "(value | default(\"not known\", true))")


def is_none(value: Any) -> bool:
    """The ``none`` test: None, or a field the knowledge base leaves unset (``{% if source('s').date
    is none %}``, ``| rejectattr('country', 'none')``). An unset field is an undefined value, not
    None, so Jinja2's own test said no. Any other undefined value (an unknown name, a missing key)
    raises its own located error (:class:`jinja2.UndefinedError`) rather than count as none: a
    misspelt name would silently be none. The undefined of an inline ``if`` without ``else`` (no
    value) counts as none."""
    if value is None or isinstance(value, _Unset):
        return True
    if isinstance(value, jinja2.StrictUndefined):
        str(value)  # strict: raises its own message (the name, what there is, the did-you-mean)
    return isinstance(value, jinja2.Undefined)


def make_environment() -> BoundedSandbox:
    """The sandboxed, strict Jinja2 environment all briefgen templates use.

    Raises :class:`~briefgen.compat.UnsupportedLibraryError` for a Jinja2 outside the versions
    :mod:`briefgen.compat.jinja2` was written for."""
    require_supported()
    env = _Environment(undefined=_Undefined, autoescape=False, finalize=_finalize,
                       keep_trailing_newline=False, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(briefgen_filters(_Unset))  # each checks what it is given (briefgen.text.filters)
    env.tests["none"] = is_none  # an unset field counts as none, as written
    wrap_text_filters(env.filters, env.globals)  # None refused, values as {{ }} prints them (briefgen.text.filter_text)
    refuse_missing(env.filters, _Unset)  # | date and | likelihood given nothing (briefgen.text.missing_values)
    return env


_QUOTES = str.maketrans({"'": "\u2018", '"': "\u201c"})
"""Jinja2 writes a template's name into the code it makes as ``"... in {name!r} ..."`` (the message of
an inline ``if`` without ``else``): a name with a quote (``section 's'``) would end that string and
the code would not compile. Typographic quotes read the same."""


@lru_cache(maxsize=4096)
def _compile(text: str, name: str, filename: str) -> Any:
    env = _compiler()
    text = keep_line_breaks(text)  # a line of text ending in a tag keeps its newline (briefgen.text.linebreaks)
    name = name.translate(_QUOTES)
    if cache_disabled():
        return env.compile(text, name=name, filename=filename)
    return compile_cached(env, _cache_folder(cache_dir("jinja")), text, name, filename)


@lru_cache(maxsize=1)
def _compiler() -> SandboxedEnvironment:
    return make_environment()


@lru_cache(maxsize=8)
def _cache_folder(root: Path) -> Path:
    """The folder of this environment's compiled templates under ``root`` (one per
    :func:`~briefgen.text.bytecode.fingerprint`)."""
    return root / fingerprint(_compiler())


def compiled(source: TemplateSource) -> Any:
    """The Python code of ``source``, compiled once per process and kept across processes
    (:mod:`briefgen.text.bytecode`): validation and every audience's rendering share it
    (Jinja2's code depends on the environment's settings, which :func:`make_environment`
    fixes, not on its globals).

    Raises :class:`~briefgen.errors.TemplateError` located at the template's line (see
    :func:`briefgen.text.located.located`): ``template-syntax`` for a syntax error (with its
    column and an excerpt marking it, :mod:`briefgen.text.syntax_where`) or a tag
    that loads another template (``{% include %}``, ``{% import %}``, ``{% extends %}``:
    :class:`~briefgen.text.budget.UnsupportedTag`), ``template-too-deep`` for a template
    nested deeper than Python compiles (:mod:`briefgen.text.nesting`)."""
    try:
        return _compile(source.text, source.label, f"{source.file}#{source.key}")
    except UnsupportedTag as exc:
        raise located(TemplateError, source, exc.lineno or 1, exc.message or "", "template-syntax") from None
    except jinja2.TemplateSyntaxError as exc:
        where = syntax_where(_compiler(), source, exc)  # the column Jinja2 does not give, and an excerpt
        said = where.message or exc.message
        raise located(TemplateError, source, exc.lineno or 1, f"template syntax error: {said}{where.note}",
                      "template-syntax", column=(where.column, where.file_column)) from None
    except (RecursionError, SyntaxError, MemoryError, OverflowError) as exc:  # Python's limits (nesting.py)
        line, message = compile_failure(_compiler(), source.text, exc)
        raise located(TemplateError, source, line, message, "template-too-deep") from None


_TAGS = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)
"""An expression or statement tag (the text between them is not read)."""
_NAMED = re.compile(r"\|\s*([A-Za-z_]\w*)|\bis\s+(?:not\s+)?([A-Za-z_]\w*)")
"""A name after ``|`` (a filter) or ``is`` / ``is not`` (a test) in a tag."""


def check_names(source: TemplateSource) -> None:
    """Raise :class:`~briefgen.errors.TemplateError` (``template-syntax``, located at the name
    with its column and a did-you-mean, as :func:`compiled` locates a syntax error) for a filter
    or test the environment does not have, wherever it stands: Jinja2 reports one inside a
    block that does not run (``{% if visible(...) %}``) only when that block runs, so a typo
    there would pass validation and fail, or vanish, in some audience's build. Every such name
    is a problem of the error. A template whose every ``|`` and ``is`` name is known is not
    parsed again."""
    env = _compiler()
    names = [name for tag in _TAGS.findall(source.text) for name in _NAMED.findall(tag)]
    if all(f in env.filters if f else t in env.tests for f, t in names):
        return
    from jinja2 import nodes

    try:
        tree = env.parse(keep_line_breaks(source.text))
    except jinja2.TemplateSyntaxError:
        return  # compiled() reports it
    found: list[TemplateError] = []
    for node in tree.find_all((nodes.Filter, nodes.Test)):
        kind, known = ("filter", env.filters) if isinstance(node, nodes.Filter) else ("test", env.tests)
        if node.name not in known:
            error = jinja2.TemplateSyntaxError(f"No {kind} named {node.name!r}.", node.lineno)
            where = syntax_where(env, source, error)
            found.append(located(TemplateError, source, node.lineno or 1,
                                 f"template syntax error: {where.message or error.message}{where.note}",
                                 "template-syntax", column=(where.column, where.file_column)))
    if found:  # every one at once
        raise TemplateError(str(found[0]), [p for exc in found for p in exc.problems], code="template-syntax")
