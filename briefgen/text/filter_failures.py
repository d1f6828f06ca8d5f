"""Jinja2's filters given what they cannot work on: a message in briefgen's words, not Python's.

``{{ [claim("a"), claim("b")] | unique }}`` stopped with "TypeError: unhashable type: 'list'",
``{{ [claim("a")] | tojson }}`` with "Object of type Claim is not JSON serializable" and
``{{ (x if test) | upper }}`` with "Undefined is undefined". The filter wrappers of
:mod:`briefgen.text.filter_text` turn such a failure into a :class:`~briefgen.errors.TemplateError`
(code ``template-filter-type``, located at the template line by the renderer) that says what the
filter takes (:data:`TAKES`, ``expected``), what it was given (``got``) and how to write it
(the did-you-mean), from :func:`filter_failure`; and the no-value of an inline ``if`` without
``else`` into :func:`no_value_given`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import jinja2
from jinja2.exceptions import FilterArgumentError
from pydantic import BaseModel

from briefgen.errors import TemplateError
from briefgen.model.models import BriefingMeta, Claim, Entity, Figure, Source
from briefgen.model.vocab import PartialDate
from briefgen.text.python_errors import called_wrong

_ORDERED = "values of one kind that can be put in order (numbers, or text), or items ordered by a field"
_LIST = "a list, text or mapping"
TAKES: dict[str, str] = {
    "abs": "a number", "round": "a number", "filesizeformat": "a number of bytes", "sum": "a list of numbers",
    "attr": "an object and the name of one of its fields", "items": "a mapping (key: value pairs)",
    "batch": "a list and a whole number (how many in each batch)", "slice": "a list and a whole number",
    "count": _LIST, "length": _LIST, "list": _LIST, "first": _LIST, "last": _LIST, "random": _LIST,
    "reverse": _LIST, "dictsort": "a mapping (key: value pairs) whose keys or values can be put in order",
    "groupby": 'a list of items and the field to group them by (groupby("kind"))',
    "map": 'a list, and a filter name or attribute="field"',
    "max": f"a list of {_ORDERED} (max(attribute=\"date\"))", "min": f"a list of {_ORDERED} (min(attribute=\"date\"))",
    "sort": f"a list of {_ORDERED} (sort(attribute=\"date\"))",
    "unique": 'a list of single values (text, numbers, terms); items by a field: unique(attribute="id")',
    **{name: "a list, and the name of a test" for name in ("select", "reject", "selectattr", "rejectattr")},
    "tojson": "text, numbers, true/false, none, and lists and mappings of them",
    "xmlattr": "a mapping whose keys are attribute names (letters, digits, '-', '_', ':' and '.', no spaces)",
    "join": "a list, and the text put between its items", "replace": "text, and the old and new text (and a count)",
    "format": "a format text and its values",
    "int": "a number or the text of one", "float": "a number or the text of one",
}
"""What each of Jinja2's filters takes, for the ``expected`` of its error; a filter that makes text
(:data:`~briefgen.text.filter_text.TEXT_FILTERS`) takes any value with a text, and whole numbers
(widths, lengths) for its arguments (:data:`TEXT_TAKES`)."""

FAILURES = (TypeError, ValueError, AttributeError, FilterArgumentError)
"""What Jinja2's filters raise for a value or argument they cannot work on (Python's words, worded
again by :func:`filter_failure`)."""

TEXT_TAKES = "a value with a text, and whole numbers for its widths and lengths"

_FIX_ORDER = ('| sort(attribute="date")', "order the items by one of their fields: sort(attribute=\"date\"), or make "
              "them one kind first: | map(\"string\")")


def no_value_given(name: str) -> TemplateError:
    """The error (``template-filter-type``) for filter ``name`` given the no-value of an inline ``if``
    without ``else`` whose test was false (``(x if test) | upper``), which Jinja2 reported as
    "Undefined is undefined"."""
    other = "none" if name == "date" else '"not known"'  # date prints its own text for none
    return TemplateError(
        f"filter {name!r} was given no value: an inline if without else ((x if test) | {name}) gives no value "
        f"when its test is false; write the else: (x if test else {other}) | {name}, or test first: "
        f"{{% if test %}}{{{{ x | {name} }}}}{{% endif %}} (expected a value, got no value (an inline if whose "
        f"test was false)); did you mean '(x if test else {other}) | {name}'?", code="template-filter-type")


def failing_as(name: str, value: Any, items: Iterator[Any], takes: str) -> Iterator[Any]:
    """``items`` (what filter ``name`` gives, one by one: ``unique``, ``map`` ...), with a failure met
    on the way as :func:`filter_failure` words it (these filters work as their items are taken)."""
    try:
        yield from items
    except FAILURES as exc:
        raise filter_failure(name, value, exc, takes) from None


def filter_failure(name: str, value: Any, exc: Exception, takes: str) -> TemplateError:
    """The error (``template-filter-type``) for filter ``name``, which takes ``takes``, failing with
    ``exc`` on ``value``: what it could not work on, why, and how to write it, in briefgen's words."""
    called = called_wrong(str(exc), name) if isinstance(exc, TypeError) else None
    if called is not None:  # upper(2): the filter given values it does not take
        return TemplateError(called[0], code=called[1])
    reason, got, fix = _explained(name, value, exc)
    message = f"filter {name!r} cannot work on {got}: {reason} (expected {takes}, got {got})"
    return TemplateError(message + (f"; did you mean '{fix}'?" if fix else ""), code="template-filter-type")


_ORDERING = ("sort", "max", "min", "dictsort", "groupby")


def _explained(name: str, value: Any, exc: Exception) -> tuple[str, str, str]:
    """(why ``name`` failed on ``value``, what it was given, the fix or "")."""
    text = str(exc)
    found = _first(value, _no_json_form) if name == "tojson" else None
    if found is not None:
        return _not_json(value, *found)
    if name == "tojson" and "not supported between instances of" in text:
        return (f"its keys are of different kinds ({_kinds(value, keys=True)}), and JSON's keys are text written "
                "in order: make every key text", described(value), "")
    if text.startswith("unhashable type") and name in ("unique", "groupby"):
        item, where = _first(value, lambda v: isinstance(v, (list, dict, set, BaseModel)), deep=False) or (value, "")
        if isinstance(item, BaseModel):
            return (f"it compares whole values, and {where} is {described(item)}, which cannot be compared whole "
                    f"(it holds lists); compare the items by a field", described(value), f'| {name}(attribute="id")')
        return (f"it compares whole values, and {where} is {described(item)}, which cannot be compared whole; "
                "make each one text first", described(value), f'| map("join", ", ") | {name}')
    if "not supported between instances of" in text and name in _ORDERING:
        return (f"its values cannot be put in order ({_kinds(value)} mixed, or values without an order); "
                + _FIX_ORDER[1], described(value), _FIX_ORDER[0] if name == "sort" else "")
    return (f"it, or one of its arguments, is not what the filter works on (Python: {text})", described(value), "")


def _no_json_form(value: Any) -> bool:
    return not isinstance(value, (str, int, float, bool, list, tuple, dict, type(None)))


def _not_json(value: Any, item: Any, where: str) -> tuple[str, str, str]:
    """Why ``tojson`` failed on ``value``: ``item``, found ``where`` in it, has no JSON form."""
    if isinstance(item, jinja2.Undefined):
        str(item)  # an unset field or a misspelt name: raises its own located message
    fix = ""
    if isinstance(item, BaseModel) and hasattr(item, "id"):
        fix = '| map(attribute="id") | list | tojson' if where.startswith("item ") else ""
    return (f"{where} is {described(item)}, which has no JSON form; write the fields you need (its id, "
            "statement or name), or the text {{ }} prints for it (| string)", described(value), fix)


def _first(value: Any, wrong: Any, where: str = "the value", *, deep: bool = True) -> tuple[Any, str] | None:
    """The first value in ``value`` (itself, else an item or a mapping's value, depth first when
    ``deep``) that is ``wrong``, and where it is ("item 2 of the list", "the value of 'a' in item 1 of
    the list"), or None."""
    if where != "the value" and wrong(value):
        return value, where
    if isinstance(value, Mapping):
        children = [(f"the value of {k!r}", v) for k, v in value.items()]
    elif isinstance(value, (list, tuple)):
        children = [(f"item {i} of the list", v) for i, v in enumerate(value, 1)]
    else:
        return (value, where) if wrong(value) else None
    for label, item in children:
        inner = label if where == "the value" else f"{label} in {where}"
        found = _first(item, wrong, inner) if deep else ((item, inner) if wrong(item) else None)
        if found is not None:
            return found
    return None


def _kinds(value: Any, *, keys: bool = False) -> str:
    """The kinds of the items of ``value``, or of its ``keys`` (``'int' and 'str'``)."""
    if isinstance(value, Mapping):
        items: Any = value.keys() if keys else value.values()
    else:
        items = value if isinstance(value, (list, tuple)) else [value]
    kinds = sorted({type(v).__name__ for v in items})
    return " and ".join(repr(k) for k in kinds) if kinds else "nothing"


def described(value: Any) -> str:
    """What ``value`` is, for an error message: ``the int 1``, ``the text '2025-04'``, ``nothing (None)``,
    ``claim 'c-x'``, ``a list of 2``, ``the date 'April 2025'``, ``a figure of a claim``, ``a 'Decimal'``."""
    if value is None:
        return "nothing (None)"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"the text {shown!r}"
    for kind, label in ((Claim, "claim"), (Entity, "entity"), (Source, "source")):
        if isinstance(value, kind):
            return f"{label} {value.id!r}"
    if isinstance(value, BriefingMeta):
        return "the briefing"
    if isinstance(value, PartialDate):
        return f"the date {value.render()!r}"
    if isinstance(value, Figure):
        return "a figure of a claim"
    if isinstance(value, (list, tuple, set, frozenset)):
        return f"a list of {len(value)}"
    if isinstance(value, dict):
        return f"a mapping of {len(value)}"
    if isinstance(value, (bool, int, float)):
        return f"the {type(value).__name__} {value!r}"
    return f"a {type(value).__name__!r}"
