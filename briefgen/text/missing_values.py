"""briefgen's filters given nothing to format: an error, not an empty or stand-in word in a sentence.

``{{ claim('c-licence') | likelihood }}`` on a claim that is a plain fact (no likelihood, probability
or confidence) printed nothing, and ``{{ claim('kj-delay').date | date }}`` on an undated claim
printed "undated" in the middle of a sentence ("We judge it on undated"). Both now fail, located,
naming the item and the field and how to write it:

* ``date`` given None or a field the knowledge base leaves unset, with no argument, raises a
  :class:`~briefgen.errors.TemplateError` (code ``template-prints-none``); the text to print for a
  missing date is written as its argument (``| date("undated")``), which prints it as before;
* ``likelihood`` given a claim that is no judgment raises one (code ``template-filter-type``): test
  ``{% if claim("x").likelihood %}`` first.

``figure`` and ``number`` cannot print nothing (a figure has a value or a range, validated; a number
has digits), and refuse None already (:mod:`briefgen.text.filters`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jinja2

from briefgen.compat.jinja2 import undefined_lookup
from briefgen.errors import TemplateError
from briefgen.model.models import BriefingMeta, Claim, Entity, Figure, Source


def refuse_missing(filters: dict[str, Callable[..., Any]], unset: type[jinja2.Undefined]) -> None:
    """Wrap ``filters``' ``date`` and ``likelihood`` (in place) as the module doc says. ``unset``:
    the environment's undefined type of an optional field that is not set."""
    filters["date"] = _dated(filters["date"], unset)
    filters["likelihood"] = _judged(filters["likelihood"])


def _dated(fn: Callable[..., str], unset: type[jinja2.Undefined]) -> Callable[..., str]:
    def date(value: Any, *args: Any, **kwargs: Any) -> str:
        if not args and not kwargs and (value is None or isinstance(value, unset)):
            raise no_date(value, unset)
        return fn(value, *args, **kwargs)

    date.__doc__ = fn.__doc__
    return date


def _judged(fn: Callable[..., str]) -> Callable[..., str]:
    def likelihood(value: Any, *args: Any, **kwargs: Any) -> str:
        if isinstance(value, Claim) and value.likelihood is None and value.probability is None \
                and value.confidence is None:
            raise not_judged(value)
        return fn(value, *args, **kwargs)

    likelihood.__doc__ = fn.__doc__
    return likelihood


def no_date(value: Any, unset: type[jinja2.Undefined]) -> TemplateError:
    """The error for ``| date`` given no date: ``value`` is None or an unset field (``unset``)."""
    owner, field = undefined_lookup(value) if isinstance(value, unset) else (None, None)
    if owner is not None and field is not None:
        what, got = f"{_label(owner)} sets no {field!r} in the knowledge base", f"no {field} (not set)"
        test = f"{_call(owner)}.{field}"
    else:
        what, got, test = "it was given nothing (None)", "None", "value"
    return TemplateError(
        f"filter 'date' has no date to format: {what}, and the filter would print 'undated' in the sentence; "
        f"print it only when it is set ({{% if {test} %}}...{{% endif %}}), or write what to print without one: "
        f"| date(\"undated\") (expected a date, got {got}); did you mean '| date(\"undated\")'?",
        code="template-prints-none")


def not_judged(claim: Claim) -> TemplateError:
    """The error for ``| likelihood`` given ``claim``, which sets no likelihood, probability or confidence."""
    guard = f'{{% if claim("{claim.id}").likelihood %}}'
    return TemplateError(
        f"filter 'likelihood': claim {claim.id!r} is no judgment (it sets no likelihood, probability or confidence), "
        f"so the filter would print nothing here; use it on a judgment, or only when one is set: "
        f"{guard}...{{% endif %}} (expected a judgment: a claim with a likelihood, probability or confidence, "
        f"got claim {claim.id!r}, a statement of fact); did you mean '{guard}'?", code="template-filter-type")


def _label(obj: Any) -> str:
    """``claim 'c-x'``, ``the briefing``, ``this figure``."""
    for kind, name in ((Claim, "claim"), (Entity, "entity"), (Source, "source")):
        if isinstance(obj, kind):
            return f"{name} {obj.id!r}"
    if isinstance(obj, BriefingMeta):
        return "the briefing"
    return "this figure" if isinstance(obj, Figure) else f"this {type(obj).__name__}"


def _call(obj: Any) -> str:
    """How a template writes ``obj``: ``claim('c-x')``, ``briefing``, ``... .figures[0]``."""
    for kind, name in ((Claim, "claim"), (Entity, "entity"), (Source, "source")):
        if isinstance(obj, kind):
            return f"{name}({obj.id!r})"
    return "briefing" if isinstance(obj, BriefingMeta) else "... .figures[0]"
