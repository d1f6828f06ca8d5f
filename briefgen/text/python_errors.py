"""Python's errors met while a template runs, in briefgen's words.

A template's ``%`` or ``str.format`` formatting, ``+`` or a division can raise Python's own error,
which the renderer located but printed bare ("TypeError: %d format: a real number is required, not
str"). :func:`worded` words the common ones: what was written, what it needs, what it was given and
how to write it, with ``(expected ..., got ...)`` and a did-you-mean that
:func:`briefgen.text.located.located` turns into the problem's fields. An error it does not know
keeps Python's words, after its type.
"""

from __future__ import annotations

import re
from collections.abc import Callable

FORMAT_CODE = "template-filter-type"
"""The code of a value of the wrong kind given to a format (as a filter given one)."""

_KINDS = {"str": "text (str)", "NoneType": "None", "int": "a whole number (int)", "float": "a number (float)",
          "list": "a list", "tuple": "a tuple", "dict": "a mapping (dict)", "bool": "true or false (bool)"}
_PLACEHOLDERS = "%s, %d, %i, %f, %e, %g, %x, %o, %c, %r or %%"


def _kind(name: str) -> str:
    return _KINDS.get(name, f"a {name!r} value")


def _number_needed(m: re.Match) -> tuple[str, str]:
    code, needed, got = m.group(1), m.group(2), _kind(m.group(3))
    wanted = "a whole number" if needed == "integer" else "a number"
    return (f"'%' formatting: %{code} needs {wanted}, but was given {got}; write %s to print a value as it is, or "
            f"make a number of it first (| int, | float) (expected {wanted} for %{code}, got {got}); "
            f"did you mean '%s'?", FORMAT_CODE)


def _real_needed(m: re.Match) -> tuple[str, str]:
    got = _kind(m.group(1))
    return (f"'%' formatting: %f, %e and %g need a number, but were given {got}; write %s to print a value as it "
            f"is, or make a number of it first (| float) (expected a number, got {got}); did you mean '%s'?",
            FORMAT_CODE)


_RULES: list[tuple[re.Pattern[str], Callable[[re.Match], tuple[str, str]]]] = [
    (re.compile(r"%(\w) format: an? (real number|integer) is required, not (\w+)"), _number_needed),
    (re.compile(r"must be real number, not (\w+)"), _real_needed),
    (re.compile(r"%c requires int or char"), lambda m: (
        "'%' formatting: %c needs one character or a character's number (expected one character or a whole "
        "number, got something else); write %s to print text; did you mean '%s'?", FORMAT_CODE)),
    (re.compile(r"not enough arguments for format string"), lambda m: (
        "'%' formatting has more placeholders than values; give one value for each, as a tuple: "
        "'%s and %s' % (a, b) (expected one value for each placeholder, got fewer)", "template-error")),
    (re.compile(r"not all arguments converted during string formatting"), lambda m: (
        "'%' formatting was given more values than it has placeholders; write %% for a percent sign "
        "(expected one value for each placeholder, got more)", "template-error")),
    (re.compile(r"unsupported format character '(.)' \(0x[0-9a-f]+\) at index (\d+)"), lambda m: (
        f"'%' formatting: %{m.group(1)} (at index {m.group(2)} of the text) is no placeholder; write %% for a "
        f"percent sign (expected one of {_PLACEHOLDERS}, got %{m.group(1)}); did you mean '%%'?", "template-error")),
    (re.compile(r"incomplete format"), lambda m: (
        "'%' formatting: the text ends in a % with no placeholder after it; write %% for a percent sign "
        f"(expected one of {_PLACEHOLDERS}, got a lone % at the end); did you mean '%%'?", "template-error")),
    (re.compile(r"format requires a mapping"), lambda m: (
        "'%' formatting: %(name)s placeholders take their values from a mapping: '%(n)s' % {'n': x} "
        "(expected a mapping of names to values, got one value)", FORMAT_CODE)),
    (re.compile(r"Unknown format code '(.)' for object of type '(\w+)'"), lambda m: (
        f"format(): the format code '{m.group(1)}' cannot lay out {_kind(m.group(2))}; write {{}} to print it as "
        f"it is (expected a number for d, f, e, g, x and %, got {_kind(m.group(2))}); did you mean '{{}}'?",
        FORMAT_CODE)),
    (re.compile(r"Replacement index (\d+) out of range for positional args tuple"), lambda m: (
        f"format(): placeholder {m.group(1)} (counting from 0) has no value; give one value for each {{}} "
        f"(expected at least {int(m.group(1)) + 1} values, got fewer)", "template-error")),
    (re.compile(r'can only concatenate str \(not "(\w+)"\) to str'), lambda m: (
        f"'+' joins text only to text, but was given text and {_kind(m.group(1))}; write ~ to join values as they "
        f"print: 'a' ~ x (expected text on both sides, got text and {_kind(m.group(1))}); did you mean '~'?",
        FORMAT_CODE)),
    (re.compile(r"unsupported operand type\(s\) for ([^:]+): '(\w+)' and '(\w+)'"), lambda m: (
        f"'{m.group(1)}' cannot work on {_kind(m.group(2))} and {_kind(m.group(3))}"
        + ("; write ~ to join values as they print" if m.group(1) == "+" else "")
        + f" (expected two numbers, got {_kind(m.group(2))} and {_kind(m.group(3))})", FORMAT_CODE)),
]


def _values(n: int) -> str:
    return "none" if n == 0 else f"{n} value" + ("s" if n != 1 else "")


def _arity(m: re.Match, name: str, function: bool) -> tuple[str, str]:
    """A template function (a method of the renderer, whose ``self`` Python counts) or a filter (the
    value before ``|`` is its first argument) called with too many values."""
    takes, given = int(m.group(3)) - 1, int(m.group(4)) - 1
    if function:
        return (f"{name}() takes {_values(takes)}, but was given {given}: one call for each (expected "
                f"{_values(takes)}, got {given})", "template-error")
    if takes == 0:
        return (f"the filter '{name}' takes no value in parentheses, but was given {given} (expected "
                f"'| {name}', got {given} in parentheses); did you mean '| {name}'?", "template-error")
    return (f"the filter '{name}' takes {_values(takes)} in parentheses, but was given {given} (expected "
            f"{_values(takes)}, got {given})", "template-error")


def _missing(m: re.Match, name: str, function: bool) -> tuple[str, str]:
    needed = int(m.group(3))
    if function:
        return (f"{name}() needs {_values(needed)} in its parentheses, e.g. {name}(\"id\") (expected "
                f"{_values(needed)}, got fewer)", "template-error")
    return f"the filter '{name}' needs {_values(needed)} more (expected {_values(needed)} more, got fewer)", \
        "template-error"


def _keyword(m: re.Match, name: str, function: bool) -> tuple[str, str]:
    what = f"{name}()" if function else f"the filter '{name}'"
    return (f"{what} takes no value named {m.group(3)!r} (expected its values without names, got "
            f"{m.group(3)}=...)", "template-error")


_CALLS: list[tuple[re.Pattern[str], Callable[[re.Match, str, bool], tuple[str, str]]]] = [
    (re.compile(r"(\w+\.)?_?(\w+)\(\) takes (\d+) positional arguments? but (\d+) (?:was|were) given"), _arity),
    (re.compile(r"(\w+\.)?_?(\w+)\(\) missing (\d+) required positional arguments?: .*"), _missing),
    (re.compile(r"(\w+\.)?_?(\w+)\(\) got an unexpected keyword argument '(\w+)'"), _keyword),
]
"""A template function or filter called with the wrong values (Python's words name the renderer's
methods and the filters' functions: ``Renderer._claim() takes 2 positional arguments but 3 were
given``, ``do_upper() takes 1 ...``)."""


def called_wrong(text: str, filter_name: str = "") -> tuple[str, str] | None:
    """(the message, the problem code) when ``text``, Python's message, says a template function or
    the filter ``filter_name`` (when given: Python names its function, ``do_upper``) was called
    with the wrong values; else None."""
    for pattern, word in _CALLS:
        m = pattern.fullmatch(text)
        if m:
            return word(m, filter_name or m.group(2), not filter_name and bool(m.group(1)))
    return None


def worded(exc: Exception) -> tuple[str, str]:
    """(the message, the problem code) for ``exc``, raised by Python while a template ran (see the
    module doc); an error it does not know gives ``"TypeName: message"`` and ``template-error``."""
    if isinstance(exc, ZeroDivisionError):
        return ("division by zero; test the divisor first: {% if n %}...{% endif %} (expected a divisor other "
                "than 0, got 0)", "template-error")
    if isinstance(exc, (TypeError, ValueError, IndexError)):
        text = str(exc)
        for pattern, word in _RULES:
            m = pattern.fullmatch(text)
            if m:
                return word(m)
        called = called_wrong(text)
        if called is not None:
            return called
    return f"{type(exc).__name__}: {exc}", "template-error"
