"""Keys of a section or chart that would be ignored, found before a build leaves them out silently.

* ``empty-section`` (an error): a section of a kind that shows only its text (``text``, the
  default kind) with no ``template`` or ``template_file``, no image and no subsection: every
  edition would leave it out (:func:`briefgen.resolve.sections.resolve_section`). When it
  holds the keys of another kind (``select``, ``entities``, ``charts``), that kind is the
  did-you-mean: the ``kind:`` line was most likely lost.
* ``chart-select-csv`` (an error): a chart with both ``csv`` and ``select``: a chart drawn
  from a CSV file shows the file's rows, and ``select`` (which picks claims) would be ignored.
"""

from __future__ import annotations

from typing import Any

from briefgen.errors import KeyPath, Problem
from briefgen.model.models import ChartSpec, Section

_SELECTS_BY_KEY = (("charts", "charts"), ("entities", "entities"), ("select", "claims"))
"""A section's key -> what a kind that uses it selects (:attr:`SectionKind.selects`)."""


def empty_section_problem(src: Any, key: KeyPath, sec: Section) -> Problem | None:
    """The ``empty-section`` error of section ``sec`` (at ``key`` of the merged spec ``src``),
    or None when it has something to show or its kind shows something by itself."""
    from briefgen.model.section_kinds import SECTION_KINDS

    kind = SECTION_KINDS.get(sec.kind)
    if kind is None or kind.selects != "nothing" or kind.stands_alone:
        return None
    if sec.template is not None or sec.template_file is not None or sec.images or sec.subsections:
        return None
    written = data_at(src.data, key)
    given = written if isinstance(written, dict) else {}
    kind_written = "kind" in given
    meant = _likely_kind(sec, given, kind_written)
    how = f"a {sec.kind} section" if kind_written else f"with no 'kind' it is a {sec.kind} section (the default)"
    unused = [k for k, _ in _SELECTS_BY_KEY if k in given]
    also = (f"; its {', '.join(repr(k) for k in unused)} {'is' if len(unused) == 1 else 'are'} used only by "
            f"other kinds" if unused else "")
    return src.problem(key + ("kind",) if kind_written else key,
                       f"section {sec.id!r} has nothing to show: {how}, which shows its template text, and it has no "
                       f"'template' or 'template_file'{also}; every edition would leave it out",
                       expected="template: (the section's text), or the kind it is meant to be: kind: "
                                + " | ".join(n for n in SECTION_KINDS.names() if n != sec.kind),
                       suggestion=meant, code="empty-section")


def _likely_kind(sec: Section, given: dict, kind_written: bool) -> str:
    """The kind whose keys ``sec`` holds (``kind: ...`` when the kind line is missing), or ''."""
    from briefgen.model.section_kinds import SECTION_KINDS

    for field, selects in _SELECTS_BY_KEY:
        if field not in given:
            continue
        kinds = [k for k in (SECTION_KINDS.get(n) for n in SECTION_KINDS.names()) if k and k.selects == selects]
        if selects == "claims":  # judgments: the kind that takes judgments only; else a table of claims
            wanted = bool(sec.select and sec.select.judgments)
            kinds = sorted(kinds, key=lambda k: (k.judgments_only != wanted, not k.table))
        if kinds:
            return kinds[0].name if kind_written else f"kind: {kinds[0].name}"
    return ""


def chart_select_problem(src: Any, key: KeyPath, chart: ChartSpec) -> Problem | None:
    """The ``chart-select-csv`` error of ``chart`` (at ``key``), or None."""
    if chart.csv is None or chart.select is None:
        return None
    from briefgen.model.chart_kinds import CHART_KINDS

    kind = CHART_KINDS.get(chart.kind)
    takes = f" (a {chart.kind} chart takes {kind.shape.doc})" if kind is not None else ""
    return src.problem(key + ("select",),
                       f"chart {chart.id!r} draws the rows of its CSV file, so its 'select' (which picks claims) "
                       f"would be ignored{takes}",
                       expected="'csv' (the file's rows) or 'select' (claims of the knowledge base), not both",
                       code="chart-select-csv")


def data_at(data: Any, key: KeyPath) -> Any:
    """The value at ``key`` in loaded YAML data, or None."""
    for part in key:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data
