"""The filters briefgen gives templates (``date``, ``figure``, ``likelihood``, ``number``),
each checking what it is given: a value of the wrong type is a
:class:`~briefgen.errors.TemplateError` (code ``template-filter-type``) saying what the filter
expects, what it got and how to write it (``{{ 1 | date }}`` said "AttributeError: 'int'
object has no attribute 'render'"). The formatting itself is :mod:`briefgen.text.fmt`'s.

An optional knowledge-base field that is not set (an undefined) given to ``date`` prints its
``missing`` text when the template gives one (``| date("undated")``), and is an error naming the
item and the field when it does not (:mod:`briefgen.text.missing_values`, which also refuses
``likelihood`` of a claim that is no judgment); given to another filter it fails as printing it
would (the item and the field named).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jinja2

from briefgen.errors import TemplateError
from briefgen.model.models import Claim, Figure, Source
from briefgen.model.vocab import PartialDate
from briefgen.text import fmt
from briefgen.text.filter_failures import described, no_value_given

EXPECTS: dict[str, str] = {
    "date": "a date of the knowledge base (claim(\"id\").date, source(\"id\").date, a figure's as_of)",
    "figure": "a figure of a claim (claim(\"id\").figures[0])",
    "likelihood": "a claim (claim(\"id\"))",
    "number": "a number (an int or float, e.g. a figure's value)",
}
"""What each filter is given, for its error message."""


def briefgen_filters(unset: type) -> dict[str, Callable[..., str]]:
    """The filters by name, each checking its input (see the module doc). ``unset``: the
    undefined type of an optional field that is not set, which ``date`` prints as missing."""

    def date(value: Any, missing: Any = "undated") -> str:
        """``late April 2025`` for a :class:`~briefgen.model.vocab.PartialDate`; ``missing``
        for a date that is not set (None, an unset field). Raises :class:`TemplateError`
        otherwise, and for a ``missing`` that is not text."""
        if not isinstance(missing, str):
            raise TemplateError(f"filter 'date': its argument is the text printed for a missing date (expected "
                                f"text such as 'undated', got {described(missing)})", code="template-filter-type")
        if value is None or isinstance(value, unset):
            return missing
        if not isinstance(value, PartialDate):
            raise _wrong("date", value, _date_hint(value))
        return fmt.date(value, missing)

    return {"date": date, "figure": figure, "likelihood": likelihood, "number": number}


def figure(value: Any) -> str:
    """A figure in words (:func:`briefgen.text.fmt.figure`). Raises :class:`TemplateError`
    for anything but a :class:`~briefgen.model.models.Figure`."""
    if not isinstance(value, Figure):
        raise _wrong("figure", value, _figure_hint(value))
    return fmt.figure(value)


def likelihood(value: Any) -> str:
    """A claim's ICD 203 wording (:func:`briefgen.text.fmt.likelihood`). Raises
    :class:`TemplateError` for anything but a :class:`~briefgen.model.models.Claim`."""
    if not isinstance(value, Claim):
        hint = f'claim("{value}") | likelihood' if isinstance(value, str) and value.strip() else ""
        raise _wrong("likelihood", value, hint)
    return fmt.likelihood(value)


def number(value: Any) -> str:
    """``1,300`` (:func:`briefgen.text.fmt.number`). Raises :class:`TemplateError` for
    anything but an int or float (a bool, text that looks like a number, a figure)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        hint = "... .figures[0] | figure" if isinstance(value, Figure) else ""
        if isinstance(value, Figure) and value.value is not None:
            hint = "... .figures[0].value | number"
        raise _wrong("number", value, hint)
    if value != value or value in (float("inf"), float("-inf")):
        raise _wrong("number", value, "")
    return fmt.number(value)


def _wrong(name: str, value: Any, suggestion: str) -> TemplateError:
    if isinstance(value, jinja2.Undefined):
        str(value)  # an unknown name, a field not set: raises its own message (the item and the field)
        raise no_value_given(name)  # not strict: the no-value of an inline if without else
    message = (f"filter {name!r} cannot format {described(value)} (expected {EXPECTS[name]}, got {described(value)})")
    if suggestion:
        message += f"; did you mean '{suggestion}'?"
    return TemplateError(message, code="template-filter-type")


def _date_hint(value: Any) -> str:
    if isinstance(value, (Claim, Source)):
        kind = "claim" if isinstance(value, Claim) else "source"
        return f'{kind}("{value.id}").date | date'
    if isinstance(value, Figure):
        return "... .figures[0].as_of | date"
    return ""


def _figure_hint(value: Any) -> str:
    if isinstance(value, Claim):
        return f'claim("{value.id}").figures[0] | figure'
    if isinstance(value, (list, tuple)) and value and all(isinstance(v, Figure) for v in value):
        return "... .figures[0] | figure"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value} | number"
    return ""
