"""Audiences that would be shown no section of the briefing, for ``validate``.

``sections: []``, a ``sections:`` list naming only sections another spec has (an audience file
shared by specs), or ``drop_sections`` and the kind switches (``claims_table: false`` ...) that
leave every section out: the variant would be a cover and nothing else. Building that audience
fails (:func:`briefgen.resolve.audiences.get_audience`); the spec's checks warn, as they do for a
ceiling below the briefing's floor, so that the spec's other audiences still build. (An audience of
a shared audience file that names only other specs' sections is only warned about.)
"""

from __future__ import annotations

import dataclasses

from briefgen.errors import Problem
from briefgen.load.project import LoadedSpec
from briefgen.resolve.audiences import no_sections


def empty_audience_problems(loaded: LoadedSpec) -> list[Problem]:
    """A ``no-sections`` warning for each audience of ``loaded`` whose build fails for showing no
    section (:func:`~briefgen.resolve.audiences.no_sections`)."""
    problems = []
    for name, aud in loaded.spec.audiences.items():
        found = no_sections(loaded, name, aud)
        if found is not None and found.severity == "warning":  # a shared audience for other specs
            problems.append(found)
        elif found is not None:
            problems.append(dataclasses.replace(found, severity="warning",
                                                message=found.message + "; building this audience fails"))
    return problems
