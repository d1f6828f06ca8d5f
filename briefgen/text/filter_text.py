"""What Jinja2's text-making filters and formatting are given: None refused, and every other
value as ``{{ }}`` prints it.

``{{ x }}`` with ``x`` None is an error (code ``template-prints-none``,
:mod:`briefgen.text.printcheck`), and ``{{ }}`` prints a knowledge-base item as its text (a
claim as its statement, an entity as its name, a date at its precision: see
:mod:`briefgen.text.printing`). But Jinja2's filters make their input text with ``str()``
before ``{{ }}`` sees it: ``{{ x | upper }}`` printed "NONE", ``{{ [a, x] | join(", ") }}``
"a, None", ``{{ "%s" % x }}`` and ``{{ "{}".format(x) }}`` "None"; and
``{{ entity("x") | upper }}``, ``{{ [entity("x")] | join(", ") }}`` or ``{{ "%s" % claim("c") }}``
printed the item's Python repr: every field, the description and attributes included, whatever
the audience may see of it. In the briefgen template environment
(:mod:`briefgen.text.environment`):

* None is refused with the same located :class:`~briefgen.errors.TemplateError`, whose message
  names the filter and says how to write it (``{% if x %}``, ``| default("not known", true)``,
  ``| reject("none") | join(", ")``);
* any other value reaches the filter, ``join``, ``format``, ``%`` and ``str.format`` as the text
  ``{{ }}`` prints for it (:func:`as_text`; numbers stay numbers for ``%d`` and ``{:.1f}``), and
  a value with no text of its own (a function, a generator) is refused as ``{{ }}`` refuses it
  (``template-not-text``).

Which filters do this, and why the others do not, is a table (:data:`REFUSING`,
:data:`PASSING`) that covers every filter the environment has (a test keeps it complete):

* filters that make text of their input (:data:`TEXT_FILTERS`) refuse a None input, or a list
  or mapping holding None (``[a, x] | string``), and are given the printed text; ``int`` and
  ``float`` refuse a None input, which they would make 0 (:data:`NUMBER_FILTERS`);
* ``join`` refuses a None item (after ``attribute=``) and joins the items' printed texts;
  ``format`` and ``replace`` refuse a None argument they would write into the text;
* filters that choose, test, count or reorder values (``default``, ``reject``, ``select``,
  ``map``, ``first``, ``length`` ...) keep working on the values themselves, None included: what
  they give is refused or printed where it is printed or joined. ``xs | reject("none")``,
  ``x is none`` and ``x | default(...)`` stay the way to handle None.

``%`` and ``str.format`` refuse a None value or argument (:func:`formatted_values`,
:func:`formatting`), even one the format would not use: pass only what it prints. A filter that
cannot work on what it is given (``| unique`` of lists, ``| tojson`` of items, the no-value of
``(x if test)``) fails in briefgen's words (:mod:`briefgen.text.filter_failures`), not Python's.
"""
from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from functools import lru_cache, update_wrapper
from types import GeneratorType
from typing import Any

import jinja2
from jinja2.filters import make_attrgetter
from pydantic import BaseModel

from briefgen.errors import TemplateError
from briefgen.text.filter_failures import FAILURES, TAKES, TEXT_TAKES, failing_as, filter_failure, no_value_given
from briefgen.text.printcheck import checked, none_refused, would_read
from briefgen.text.printing import printable


@dataclass(frozen=True)
class Refusal:
    """What of a filter's call may not be None: the value filtered (``value``), each of its
    items (``items``, read through the argument ``attribute`` when that is given) and the
    arguments named in ``arguments`` (``"*"``: every argument)."""

    value: bool = True
    items: bool = False
    arguments: tuple[str, ...] = ()


TEXT_FILTERS = ("capitalize", "center", "e", "escape", "forceescape", "indent", "lower", "pprint", "safe", "string",
                "striptags", "title", "trim", "truncate", "upper", "urlencode", "urlize", "wordcount", "wordwrap")
"""Jinja2's filters that make text of their input (``str(value)``): None would read "None"
("NONE", "none", a centred "None", a word count of 1)."""

REFUSING: dict[str, Refusal] = {
    **{name: Refusal() for name in TEXT_FILTERS},
    "replace": Refusal(arguments=("old", "new")),
    "format": Refusal(arguments=("*",)),
    "join": Refusal(value=False, items=True),
    **{name: Refusal() for name in ("int", "float")},
}
"""The filters that refuse None, and where."""

_VALUES = "give values, not text: a None among them is refused where it is printed or joined"
PASSING: dict[str, str] = {
    "default": "replaces a missing value; None passes on (default(x, true) replaces it) and is refused when printed",
    "d": "default's other name",
    **{name: "tests: keeps or leaves out items, None among them (reject(\"none\"))"
       for name in ("select", "reject", "selectattr", "rejectattr")},
    **{name: _VALUES for name in ("attr", "batch", "dictsort", "first", "groupby", "items", "last", "list", "map",
                                  "max", "min", "random", "reverse", "slice", "sort", "unique")},
    "length": "counts items, None among them", "count": "counts items, None among them",
    **{name: "a number: None is a located Python error already" for name in ("abs", "filesizeformat", "round",
                                                                              "sum")},
    "tojson": "writes JSON, in which None is null", "xmlattr": "leaves out an attribute whose value is None",
    "date": "briefgen's: prints its argument for None (date('undated')), refuses None without one (missing_values)",
    **{name: "briefgen's: refuses None already (template-filter-type, 'cannot format nothing (None)')"
       for name in ("figure", "likelihood", "number")},
}
"""The filters that let None through, and why (see the module doc)."""

_ADVICE_SET = ("Use it only when it is set ({% if value %}...{% endif %}), or give it a default: "
               "(value | default(\"not known\", true))")


_KEPT = (str, int, float, bool, Decimal)
"""What :func:`formatted` leaves as it is: text, and numbers, which a format may lay out itself
(``%d``, ``{:.1f}``)."""


def as_text(value: Any, names: Mapping[str, Any] | None = None) -> Any:
    """``value`` as ``{{ }}`` prints it (:func:`briefgen.text.printing.printable`): a claim as its
    statement, an entity as its name, a date at its precision, a list as its items joined; a
    string (Markup included) as it is. Raises :class:`TemplateError` (``template-not-text``) for
    a value with no text of its own (``names``: the template's globals, to name a function given
    without its brackets); an undefined value is left for Jinja2 to report."""
    if (isinstance(value, str) and not isinstance(value, Enum)) or isinstance(value, jinja2.Undefined):
        return value
    return printable(checked(value, names or {}))


def formatted(value: Any, names: Mapping[str, Any] | None = None) -> Any:
    """``value`` ready for ``%`` or ``str.format``: text and numbers as they are, anything else as
    :func:`as_text` (so ``"%s" % claim`` writes its statement, not its fields; ``"%r"`` of an
    ICD 203 term its word, not the enum's repr)."""
    if (isinstance(value, _KEPT) and not isinstance(value, Enum)) or isinstance(value, jinja2.Undefined):
        return value
    return as_text(value, names)


class PrintedItem:
    """A value handed to ``str.format``: formats as the text ``{{ }}`` prints for it (``"{}"``,
    ``"{:>20}"``), while ``"{0.name}"`` still reads its fields."""

    __slots__ = ("_value", "_text")

    def __init__(self, value: Any, text: str) -> None:
        self._value, self._text = value, text

    def __format__(self, spec: str) -> str:
        return format(self._text, spec)

    def __str__(self) -> str:
        return self._text

    def __repr__(self) -> str:
        return repr(self._text)

    def __getattr__(self, name: str) -> Any:
        if name.startswith(("_", "model_")):  # what the sandbox refuses on the item itself
            raise AttributeError(name)
        return getattr(self._value, name)

    def __getitem__(self, key: Any) -> Any:
        return self._value[key]


def for_format(value: Any, names: Mapping[str, Any] | None = None) -> Any:
    """``value`` ready for ``str.format``: as :func:`formatted`, but a value made text is a
    :class:`PrintedItem`, whose fields a format can still name (``"{0.name}"``)."""
    ready = formatted(value, names)
    return ready if ready is value or not isinstance(ready, str) else PrintedItem(value, ready)


def wrap_text_filters(filters: dict[str, Callable[..., Any]], names: Mapping[str, Any]) -> None:
    """Replace each filter of ``filters`` named in :data:`REFUSING` (in place) by one that
    raises :class:`TemplateError` (code ``template-prints-none``) where its rule finds None and
    gives the filter the printed text of its input (:data:`TEXT_FILTERS`) or items (``join``).
    Keeps the filter's Jinja2 markings (``pass_eval_context`` ...). ``names``: the template's
    globals (see :func:`as_text`)."""
    for name, rule in REFUSING.items():
        if name in filters:
            filters[name] = _refusing(name, filters[name], rule, names)
    for name in PASSING:
        if name in filters and name not in TAKING_NOTHING:
            filters[name] = _needing_input(name, filters[name])


TAKING_NOTHING = ("default", "d", "date", "figure", "likelihood", "number")
"""The filters of :data:`PASSING` that take None or an unset field themselves: ``default`` replaces it,
``date`` its argument or its own error, briefgen's other filters word their own error. Every other filter of
:data:`PASSING` refuses a None input (``None | length`` was a bare TypeError, ``None | tojson`` printed
"null") and an unset field or undefined name (``| pprint`` printed "Undefined")."""


def _needing_input(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    """``fn`` refusing an undefined or None value (see :data:`TAKING_NOTHING`), and a single
    knowledge-base item, which these filters would take apart as its fields (``claim("c") | first``
    printed "id, c")."""
    lead = 1 if getattr(fn, "jinja_pass_arg", None) is not None else 0

    def filtered(*args: Any, **kwargs: Any) -> Any:
        value = args[lead] if len(args) > lead else None
        _refuse_undefined(name, value)
        if isinstance(value, BaseModel) and name != "attr":  # attr reads one field of one item
            raise TemplateError(f"filter {name!r} takes a list or other values, not one knowledge-base item "
                                f"({as_text(value)!r}): it would read the item's fields; pass a list ([item]) or "
                                f"a field of it (expected a list, got one item)", code="template-filter-type")
        if value is None:
            raise none_refused(f"filter {name!r} cannot take None", "", f"Use it only when it is set: "
                               f"{{% if value is not none %}}...{{% endif %}}, or give it a default first: "
                               f"| default([], true) | {name}", f"| default([], true) | {name}")
        try:
            made = fn(*args, **kwargs)
        except FAILURES as exc:
            raise filter_failure(name, value, exc, TAKES[name]) from None
        return failing_as(name, value, made, TAKES[name]) if isinstance(made, GeneratorType) else made

    return _marked_as(fn, filtered, name)


def _marked_as(fn: Callable[..., Any], filtered: Callable[..., Any], name: str) -> Callable[..., Any]:
    """``filtered`` with what Jinja2 reads of the filter ``fn`` it stands for: its name and its
    ``pass_eval_context``-like marking. Set by hand: every environment wraps its filters afresh,
    and ``update_wrapper`` would cost more than the rest of the wrapping."""
    filtered.__name__ = filtered.__qualname__ = getattr(fn, "__name__", name)
    filtered.__doc__ = fn.__doc__
    if getattr(fn, "jinja_pass_arg", None) is not None:
        filtered.jinja_pass_arg = fn.jinja_pass_arg  # type: ignore[attr-defined]
    return filtered


def _refuse_undefined(name: str, value: Any) -> None:
    """Raise the located error of an undefined value given to filter ``name`` (an unset field, a
    misspelt name) as printing it would, rather than let a filter make "Undefined" or nothing of it;
    for the no-value of an inline ``if`` without ``else`` (not strict), :func:`no_value_given`."""
    if isinstance(value, jinja2.Undefined):
        str(value)  # the environment's undefined is strict: this raises its own message
        raise no_value_given(name)


def formatted_values(values: Any, names: Mapping[str, Any], template: Any = None) -> Any:
    """The right side of ``template % values`` ready for formatting (:func:`formatted`, item by item
    for a tuple or mapping). Raises :class:`TemplateError` (``template-prints-none``) if it would
    write None: ``values`` is None, or a tuple or mapping holding None (the message quotes what
    ``template`` would have read, when given)."""
    where = _none_in(values, "value") if isinstance(values, (tuple, Mapping)) else ("" if values is None else None)
    if where is not None:
        reads = would_read(lambda: template % _keeping_none(values, names)) if template is not None else None
        raise none_refused(f"'%' formatting cannot make text of None{where and f' ({where})'}", "formatted",
                           _ADVICE_SET, reads=reads)
    if isinstance(values, tuple):
        return tuple(formatted(v, names) for v in values)
    if isinstance(values, Mapping):
        return {k: formatted(v, names) for k, v in values.items()}
    return formatted(values, names)


def _keeping_none(values: Any, names: Mapping[str, Any]) -> Any:
    """``values`` as :func:`formatted` makes them (item by item for a tuple or mapping), None kept:
    what a format would have written with None in it (for the message)."""
    def one(value: Any) -> Any:
        return None if value is None else formatted(value, names)

    if isinstance(values, tuple):
        return tuple(one(v) for v in values)
    if isinstance(values, Mapping):
        return {k: one(v) for k, v in values.items()}
    return one(values)


def formatting(method: Callable[..., str], name: str, names: Mapping[str, Any]) -> Callable[..., str]:
    """``method`` (a string's sandboxed ``format`` or ``format_map``, named ``name``) given its
    arguments ready for formatting (:func:`formatted`); raises :class:`TemplateError`
    (``template-prints-none``) for a None argument, or a None value of ``format_map``'s mapping."""

    def formatted_call(*args: Any, **kwargs: Any) -> str:
        mapped = name == "format_map" and len(args) == 1 and isinstance(args[0], Mapping)
        where = _none_in(args[0]) if mapped else _none_in(args, "argument") or _none_in(kwargs, key_label="argument")
        if where is not None:
            reads = would_read(lambda: method(_keeping_none(args[0], names)) if mapped else
                               method(*_keeping_none(args, names), **_keeping_none(kwargs, names)))
            raise none_refused(f"{name}() cannot make text of None ({where})", "formatted", _ADVICE_SET, reads=reads)
        if mapped:
            return method({k: for_format(v, names) for k, v in args[0].items()})
        return method(*(for_format(a, names) for a in args), **{k: for_format(v, names) for k, v in kwargs.items()})

    return update_wrapper(formatted_call, method)


def _refusing(name: str, fn: Callable[..., Any], rule: Refusal, names: Mapping[str, Any]) -> Callable[..., Any]:
    """``fn`` checked by ``rule`` before it runs (see :func:`wrap_text_filters`)."""
    lead = 1 if getattr(fn, "jinja_pass_arg", None) is not None else 0  # the context Jinja2 passes first
    params = _positional_names(inspect.unwrap(fn))[lead + 1:] if rule.items or rule.arguments else ()
    every = "*" in rule.arguments

    def arguments(args: tuple, kwargs: dict[str, Any]) -> dict[str, Any]:
        """The arguments after the value by name (``argument 2`` when it has none)."""
        named = {params[i] if i < len(params) else f"argument {i + 1}": arg for i, arg in enumerate(args[lead + 1:])}
        return {**named, **kwargs}

    def filtered(*args: Any, **kwargs: Any) -> Any:
        try:
            return checked_call(*args, **kwargs)
        except FAILURES as exc:
            raise filter_failure(name, args[lead] if len(args) > lead else None, exc,
                                 TAKES.get(name, TEXT_TAKES)) from None

    def checked_call(*args: Any, **kwargs: Any) -> Any:
        value: Any = args[lead] if len(args) > lead else None
        if rule.value:
            _refuse_undefined(name, value)
            _check_value(name, value, lambda: fn(*args, **kwargs))
            if name in NUMBER_FILTERS and len(args) <= lead + 1 and "default" not in kwargs:
                return _number(name, fn, value, args, kwargs)
            if name in CONVERTED and not (name == "urlencode" and isinstance(value, (Mapping, list, tuple))):
                args = (*args[:lead], as_text(value, names), *args[lead + 1:])
        if rule.items:
            if value is None:
                raise none_refused(f"filter {name!r} cannot join None (it was given None, not a list)", "",
                                   _ADVICE_SET.replace('"not known"', "[]"), f'| default([], true) | {name}(", ")')
            given = arguments(args, kwargs)
            values = _checked_items(name, list(value), given.get("attribute"), args[0] if lead else None,
                                    given.get("d", ""))
            return fn(*args[:lead], [as_text(v, names) for v in values], given.get("d", ""))
        if rule.arguments:
            for key, arg in arguments(args, kwargs).items():
                if arg is None and (every or key in rule.arguments):
                    shown = key if key.startswith("argument ") else f"argument {key!r}"
                    reads = would_read(lambda: fn(*args[:lead + 1], *_keeping_none(tuple(args[lead + 1:]), names),
                                                  **_keeping_none(kwargs, names)))
                    raise none_refused(f"filter {name!r} cannot make text of None (its {shown})", "formatted",
                                       _ADVICE_SET, reads=reads)
            if every:  # format: its arguments are written into the text
                args = (*args[:lead + 1], *(formatted(a, names) for a in args[lead + 1:]))
                kwargs = {k: formatted(v, names) for k, v in kwargs.items()}
        return fn(*args, **kwargs)

    return _marked_as(fn, filtered, name)


@lru_cache(maxsize=64)
def _positional_names(fn: Callable[..., Any]) -> tuple[str, ...]:
    """The names of ``fn``'s positional parameters (read once: every environment wraps the same filters)."""
    return tuple(p.name for p in inspect.signature(fn).parameters.values()
                 if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD))


CONVERTED = (*TEXT_FILTERS, "replace", "format")
"""The filters given the printed text of their input (:func:`as_text`): those that make text of it,
and ``replace`` and ``format``, which work on it as text."""

NUMBER_FILTERS = ("int", "float")
"""Jinja2's filters that make a number of their input: None, or text that is no number ("1,300",
"about 40"), would silently read 0 (their default); given no default of the author's, both are
refused (:func:`_number`)."""

_NOT_A_NUMBER = object()


def _number(name: str, fn: Callable[..., Any], value: Any, args: tuple, kwargs: dict[str, Any]) -> Any:
    """``value | int`` or ``| float`` without a default: the number, or a located error
    (``template-filter-type``) for a value that is no number."""
    made = fn(*args, default=_NOT_A_NUMBER, **kwargs)
    if made is not _NOT_A_NUMBER:
        return made
    raise TemplateError(f"filter {name!r} cannot make a number of {as_text(value)!r} (it would print 0, a figure "
                        f"nobody gave); write the number plainly (1300, 40.5), use | number to format one, or give "
                        f"the default you mean: | {name}(0) (expected a number or the text of one, got "
                        f"{as_text(value)!r}); did you mean '| {name}(0)'?", code="template-filter-type")


def _check_value(name: str, value: Any, made: Callable[[], Any]) -> None:
    """Refuse a None ``value`` given to filter ``name``, or a list or mapping holding None;
    ``made`` runs the filter itself on it (what the briefing would have read, for the message)."""
    if value is None and name in NUMBER_FILTERS:
        raise none_refused(f"filter {name!r} cannot make a number of None (it would print 0, a figure nobody gave)",
                           "", f"Use it only when it is set: {{% if value is not none %}}...{{% endif %}}, "
                           f"or say what None means: | default(0, true) | {name}", f"| default(0, true) | {name}")
    if name in NUMBER_FILTERS:
        return
    if value is None:
        raise none_refused(f"filter {name!r} cannot make text of None", "filtered",
                           f"Use it only when it is set: {{% if value %}}{{{{ value | {name} }}}}{{% endif %}}, or "
                           f"give it a default first: | default(\"not known\", true) | {name}",
                           f'| default("not known", true) | {name}', reads=would_read(made))
    if isinstance(value, (list, tuple, set, frozenset, Mapping)):
        where = _none_in(value)
        if where is not None:
            raise none_refused(f"filter {name!r} cannot make text of None ({where} of what it is given)",
                               "filtered", "Leave the empty items out and join the rest: "
                               "| reject(\"none\") | join(\", \")", '| reject("none") | join(", ")',
                               reads=would_read(made))


def _checked_items(name: str, items: list[Any], attribute: Any, eval_ctx: Any, joiner: Any = "") -> list[Any]:
    """The values ``join`` joins (with ``joiner``): ``items``, or their ``attribute`` read as
    Jinja2's ``join`` reads it; a None among them refused (the message quotes the joined text)."""
    values = items if attribute is None else list(map(make_attrgetter(eval_ctx.environment, attribute), items))
    i = next((i for i, item in enumerate(values, 1) if item is None), 0)
    if not i:
        return values
    reads = would_read(lambda: str(joiner).join("None" if v is None else str(as_text(v)) for v in values))
    if attribute is None:
        raise none_refused(f"filter {name!r} cannot join None (item {i} of {len(values)})", "joined",
                           "Leave the empty items out: | reject(\"none\") | join(\", \"), or give them a default: "
                           "| map(\"default\", \"not known\", true) | join(\", \")", '| reject("none") | join(", ")',
                           reads=reads)
    fix = f'| rejectattr("{attribute}", "none") | join(", ", attribute="{attribute}")'
    raise none_refused(f"filter {name!r} cannot join None (the {attribute!r} of item {i} of {len(values)})", "joined",
                       f"Leave out the items without it: {fix}", fix, reads=reads)


def _none_in(values: Any, label: str = "item", key_label: str = "value") -> str | None:
    """Where ``values`` (a sequence, set or mapping) holds None (``item 2``, ``value 'key'``; ``label``
    names a sequence's positions, ``key_label`` a mapping's), or None."""
    if isinstance(values, Mapping):
        return next((f"{key_label} {key!r}" for key, value in values.items() if value is None), None)
    return next((f"{label} {i}" for i, value in enumerate(values, 1) if value is None), None)

