"""What a template may build: sizes checked *before* the work is done.

A template is data, not trusted code: ``{{ '%0999999999d' % 1 }}`` would ask Python for a
string of a billion characters, ``{{ 'x' | center(10**9) }}`` likewise. Every operation
whose result can be far larger than its inputs -- padding and precision in ``%``
formatting, ``str.format`` and the ``format`` filter; ``center``/``ljust``/``rjust``/
``zfill``/``expandtabs``; ``replace``, ``join``, ``translate``; repetition and
concatenation; big-integer arithmetic; the ``indent``, ``wordwrap``, ``urlize``, ``sum``,
``batch``, ``slice``, ``tojson`` filters and ``lipsum`` -- is estimated here from its
arguments and refused (:class:`jinja2.sandbox.SecurityError`, which names the operation)
when its result would pass :data:`MAX_TEMPLATE_SIZE` characters. The estimates are upper
bounds, cheap to compute (:func:`weight` stops counting past the limit).

:mod:`briefgen.text.budget` adds what bounds the time and the total: a step budget for
loops and calls, the output size, and the checks on every result.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from jinja2.sandbox import SecurityError

MAX_TEMPLATE_SIZE = 1_000_000
"""Largest value (string, list, formatted field, padding) a template may build, in
characters or items; ``{{ 'x' * 10**10 }}`` is refused instead of exhausting memory."""

MAX_INT_BITS = 10_000
"""Largest integer a template may compute by ``*`` or ``**`` (about 3,000 digits)."""


def weight(value: Any, limit: int = MAX_TEMPLATE_SIZE) -> int:
    """About how many characters ``str(value)`` has (strings and containers exactly enough
    to bound it, other objects a few), counted only until ``limit`` is passed."""
    total = 0
    stack = [value]
    seen: set[int] = set()
    while stack and total <= limit:
        v = stack.pop()
        if isinstance(v, (str, bytes, bytearray)):
            total += len(v)
        elif isinstance(v, (list, tuple, set, frozenset, dict)):
            if id(v) in seen:  # printed as [...] when it contains itself
                total += 5
                continue
            seen.add(id(v))
            total += 2 + 2 * len(v)
            if len(v) > limit:
                return total
            stack.extend(v.keys() if isinstance(v, dict) else v)
            if isinstance(v, dict):
                stack.extend(v.values())
        elif isinstance(v, int) and not isinstance(v, bool):
            total += v.bit_length() // 3 + 1
        else:
            total += 8
    return total


def refuse_over(size: int, what: str, limit: int = MAX_TEMPLATE_SIZE) -> None:
    """Raise SecurityError when ``size`` (characters or items) passes ``limit``."""
    if size > limit:
        raise SecurityError(f"{what} would make {size:,} characters or items, more than a template may "
                            f"build ({limit:,})")


def _number(text: str, what: str) -> int:
    """A width or precision written in a format string, refused when absurd."""
    if len(text) > 7:
        raise SecurityError(f"{what}: width or precision {text[:12]}{'...' if len(text) > 12 else ''} is larger "
                            f"than a template may use ({MAX_TEMPLATE_SIZE:,})")
    return int(text)


def _field(n: Any, what: str) -> int:
    if isinstance(n, bool) or not isinstance(n, int):
        return 0
    if abs(n) > MAX_TEMPLATE_SIZE:
        raise SecurityError(f"{what}: width or precision {n:,} is larger than a template may use "
                            f"({MAX_TEMPLATE_SIZE:,})")
    return abs(n)


_DIGITS = re.compile(r"\d+")
_PERCENT = re.compile(r"%(?:\(([^)]*)\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d*))?[hlL]?(.)", re.S)


def check_percent(template: Any, args: Any, what: str = "'%' formatting") -> None:
    """Refuse ``template % args`` (printf-style) when a width or precision, or the result,
    is too large."""
    if not isinstance(template, (str, bytes)):
        return
    text = template if isinstance(template, str) else template.decode("latin-1")
    values = args if isinstance(args, tuple) else (args,)
    mapping = args if isinstance(args, Mapping) else None
    total, i = len(text), 0
    for m in _PERCENT.finditer(text):
        key, width, precision, conversion = m.groups()
        if conversion == "%":
            continue
        sizes = []
        for part in (width, precision):
            if part == "*":
                sizes.append(_field(values[i] if i < len(values) else 0, what))
                i += 1
            elif part:
                sizes.append(_number(part, what))
        if key is not None and mapping is not None:
            arg = mapping.get(key)
        else:
            arg = values[i] if i < len(values) else None
            i += 1
        total += max([weight(arg), *(s + 32 for s in sizes)])
        refuse_over(total, what)


def check_format_spec(spec: str, value: Any, what: str = "str.format()") -> None:
    """Refuse a ``format()`` field whose width or precision is too large."""
    for digits in _DIGITS.findall(spec or ""):
        _field(_number(digits, what), what)
    refuse_over(weight(value), what)


def _str_method_size(name: str, s: str | bytes, args: tuple, kwargs: dict) -> int | None:
    """The size of ``s.<name>(*args, **kwargs)`` for the ``str``/``bytes`` methods whose
    result can outgrow their inputs (None for the others)."""

    def arg(n: int, key: str, default: Any = None) -> Any:
        return args[n] if len(args) > n else kwargs.get(key, default)

    if name in ("center", "ljust", "rjust", "zfill"):
        return max(len(s), _field(arg(0, "width", 0), f"str.{name}()"))
    if name == "expandtabs":
        tabs = s.count("\t") if isinstance(s, str) else s.count(b"\t")
        return len(s) + tabs * _field(arg(0, "tabsize", 8), "str.expandtabs()")
    if name == "replace":
        return replaced_size(s, arg(0, "old", ""), arg(1, "new", ""), arg(2, "count", -1))
    if name == "translate":
        table = arg(0, "table")
        longest = max((weight(v) for v in table.values()), default=1) if isinstance(table, Mapping) else 1
        return len(s) * max(longest, 1)
    return None


def replaced_size(s: Any, old: Any, new: Any, count: Any = -1) -> int:
    """Size of ``s.replace(old, new, count)``."""
    if not isinstance(s, (str, bytes)) or not isinstance(old, type(s)) or not isinstance(new, type(s)):
        return weight(s)
    n = len(s) + 1 if not old else s.count(old)  # type: ignore[arg-type]  # old is of s's type
    if isinstance(count, int) and not isinstance(count, bool) and count >= 0:
        n = min(n, count)
    return len(s) + n * max(len(new) - len(old), 0)


def joined_size(separator: Any, items: list | tuple) -> int:
    """Size of ``separator.join(items)``."""
    return weight(items) + max(len(items) - 1, 0) * weight(separator)


def check_call(obj: Any, args: tuple, kwargs: dict) -> tuple:
    """Refuse a call of a ``str``/``bytes`` method that would build too much; returns the
    arguments to call with (an iterable given to ``join`` is made a list once, to be
    measured)."""
    owner = getattr(obj, "__self__", None)
    name = getattr(obj, "__name__", "")
    if not isinstance(owner, (str, bytes)):
        return args
    if name == "join" and args:
        items = args[0] if isinstance(args[0], (list, tuple)) else list(args[0])
        refuse_over(joined_size(owner, items), "str.join()")
        return (items, *args[1:])
    size = _str_method_size(name, owner, args, kwargs)
    if size is not None:
        refuse_over(size, f"str.{name}()")
    return args


# --------------------------------------------------------------------------- filters and globals
def _as_list(value: Any) -> Any:
    return value if isinstance(value, (str, list, tuple, Mapping)) else list(value)


def _lines(s: Any) -> int:
    return str(s).count("\n") + 1


def _filter_checks() -> dict[str, Callable[..., tuple[tuple, dict]]]:
    """Per filter: check its arguments (value first, after any context Jinja2 passes) and
    return them, an iterable made a list where it must be measured."""

    def center(value, width=80, *a, **k):
        refuse_over(max(weight(value), _field(width, "center")), "the center filter")
        return (value, width, *a), k

    def indent(s, width=4, *a, **k):
        w = len(width) if isinstance(width, str) else _field(width, "indent")
        refuse_over(weight(s) + _lines(s) * w, "the indent filter")
        return (s, width, *a), k

    def format_(value, *args, **kwargs):
        check_percent(str(value), kwargs or args, "the format filter")
        return (value, *args), kwargs

    def replace(s, old, new, count=None, *a, **k):
        size = replaced_size(str(s), str(old), str(new), -1 if count is None else count)
        refuse_over(size, "the replace filter")
        return (s, old, new, count, *a), k

    def join(value, d="", *a, **k):
        value = _as_list(value)
        refuse_over(joined_size(d, list(value)), "the join filter")
        return (value, d, *a), k

    def sum_(iterable, attribute=None, start=0, *a, **k):
        items = _as_list(iterable)
        if isinstance(start, (list, tuple, str)) or any(isinstance(x, (list, tuple, str)) for x in items):
            size = weight(start) + weight(items)
            refuse_over(size, "the sum filter")
            refuse_over(len(items) * size, "the sum filter (each step copies the total so far)", 50_000_000)
        return (items, attribute, start, *a), k

    def batch(value, linecount, fill_with=None, *a, **k):
        value = _as_list(value)
        if fill_with is not None:
            refuse_over(len(value) + _field(linecount, "batch"), "the batch filter")
        return (value, linecount, fill_with, *a), k

    def slice_(value, slices, fill_with=None, *a, **k):
        value = _as_list(value)
        refuse_over(len(value) + _field(slices, "slice"), "the slice filter")
        return (value, slices, fill_with, *a), k

    def wordwrap(s, width=79, break_long_words=True, wrapstring=None, *a, **k):
        text = str(s)
        breaks = len(text) // max(_field(width, "wordwrap"), 1) + text.count(" ") + text.count("\n") + 1
        refuse_over(len(text) + breaks * len(wrapstring or "\n"), "the wordwrap filter")
        return (s, width, break_long_words, wrapstring, *a), k

    def urlize(value, trim_url_limit=None, nofollow=False, target=None, rel=None, *a, **k):
        text = str(value)
        links = sum(text.count(mark) for mark in ("://", "www.", "@", "."))
        refuse_over(3 * len(text) + links * (weight(target or "") + weight(rel or "") + 60), "the urlize filter")
        return (value, trim_url_limit, nofollow, target, rel, *a), k

    def tojson(value, indent=None, *a, **k):
        if indent is not None and _field(indent, "tojson") > 16:
            raise SecurityError(f"the tojson filter: indent {indent} is larger than a template may use (16)")
        refuse_over(weight(value) * (1 + (indent or 0)), "the tojson filter")
        return (value, indent, *a), k

    return {"center": center, "indent": indent, "format": format_, "replace": replace, "join": join,
            "sum": sum_, "batch": batch, "slice": slice_, "wordwrap": wordwrap, "urlize": urlize,
            "tojson": tojson}


FILTER_CHECKS = _filter_checks()


def bounded_lipsum(lipsum: Callable[..., Any]) -> Callable[..., Any]:
    """Jinja2's ``lipsum`` global, refusing more text than a template may build."""

    def call(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> Any:  # noqa: A002 - lipsum's names
        refuse_over(_field(n, "lipsum") * _field(max, "lipsum") * 12, "lipsum()")
        return lipsum(n, html, min, max)

    return call

