"""The messages of the template functions' look-ups that fail (``claim()``, ``entity()``,
``source()``, ``ref()``), with the fix in the problem's own fields.

A message ends ``(expected ..., got ...); did you mean '...'?``, which
:func:`briefgen.text.located.located` makes the problem's ``expected``, ``got`` and ``suggestion``
(``--json`` gives them as fields: the ``template-withheld`` errors had them empty though the
message held the fix). ``ref()`` says what it accepts (a chart, an image or a table section's id)
and lists the ids it would accept, rather than "no figure 'bluf'" for a section that is no table.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from briefgen.errors import near_id
from briefgen.model.section_kinds import SECTION_KINDS

_SHOWN = 20
"""At most this many ids are listed in a message."""


def _guard(ident: str) -> str:
    """``{% if visible("x") %}``: double quotes, which a did-you-mean can hold."""
    return f'{{% if visible("{ident}") %}}'


def withheld(kind: str, ident: str, audience: str, ceiling: str) -> str:
    """``claim('x')`` (``kind`` ``claim``, ``entity`` or ``source``) of an item withheld from ``audience``."""
    return (f"refers to {kind} {ident!r}, which is withheld from audience {audience!r} (ceiling {ceiling}); "
            f"wrap it in {{% if visible({ident!r}) %}} ... {{% endif %}} (expected a {kind} audience {audience!r} "
            f"may see, or its use inside {_guard(ident)}, got {kind} {ident!r}, withheld); "
            f"did you mean '{_guard(ident)}'?")


def ref_left_out(ident: str, audience: str, why: str) -> str:
    """``ref('x')`` of a chart, image or table the version of ``audience`` leaves out, for reason ``why``."""
    return (f"ref(): figure {ident!r} is not in the version for audience {audience!r} ({why}); wrap it in "
            f"{{% if visible({ident!r}) %}} ... {{% endif %}} (expected a figure or table in audience {audience!r}'s "
            f"version, or its use inside {_guard(ident)}, got {ident!r}, left out); did you mean '{_guard(ident)}'?")


def table_kinds() -> list[str]:
    """The section kinds numbered as tables (``ref()`` takes their sections' ids)."""
    return [name for name in SECTION_KINDS.names() if (kind := SECTION_KINDS.get(name)) is not None and kind.table]


def no_ref_target(ident: str, targets: Iterable[str], sections: Mapping[str, str]) -> str:
    """``ref('x')`` of an id that is no chart, image or table section of the spec. ``targets``: the ids
    ``ref()`` takes; ``sections``: the kind of every section of this version, by id."""
    known = sorted(targets)
    accepts = f"ref() takes the id of a chart, an image or a table section (of kind {' or '.join(table_kinds())})"
    if ident in sections:
        head = f"ref(): section {ident!r} is a {sections[ident]} section, which has no number to refer to; {accepts}"
    else:
        head = f"ref(): no chart, image or table section {ident!r} in this briefing; {accepts}"
    listed = ", ".join(known[:_SHOWN]) + (", ..." if len(known) > _SHOWN else "")
    expected = f"one of {listed}" if known else "an id of one, but this briefing has none"
    close = near_id(str(ident), [k for k in known if k != ident])
    return f"{head} (expected {expected}, got {ident!r})" + (f"; did you mean {close!r}?" if close else "")


_UNDEFINED = re.compile(r"^'([A-Za-z_]\w*)' is undefined")
_FUNCTIONS = "claim|entity|source|visible|cite|ref|conflicts"


def unquoted_id(message: str, line: str) -> tuple[str, int]:
    """``message`` (``'c' is undefined``) for template line ``line``, said as what it is when the
    undefined name begins an id written without its quotes in a call (``claim(c-one)``, which Jinja2
    reads as ``c - one``): the id, and the call with it quoted as the did-you-mean; with the 1-based
    column of the id in ``line``. Else ``(message, 0)``."""
    found = _UNDEFINED.match(message)
    if found is None:
        return message, 0
    name = re.escape(found.group(1))
    call = re.search(rf"\b({_FUNCTIONS})\((?:[^()]*,)?\s*({name}[\w.-]*)\s*[,)]", line)
    if call is None:
        return message, 0
    function, written = call.group(1), call.group(2)
    return (f"{function}({written}): the id is not in quotes, so Jinja2 reads it as names ({found.group(1)!r} "
            f"is undefined) (expected an id in quotes, got {written} without them); "
            f"did you mean '{function}(\"{written}\")'?", call.start(2) + 1)
