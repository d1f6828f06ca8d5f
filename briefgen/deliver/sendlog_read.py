"""Reading the send log line by line, damaged lines included (:mod:`briefgen.deliver.sendlog`).

A line of ``sent-log.jsonl`` is one JSON object. A line can be damaged: cut short (a run
killed while appending, a full disk, a power cut that left NUL bytes), or, in a log written
by an older briefgen that did not start each append on a new line, a cut record with the
next complete record glued onto it. :func:`read_lines` reads every line as far as it goes:

* a whole line is one record;
* otherwise the first object is read field by field up to the damage (:func:`_partial`: a
  field counts only when its value is complete and followed by ``,`` or ``}``, so a number
  or list cut in the middle is left out), and each complete record glued after it is read
  too.

:meth:`LogLine.problem` words the warning for a damaged line: the file and line, what was
read of it, and what the damage may cause on a rerun.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from briefgen.errors import Problem

_SPACE = re.compile(r"\s*")
_RECORD_KEYS = ("rerun_key", "message_id", "time")
"""A JSON object on a line is a send record when it has one of these (a nested object, such
as ``refused``, has none)."""


@dataclass
class LogLine:
    """One non-empty line of the log: its 1-based ``number``, the ``records`` read from it,
    whether it is ``damaged`` (not exactly one JSON object), and which records were read only
    up to the damage (``cut``, a subset of ``records``)."""

    number: int
    records: list[dict[str, Any]] = field(default_factory=list)
    damaged: bool = False
    cut: list[dict[str, Any]] = field(default_factory=list)

    def is_cut(self, record: dict[str, Any]) -> bool:
        """Whether ``record`` (one of :attr:`records`) was read only up to the damage."""
        return any(record is c for c in self.cut)

    def problem(self, shown: str) -> Problem:
        """The warning for this damaged line of the log shown as ``shown``."""
        glued = len(self.records) - len(self.cut)
        first = self.cut[0] if self.cut else None
        cause = "cut short (a run killed while writing it, or a full disk)"
        if first is None or not (first.get("rerun_key") or first.get("message_id")):
            text = (f"line {self.number} is not readable: {cause}; the send it recorded is lost, so the recipients "
                    f"of that message may get it again on a rerun (check the recipients before sending again)")
        else:
            what = f"the record of {first.get('message_id') or first.get('rerun_key')}" + (
                f" (audience {first['audience']!r})" if isinstance(first.get("audience"), str) else "")
            if "accepted" in first and (first.get("outcome") != "unknown" or "unknown" in first):
                effect = "a rerun still skips the recipients it lists as accepted"
            else:
                effect = ("it lost the list of who received the message, so a rerun treats that message's recipients "
                          "as unknown (they may have it) and does not send to them again unless --resend-unknown")
            text = f"line {self.number} is {cause}; read up to the cut: {what}; {effect}"
        if glued:
            text += f"; {glued} complete record(s) written onto the same line were read too"
        return Problem(shown, self.number, 0, "sent-log", text, severity="warning", code="damaged-send-log")


def read_lines(data: bytes) -> list[LogLine]:
    """Every non-empty line of a send log's bytes, read as far as it goes (module doc)."""
    lines = []
    for number, raw in enumerate(data.split(b"\n"), start=1):
        text = raw.decode("utf-8", "replace").replace("\x00", "")
        if not text.strip():
            continue
        try:
            whole = json.loads(text)
        except ValueError:
            whole = None
        if isinstance(whole, dict):
            lines.append(LogLine(number, [whole]))
        else:
            lines.append(_damaged(number, text))
    return lines


def _damaged(number: int, text: str) -> LogLine:
    line = LogLine(number, damaged=True)
    decoder = json.JSONDecoder()
    pos = text.find("{")
    while pos != -1:
        try:
            obj, end = decoder.raw_decode(text, pos)
        except ValueError:
            obj, end = None, pos + 1
        if isinstance(obj, dict) and any(k in obj for k in _RECORD_KEYS):
            line.records.append(obj)
        else:
            partial = _partial(text, pos, decoder)
            if any(k in partial for k in _RECORD_KEYS):  # not a nested object (refused, deferred)
                line.records.append(partial)
                line.cut.append(partial)
            end = pos + 1
        pos = text.find('{"', end)
    return line


def _partial(text: str, pos: int, decoder: json.JSONDecoder) -> dict[str, Any]:
    """The fields of the object starting at ``text[pos]`` (``{``) that are complete: each
    ``"key": value`` followed by ``,`` or ``}``, up to the first that is not."""
    out: dict[str, Any] = {}
    i, n = pos + 1, len(text)
    while True:
        i = _SPACE.match(text, i).end()  # type: ignore[union-attr]
        if i >= n or text[i] != '"':
            return out
        try:
            key, i = decoder.raw_decode(text, i)
            i = _SPACE.match(text, i).end()  # type: ignore[union-attr]
            if i >= n or text[i] != ":":
                return out
            value, i = decoder.raw_decode(text, _SPACE.match(text, i + 1).end())  # type: ignore[union-attr]
        except ValueError:
            return out
        i = _SPACE.match(text, i).end()  # type: ignore[union-attr]
        if i >= n or text[i] not in ",}":
            return out
        out[key] = value
        if text[i] == "}":
            return out
        i += 1
