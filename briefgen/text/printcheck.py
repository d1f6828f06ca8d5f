"""What ``{{ value }}`` may print, checked before it is made text (the template environment's
``finalize``, :mod:`briefgen.text.environment`; the text itself is made by
:mod:`briefgen.text.printing`).

* A float prints as a person writes it (:func:`float_text`): ``420.0`` as ``420``,
  ``0.1 + 0.2`` as ``0.3``; the filters (``number``, ``figure`` ...) keep their own format.
* A value with no text of its own is a :class:`~briefgen.errors.TemplateError` (code
  ``template-not-text``), not a Python repr in the briefing: a function, method or macro
  (``{{ claim }}`` printed ``<bound method Renderer._claim of <... at 0x7f...>>``, a memory
  address that also made every build differ), a class, a module, a generator
  (``{{ xs | map('upper') }}``), or any object whose text is Python's default repr
  (``<... object at 0x...>``, ``range(0, 3)``, ``dict_keys([...])``, ``<LoopContext 1/3>``).
  The message says what it is and how to print it (``call it: claim("id")``,
  ``| join(", ")``).

* None is a :class:`~briefgen.errors.TemplateError` too (code ``template-prints-none``): an
  optional field left empty (``{{ claim("x").date_to }}``) would otherwise read "None" in the
  briefing. The message says how to print it only when set, or with a default. The filters and
  formatting that make text refuse None with the same code (:mod:`briefgen.text.filter_text`),
  and so does ``~`` (:func:`concat_texts`); each message quotes what the briefing would have read
  (``'a' ~ none``: 'aNone'; ``none | upper``: 'NONE'), worked out by :func:`would_read`.

Lists, tuples, sets and mappings are checked item by item (they print as their items joined).
"""

from __future__ import annotations

import types
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal
from functools import lru_cache, partial
from typing import Any

import jinja2
import jinja2.runtime

from briefgen.errors import TemplateError
from briefgen.text.printing import printable

SIGNIFICANT_DIGITS = 15
"""At most this many significant digits of a float are printed (a double holds 15 exactly)."""

EXPECTED = "text: a string, number, date, figure, list or knowledge-base item"
"""What ``{{ }}`` prints, for the ``expected`` field of the error."""

CALLS: dict[str, str] = {
    "claim": 'claim("id")', "entity": 'entity("id")', "source": 'source("id")', "visible": 'visible("id")',
    "cite": 'cite("claim-id")', "ref": 'ref("figure-id")', "conflicts": "conflicts()", "range": "range(3)",
    "dict": "dict(key=1)", "lipsum": "lipsum()", "cycler": 'cycler("a", "b")', "joiner": 'joiner(", ")',
    "namespace": "namespace()",
}
"""How each name every template sees is called, for the ``call it`` hint."""

_PLAIN = (str, int, bool)
_CONTAINERS = (list, tuple, set, frozenset)


def float_text(value: float) -> str:
    """``value`` as a person writes it: integral without ``.0`` (``420.0`` -> ``420``),
    else the shortest decimal of at most :data:`SIGNIFICANT_DIGITS` significant digits
    (``0.30000000000000004`` -> ``0.3``), in positional notation from 1e-7 to 1e21
    (``0.00001``, ``100000000000000000000``) and as ``1e-08`` / ``1e+21`` beyond; ``nan``,
    ``inf`` and ``-inf`` as Python writes them."""
    if value != value or value in (float("inf"), float("-inf")):
        return str(value)
    text = f"{value:.{SIGNIFICANT_DIGITS}g}"
    if "e" in text and 1e-7 <= abs(value) < 1e21:
        text = format(Decimal(text), "f")
    return "0" if text == "-0" else text


def checked(value: Any, names: Mapping[str, Any]) -> Any:
    """``value`` ready to be made text (:func:`briefgen.text.printing.printable`): floats as
    :func:`float_text`, containers rebuilt with their items checked, anything else as given.

    ``names``: the names the template sees (its globals), to name a function printed
    without its brackets. Raises :class:`~briefgen.errors.TemplateError` (code
    ``template-not-text``) for a value with no text of its own (see the module doc); an
    undefined value is left for Jinja2 to report."""
    if value is None:
        raise _none_printed()
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is float:
        return float_text(value)
    if isinstance(value, jinja2.Undefined):
        return value
    if isinstance(value, _CONTAINERS):
        if not any(not isinstance(item, _PLAIN) for item in value):
            return value
        items = [checked(item, names) for item in value]
        return type(value)(items) if isinstance(value, (set, frozenset)) else items
    if isinstance(value, dict):
        return {checked(k, names): checked(v, names) for k, v in value.items()}
    if isinstance(value, float):
        return float_text(value)
    if callable(value) or isinstance(value, (types.ModuleType, Iterator)) or not _has_text(kind, value):
        raise _not_text(value, names)
    return value


@lru_cache(maxsize=256)
def _own_str(kind: type) -> bool:
    """True when ``kind`` has a text of its own: its ``__str__`` is not object's (whose
    text is the repr)."""
    return kind.__str__ is not object.__str__


def _has_text(kind: type, value: Any) -> bool:
    """True when ``value`` prints as text: its type has its own, or
    :func:`briefgen.text.printing.printable` makes it text (a date, a figure ...)."""
    return _own_str(kind) or printable(value) is not value


def _none_printed() -> TemplateError:
    """The error for printing None: a field left empty, or an expression that gave nothing."""
    return none_refused("cannot print None", "printed", "Print it only when it is set: {% if value %}...{% endif %}, "
                        "or give it a default: | default(\"not known\", true); without true, default() "
                        "replaces only a missing value, not None")


def none_refused(what: str, made: str, advice: str, suggestion: str = "", reads: str | None = "None") -> TemplateError:
    """The error (code ``template-prints-none``) for None about to become text: ``what``
    failed (``cannot print None``, ``filter 'upper' cannot make text of None``), ``made`` how
    it would have reached the briefing (``printed``, ``joined``; "" when it would not), ``advice`` how to write it
    instead; ``suggestion`` (optional) becomes the error's did-you-mean; ``reads``: the text the
    briefing would have read (:func:`would_read`; None when it cannot be told: then the message says
    'None' would stand in the value's place). Shared by ``{{ }}`` (:func:`checked`), ``~``
    (:func:`concat_texts`) and the filters and formatting that refuse None (:mod:`briefgen.text.filter_text`)."""
    shown = f"would read {_excerpt(reads)!r}" if reads is not None else "would show 'None' in its place"
    read = f"; {made}, the briefing {shown}" if made else ""
    message = (f"{what}: the value is empty here (a field this item does not set, or an expression that gave "
               f"nothing){read}. {advice} (expected {EXPECTED}, got None)")
    if suggestion:
        message += f"; did you mean '{suggestion}'?"
    return TemplateError(message, code="template-prints-none")


EXCERPT = 60
"""At most this many characters of what the briefing would read are quoted (around the first 'None')."""


def _excerpt(text: str) -> str:
    """``text``, or for a long one the stretch around its first "None" with "…" for what is left out."""
    if len(text) <= EXCERPT:
        return text
    at = max(text.find("None"), 0)
    start = max(0, min(at - EXCERPT // 2, len(text) - EXCERPT))
    return ("…" if start else "") + text[start:start + EXCERPT] + ("…" if start + EXCERPT < len(text) else "")


def would_read(make: Callable[[], Any]) -> str | None:
    """The text ``make()`` gives (what an operation would have written with None in it, e.g.
    Jinja2's own filter called with None), or None when it fails: then no text is quoted."""
    try:
        return str(make())
    except Exception:  # whatever the operation raises on None: nothing to quote
        return None


_ADVICE_CONCAT = ("Join it only when it is set: {% if value %}...{% endif %}, or give it a default: "
                  "(value | default(\"not known\", true))")


def concat_texts(parts: tuple, names: Mapping[str, Any]) -> tuple[str, ...]:
    """The parts of ``a ~ b`` as ``{{ }}`` prints each (:func:`checked`, then
    :func:`briefgen.text.printing.printable`). Raises :class:`TemplateError`
    (``template-prints-none``) for a None part, quoting what the concatenation would have read
    ('aNone'), or (``template-not-text``) for a part with no text of its own."""
    if any(p is None for p in parts):
        i = next(i for i, p in enumerate(parts, 1) if p is None)
        reads = "".join("None" if p is None else (would_read(partial(_text, p, names)) or "…") for p in parts)
        raise none_refused(f"cannot print None (part {i} of {len(parts)} joined by '~')", "joined with '~'",
                           _ADVICE_CONCAT, reads=reads)
    return tuple(_text(p, names) for p in parts)


def _text(part: Any, names: Mapping[str, Any]) -> Any:
    return part if type(part) is str else printable(checked(part, names))


def _not_text(value: Any, names: Mapping[str, Any]) -> TemplateError:
    """The error for printing ``value``, which has no text of its own."""
    got, advice, suggestion = _what(value, names)
    message = (f"cannot print {got}: it has no text of its own (printing it would give a Python repr such as "
               f"'<bound method ...>', which can hold a memory address that changes at every build); {advice} "
               f"(expected {EXPECTED}, got {got})")
    if suggestion:
        message += f"; did you mean '{suggestion}'?"
    return TemplateError(message, code="template-not-text")


def _what(value: Any, names: Mapping[str, Any]) -> tuple[str, str, str]:
    """(what ``value`` is, how to print it instead, the did-you-mean or "")."""
    if isinstance(value, types.ModuleType):
        return f"the module {value.__name__!r}", "print one of its values", ""
    name = _global_name(value, names)
    if name is not None:
        call = CALLS.get(name, f"{name}()")
        what = "class" if isinstance(value, type) else "function"
        return f"the {what} {name!r}", f"call it: {call}", call
    if isinstance(value, type):
        return f"the class {value.__name__!r}", "print one of its values", ""
    if isinstance(value, jinja2.runtime.Macro):
        return f"the macro {value.name!r}", f"call it: {value.name}(...)", f"{value.name}(...)"
    if isinstance(value, jinja2.runtime.LoopContext):
        return "the loop itself", "print one of its fields: loop.index, loop.length ...", "loop.index"
    if isinstance(value, Iterator):
        return ("a generator (what filters such as map, select and reject give)",
                'join its items: | join(", "), or make it a list: | list', '| join(", ")')
    if callable(value):
        fname = getattr(value, "__name__", "")
        if not fname:  # an object made to be called, such as joiner()'s
            return f"a {type(value).__name__!r} object", "call it: add (...) after its name", ""
        if isinstance(value, (types.MethodType, types.BuiltinMethodType)) or hasattr(value, "__self__"):
            return f"the method {fname!r}", f"call it: .{fname}()", ""
        return f"the function {fname!r}", f"call it: {fname}(...)", ""
    kind = type(value).__name__
    if isinstance(value, Iterable):
        return f"a {kind!r} object", 'join its items: | join(", ")', '| join(", ")'
    return f"a {kind!r} object", "print one of its fields", ""


def _global_name(value: Any, names: Mapping[str, Any]) -> str | None:
    """The name the template sees ``value`` by (``claim`` for the renderer's method), or None."""
    if not callable(value):
        return None
    for name, known in names.items():
        if known is value:
            return name
    for name, known in names.items():
        if isinstance(known, types.MethodType) and known == value:
            return name
    return None

