"""The mappings and lists a template reads that know whose they are, so that a key or an index
they lack fails naming the owner, what it has and the did-you-mean, not in Jinja2's words.

``{{ entity('kestrel-construction').attributes.capacity }}`` said "'dict object' has no attribute
'capacity'", ``{{ audience.nam }}`` the same, and ``{{ claim('c-licence').figures[0] }}`` on a claim
without figures "list object has no element 0": nothing named the entity, the audience or the
claim, and nothing listed what there is. Now:

* :class:`NamedMapping` (an audience, an entity's ``attributes``): a key it lacks reads as an
  undefined value whose message is "entity 'kestrel-construction' has no attribute 'capacity' ...
  (expected one of its attributes: ..., got 'capacity'); did you mean ...?";
* a field a dataclass template value lacks (what ``conflicts()`` gives: a disputed quantity and
  its reports) is named with the value and its fields (:func:`no_view_field`);
* :class:`OwnedList` (a claim's ``figures``, ``sources`` and ``about``): an index past its end
  reads as an undefined value whose message says how many items there are ("claim 'c-licence' has
  no figures, so there is no figures[0]") and how to test it first.

The undefined value is the environment's own strict one (:func:`briefgen.text.environment.make_environment`),
given the message as its hint: printing it, reaching into it or testing it with ``is none`` fails
with that message (code ``template-undefined``), while ``is defined``, ``.get('key')`` and
``'key' in ...`` still test for a key that may be missing, as for a plain mapping.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import fields, is_dataclass
from typing import Any, SupportsIndex

from briefgen.errors import did_you_mean
from briefgen.text.conflicts import DisputeView, ReportView

_SHOWN = 20
"""At most this many keys are listed in a message."""


def _listed(names: list[str]) -> str:
    return ", ".join(names[:_SHOWN]) + (", ..." if len(names) > _SHOWN else "")


class NamedMapping(dict):
    """A mapping a template reads by key (``audience.name``, ``entity('x').attributes.staff``),
    whose missing keys are undefined values naming it. ``label``: how messages name its owner
    (``audience``, ``entity 'x'``); ``noun``: what a key of it is (``field``, ``attribute``);
    ``test``: how a template writes it, for the fix (``entity('x').attributes``), "" when its keys
    are fixed (an audience's); ``undefined``: the environment's undefined type."""

    __slots__ = ("_label", "_noun", "_test", "_undefined")

    def __init__(self, items: Any, *, label: str, noun: str, test: str, undefined: type) -> None:
        super().__init__(items)
        self._label, self._noun, self._test, self._undefined = label, noun, test, undefined

    def __missing__(self, key: Any) -> Any:
        return self._undefined(hint=missing_key(self._label, self._noun, self._test, list(map(str, self)), key),
                               obj=self, name=key)


def missing_key(label: str, noun: str, test: str, keys: list[str], key: Any) -> str:
    """The message for ``key``, which the mapping of ``label`` (with ``keys``) lacks; see
    :class:`NamedMapping`."""
    close = did_you_mean(str(key), keys) if keys else None
    if test:  # its keys vary: one may be missing on purpose
        fix = (f"; test it first ({{% if {test}.{key} is defined %}}) or read it with .get({str(key)!r}), "
               f"which gives none when it is missing")
    else:
        fix = ""
    article = "an" if noun[:1] in "aeiou" else "a"
    expected = f"one of its {noun}s: {_listed(keys)}" if keys else f"{article} {noun} it has, but it has none"
    return (f"{label} has no {noun} {str(key)!r}{fix} (expected {expected}, got {str(key)!r})"
            + (f"; did you mean {close!r}?" if close else ""))


class OwnedList(list):
    """A list of an item's (``claim('x').figures``) whose index past its end is an undefined value
    naming the item and the field. ``label``: the item (``claim 'x'``); ``call``: how a template
    writes it (``claim('x')``); ``field``: the field (``figures``); ``undefined``: the environment's
    undefined type."""

    __slots__ = ("_label", "_call", "_field", "_undefined")

    def __init__(self, items: Iterable[Any], *, label: str, call: str, field: str, undefined: type) -> None:
        super().__init__(items)
        self._label, self._call, self._field, self._undefined = label, call, field, undefined

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, SupportsIndex) and not isinstance(index, bool):
            n = index.__index__()
            if not -len(self) <= n < len(self):
                return self._undefined(hint=no_item(self._label, self._call, self._field, len(self), n),
                                       obj=self, name=index)
        return super().__getitem__(index)


def no_item(label: str, call: str, field: str, size: int, index: int) -> str:
    """The message for ``field[index]`` of the item ``label`` (written ``call``), which has ``size``
    of them; see :class:`OwnedList`."""
    if size == 0:
        guard = f"{{% if {call.replace(chr(39), chr(34))}.{field} %}}"  # double quotes: a did-you-mean holds them
        return (f"{label} has no {field}, so there is no {field}[{index}]; use it only when there is one: "
                f"{guard}...{{% endif %}} (expected an item that has {field}, got {label} with none); "
                f"did you mean '{guard}'?")
    return (f"{label} has {size} {field if size > 1 else field.rstrip('s')}, so there is no {field}[{index}]; "
            f"loop over them ({{% for x in {call}.{field} %}}) or test the count first "
            f"({{% if {call}.{field} | length > {index if index >= 0 else -index - 1} %}}) "
            f"(expected an index from 0 to {size - 1}, or -1 to -{size} from the end, got {index})")


def no_view_field(obj: Any, name: Any) -> str | None:
    """The message for ``obj.name`` when ``obj`` is a dataclass value a template sees (a disputed
    quantity of ``conflicts()``, one of its reports) without that field: the value, its fields and
    the did-you-mean; None for anything else (Jinja2's own message)."""
    if not is_dataclass(obj) or isinstance(obj, type):
        return None
    if isinstance(obj, DisputeView):
        label = f"disputed quantity {obj.measure!r} (of conflicts())"
    elif isinstance(obj, ReportView):
        label = f"report of claim {obj.claim!r} (of conflicts()[...].reports)"
    else:
        label = f"this {type(obj).__name__}"
    names = [f.name for f in fields(obj)]
    close = did_you_mean(str(name), names)
    return (f"{label} has no field {str(name)!r} (expected one of its fields: {', '.join(names)}, got {str(name)!r})"
            + (f"; did you mean {close!r}?" if close else ""))
