"""Every use of Jinja2's private API, in one place, with the versions it was written for.

Written for and checked against Jinja2 3.1 (:data:`SUPPORTED`, the same range as the
``jinja2`` pin in ``pyproject.toml``). briefgen words the message of an undefined name or
field itself (``entity 'x' has no field 'country'; did you mean 'countries'?``), which Jinja2
offers no public hook for: :class:`AuthorUndefined` overrides ``Undefined._undefined_message``
and reads the ``_undefined_hint`` / ``_undefined_obj`` / ``_undefined_name`` slots (the hint also
through :func:`undefined_hint`), and
:data:`MISSING` is ``jinja2.utils.missing`` (the "no object" marker of an undefined *name*).

Outside :data:`SUPPORTED`, :func:`require_supported` (called when an environment is made)
raises :class:`~briefgen.compat.UnsupportedLibraryError`: the messages could silently turn
into Jinja2's own wording, or fail, so no template is rendered.
"""

from __future__ import annotations

from typing import Any

import jinja2
import jinja2.utils

from briefgen.compat import VersionRange, in_range, require

SUPPORTED: VersionRange = ((3, 1), (3, 2))
VERSION: str = jinja2.__version__
VERSION_OK: bool = in_range(VERSION, SUPPORTED)

MISSING: Any = jinja2.utils.missing
"""The ``obj`` of an undefined that stands for an unknown top-level *name* (not a field)."""


def require_supported() -> None:
    """Raise :class:`~briefgen.compat.UnsupportedLibraryError` if the installed Jinja2 is
    outside :data:`SUPPORTED`."""
    require("jinja2", VERSION, SUPPORTED, "briefgen's template error messages")


def undefined_lookup(value: jinja2.Undefined) -> tuple[Any, Any]:
    """(the object, the field or key) whose lookup gave the undefined ``value``: ``(claim, "date")``
    for an unset ``claim("x").date``; ``obj`` is :data:`MISSING` for an unknown top-level name."""
    return value._undefined_obj, value._undefined_name


class AuthorUndefined(jinja2.StrictUndefined):
    """A StrictUndefined whose error message a subclass words in :meth:`_briefgen_message`.

    The method's name starts with ``_`` so that templates cannot reach it (the sandbox
    refuses such attributes, and any other name would shadow a template's field lookup).
    """

    __slots__ = ()

    def _briefgen_message(self, hint: str | None, obj: Any, name: Any) -> str | None:
        """The message for this undefined: ``hint`` (set by Jinja2, e.g. the sandbox's
        "access to attribute ... is unsafe"), ``obj`` (the object the field was looked up on,
        :data:`MISSING` for a top-level name) and ``name`` (the field, item or name).
        None: Jinja2's own message."""
        return None

    @property
    def _undefined_message(self) -> str:
        text = self._briefgen_message(self._undefined_hint, self._undefined_obj, self._undefined_name)
        return super()._undefined_message if text is None else text


def undefined_hint(value: jinja2.Undefined) -> str | None:
    """The hint Jinja2 gave the undefined ``value`` (the sandbox's "access to attribute ... is
    unsafe", a macro's "parameter ... was not provided"), or None for a plain lookup that failed."""
    hint: str | None = value._undefined_hint
    return hint
