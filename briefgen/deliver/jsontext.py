"""Indented JSON text, as ``json.dumps(value, indent=2, ensure_ascii=False)`` writes it, faster.

With an ``indent``, the standard library encodes in pure Python, a generator per container
(~1.4 ms for a manifest of the example, ~2.6 ms for the files of one build). Manifests,
edition and audit records are dicts and lists of strings, numbers, booleans and None:
:func:`indented_json` writes those with the C string encoder the standard library uses
(``json.encoder.encode_basestring``), a list of strings in one join, so the text is the
same character for character. Anything else (keys that are not strings, floats that are
not finite, subclasses, other types, cycles) goes to ``json.dumps`` itself.
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring
from typing import Any

_INFINITY = float("inf")


class _Unusual(Exception):
    """A value :func:`indented_json` leaves to ``json.dumps``."""


def indented_json(value: Any) -> str:
    """``json.dumps(value, indent=2, ensure_ascii=False)``, the same text. Raises what
    ``json.dumps`` raises (TypeError for a value JSON cannot hold, ValueError for a cycle)."""
    parts: list[str] = []
    try:
        _write(value, parts, "\n")
    except (_Unusual, RecursionError):
        return json.dumps(value, indent=2, ensure_ascii=False)
    return "".join(parts)


def _scalar(value: Any) -> str | None:
    """The text of a string, number, boolean or None; None for anything else."""
    kind = type(value)
    if kind is str:
        return encode_basestring(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if kind is int:
        return int.__repr__(value)
    if kind is float:
        if value != value or value in (_INFINITY, -_INFINITY):
            raise _Unusual  # NaN, Infinity: json's own spelling
        return float.__repr__(value)
    return None


def _write(value: Any, parts: list[str], newline: str) -> None:
    """Append ``value``'s text to ``parts``; ``newline`` is a line break and the current indent."""
    text = _scalar(value)
    if text is not None:
        parts.append(text)
        return
    kind = type(value)
    inner = newline + "  "
    if kind is list or kind is tuple:
        if not value:
            parts.append("[]")
        elif all(type(item) is str for item in value):
            parts.append("[" + inner + ("," + inner).join(map(encode_basestring, value)) + newline + "]")
        else:
            separator = "[" + inner
            for item in value:
                parts.append(separator)
                separator = "," + inner
                _write(item, parts, inner)
            parts.append(newline + "]")
    elif kind is dict:
        if not value:
            parts.append("{}")
            return
        separator = "{" + inner
        for key, item in value.items():
            if type(key) is not str:
                raise _Unusual  # json turns numbers, booleans and None into keys its own way
            text = _scalar(item)
            if text is not None:
                parts.append(separator + encode_basestring(key) + ": " + text)
            else:
                parts.append(separator + encode_basestring(key) + ": ")
                _write(item, parts, inner)
            separator = "," + inner
        parts.append(newline + "}")
    else:
        raise _Unusual
