"""A spec's audiences: their names in order, and looking one up by name (with the checks
that make a name usable)."""

from __future__ import annotations

import dataclasses

from briefgen.errors import Problem, SpecError, near_id
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
    empty = no_sections(loaded, name, aud)
    if empty is not None and empty.severity == "error":
        raise SpecError([empty])
    return name, aud


def no_sections(loaded: LoadedSpec, name: str, aud: Audience) -> Problem | None:
    """The ``no-sections`` error of audience ``name`` when it leaves out every top-level section by
    its own choice (``sections: []``, a list naming only sections another spec has, as an audience
    file shared by specs may, or ``drop_sections`` and switches such as ``claims_table: false``):
    its variant would be a cover and nothing else. Located at its list; None when it shows one.
    A warning, not an error, for an audience of an audience file (shared by specs) whose list names
    only sections of other specs: meant for them, it is not refused here (built empty, as before)."""
    from briefgen.resolve.sections import section_excluded

    spec = loaded.spec
    if not spec.sections or any(section_excluded(sec, aud) is None for sec in spec.sections):
        return None
    key: tuple[str, ...]
    others = False  # a shared audience's list naming only other specs' sections
    if aud.sections is not None:
        key = ("audiences", name, "sections")
        ids = set(aud.sections) & {sec.id for sec in spec.sections}
        written = loaded.source.origin.get(key, (None,))[0]
        others = bool(aud.sections) and not ids and written is not None and "briefing" not in (written.data or {})
        why = ("its 'sections' list is empty" if not aud.sections
               else "none of the sections its 'sections' list names is a section of this spec" if not ids
               else "the sections its 'sections' list names are dropped (drop_sections, or a switch such as "
                    "claims_table: false)")
    else:
        key = ("audiences", name, "drop_sections") if aud.drop_sections else ("audiences", name)
        why = "it leaves every section out (drop_sections, and switches such as claims_table: false)"
    return loaded.source.problem(
        key, f"audience {name!r} would be shown no section of this briefing: {why}"
             + ("; it comes from an audience file shared by specs, so it is built empty here" if others else ""),
        expected=f"at least one of this spec's sections: {', '.join(sec.id for sec in spec.sections)}",
        code="no-sections", severity="warning" if others else "error")
