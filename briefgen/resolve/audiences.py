"""A spec's audiences: their names in order, and looking one up by name (with the checks
that make a name usable)."""

from __future__ import annotations

import dataclasses

from briefgen.errors import SpecError, near_id
from briefgen.load.project import LoadedSpec
from briefgen.model.models import Audience
from briefgen.model.tlp import TLP

DEFAULT_AUDIENCE = "default"
"""Name of the implicit audience of a spec that defines none (ceiling TLP:RED)."""


def audience_names(spec) -> list[str]:
    """The spec's audience names in order (the implicit ``default`` when it has none)."""
    return list(spec.audiences) or [DEFAULT_AUDIENCE]


def get_audience(loaded: LoadedSpec, name: str | None) -> tuple[str, Audience]:
    """The audience called ``name`` (None: ``default_audience``, else the first).

    Raises :class:`SpecError` naming the spec and suggesting the closest name, or when the
    audience's ceiling is below the briefing's own marking (``briefing.tlp``).
    """
    spec = loaded.spec
    if not spec.audiences:
        if name not in (None, DEFAULT_AUDIENCE):
            raise SpecError([loaded.source.problem(("audiences",),
                                                   f"unknown audience {name!r}: the spec defines no audiences",
                                                   code="unknown-audience")])
        return DEFAULT_AUDIENCE, Audience(tlp=TLP.RED)
    if name is None:
        name = spec.default_audience or next(iter(spec.audiences))
    if name not in spec.audiences:
        message = f"unknown audience {name!r} (asked for by name; the spec's audiences are listed here)"
        details = {"expected": "one of " + ", ".join(spec.audiences),
                   "suggestion": near_id(name, spec.audiences) or "", "code": "unknown-audience"}
        problem = loaded.source.problem(("audiences",), message, **details)
        listed = loaded.source.problem(("audiences", next(iter(spec.audiences))), message, **details)
        if listed.file != problem.file:  # the audiences come from an audience file: point there
            problem = dataclasses.replace(listed, key="audiences")
        raise SpecError([problem])
    aud = spec.audiences[name]
    if aud.tlp < spec.briefing.tlp:
        raise SpecError([loaded.source.problem(
            ("audiences", name, "tlp"),
            f"audience {name!r} may receive at most {aud.tlp.label}, but every variant of this "
            f"briefing is marked at least {spec.briefing.tlp.label} (briefing.tlp)",
            expected=f"a ceiling of {spec.briefing.tlp.label} or above", code="ceiling-below-floor")])
    return name, aud
