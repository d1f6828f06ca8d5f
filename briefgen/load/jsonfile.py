"""Reading JSON a user gives briefgen (edition records, build manifests, STIX bundles): one path, clear errors.

The rules, each broken with a :class:`JsonInputError` naming the file (exit code 2), never a
traceback:

* at most ``max_bytes`` bytes (checked before the file is read; :data:`MAX_BYTES` by default);
* UTF-8 text (a byte-order mark is allowed);
* JSON syntax (the line and column where it breaks), without ``NaN`` or ``Infinity``,
  which are not JSON (RFC 8259 §6) although Python's reader takes them;
* no number with more digits than Python converts (:data:`MAX_DIGITS`, the interpreter's
  ``int_max_str_digits``, 4300 by default: CVE-2020-10735);
* nested at most :data:`MAX_DEPTH` levels (lists and objects), the limit YAML input has too
  (:data:`briefgen.load.yamlcompose.MAX_DEPTH`): checked on the text before parsing, so a
  small file of deep brackets is refused rather than exhausting Python's recursion.

The shape of what was read (which keys, which types) is the caller's to check.
"""

from __future__ import annotations

import json
import re
import sys
from itertools import accumulate
from pathlib import Path
from typing import Any

from briefgen.errors import BriefgenError, Problem
from briefgen.load.yamlcompose import MAX_DEPTH
from briefgen.regular_files import read_regular

MAX_BYTES = 256 * 1024 * 1024
"""Largest JSON file read (256 MiB); larger files are refused, not read."""

MAX_DIGITS = sys.get_int_max_str_digits() or 4300
"""Most digits of a JSON integer (Python's own limit on converting text to an int)."""

_STRINGS = re.compile(r'"(?:[^"\\\n]|\\.)*"')  # JSON strings hold no raw line break
_TOKENS = re.compile(r'"(?:[^"\\\n]|\\.)*"|[\[\]{}]')
_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}
_NOT_STRUCTURE = bytes(b for b in range(256) if b not in b'[]{}"')


class JsonInputError(BriefgenError):
    """A JSON input that cannot be read (see the module doc). ``problem`` locates it (file,
    line and column where known, 0 otherwise; ``code``: ``unreadable-file``, ``too-large``,
    ``not-json``, ``too-deep`` or ``number-too-long``); ``problems`` holds it for ``--json``;
    ``reason`` is the message without the file and what it should have been (for a caller
    that words its own). Exit code 2."""

    exit_code = 2

    def __init__(self, problem: Problem, reason: str) -> None:
        super().__init__(f"{problem.location()}: {problem.message}")
        self.problem = problem
        self.problems = [problem]
        self.reason = reason


def read_json(path: Path, *, what: str, shown: str | None = None, max_bytes: int = MAX_BYTES) -> tuple[Any, str]:
    """The JSON value in ``path`` and its text. ``what`` names what the file should be in
    messages ("an edition file", "a STIX bundle"); ``shown``: the file as messages name it
    (default: ``path`` as given). Raises :class:`JsonInputError`."""
    where = str(path) if shown is None else shown
    try:
        size = Path(path).stat().st_size
        if size > max_bytes:
            raise _error(where, f"the file is {size} bytes, larger than the {max_bytes // 2**20} MiB "
                                f"briefgen reads as {what}", code="too-large")
        raw = read_regular(path)  # a FIFO or device: refused, not waited on
    except OSError as exc:
        raise _error(where, f"cannot read the file: {exc.strerror or exc}", code="unreadable-file") from None
    return parse_json(raw, where=where, what=what), raw.decode("utf-8-sig")


def parse_json(raw: bytes | str, *, where: str, what: str) -> Any:
    """The JSON value of ``raw`` (bytes: UTF-8, with or without a byte-order mark) under the
    rules of the module doc; ``where`` names the file in messages. Raises :class:`JsonInputError`."""
    if isinstance(raw, bytes):
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise _error(where, f"not {what}: not JSON in UTF-8 (byte 0x{raw[exc.start]:02x} at offset "
                                f"{exc.start})", code="not-json") from None
    else:
        text = raw
    depth = _deepest(raw if isinstance(raw, bytes) else text.encode("utf-8", "surrogatepass"))
    if depth > MAX_DEPTH:
        raise _error(where, f"not {what}: its JSON is nested {depth} levels deep; briefgen reads at most "
                            f"{MAX_DEPTH}", line=_too_deep_line(text), code="too-deep")
    try:
        return json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise _error(where, f"not {what}: not valid JSON: {exc.msg}", line=exc.lineno, column=exc.colno,
                     code="not-json") from None
    except _NotJson as exc:
        raise _error(where, f"not {what}: {exc}", code="not-json") from None
    except ValueError:  # an integer of more digits than Python converts
        outside = _STRINGS.sub('""', text)
        long = re.search(rf"\d{{{MAX_DIGITS + 1},}}", outside)
        digits = f"{len(long.group())}" if long else f"more than {MAX_DIGITS}"
        raise _error(where, f"not {what}: a number has {digits} digits; briefgen reads numbers of at most "
                            f"{MAX_DIGITS}", line=outside.count("\n", 0, long.start()) + 1 if long else 0,
                     code="number-too-long") from None
    except RecursionError:  # the depth check above keeps this from happening; never a traceback all the same
        raise _error(where, f"not {what}: its JSON is nested too deep to read", code="too-deep") from None


def json_type_words(value: Any) -> str:
    """``value`` as a problem names it: its JSON type, and the value when short
    (``a number (5)``, ``null``, ``a list``)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, (int, float)):
        shown = repr(value)
        return f"a number ({shown if len(shown) <= 20 else shown[:17] + '...'})"
    if isinstance(value, str):
        shown = repr(value)
        return f"text ({shown if len(shown) <= 40 else shown[:37] + '...'})"
    return "a list" if isinstance(value, list) else "an object"


class _NotJson(ValueError):
    pass


def _no_constant(name: str) -> Any:
    raise _NotJson(f"{name} is not a JSON value (RFC 8259 allows only finite numbers)")


def _deepest(data: bytes) -> int:
    """The deepest nesting of lists and objects in the JSON ``data`` (UTF-8; brackets inside
    strings not counted; an unbalanced text is the parser's to report). Byte-level and C-speed
    (escapes dropped, then everything but brackets and quotes, then what lies between quotes):
    a 5 MB edition record takes a few milliseconds."""
    if data.count(b"[") + data.count(b"{") <= MAX_DEPTH:  # cannot be deeper: small files end here
        return 0
    plain = data.replace(b"\\\\", b"").replace(b'\\"', b"").translate(None, _NOT_STRUCTURE)
    outside = b"".join(plain.split(b'"')[::2])
    return max(accumulate(map(_STEP.__getitem__, outside)), default=0)


def _too_deep_line(text: str) -> int:
    """The line where ``text`` first nests deeper than :data:`MAX_DEPTH` (for the message only)."""
    depth = 0
    for match in _TOKENS.finditer(text):
        if match.group() in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return text.count("\n", 0, match.start()) + 1
        elif match.group() in "]}":
            depth -= 1
    return 0


def _error(where: str, message: str, *, line: int = 0, column: int = 0, code: str) -> JsonInputError:
    reason = message.split(": ", 1)[1] if message.startswith("not ") else message
    return JsonInputError(Problem(where, line, column, "(document)", message, code=code), reason)
