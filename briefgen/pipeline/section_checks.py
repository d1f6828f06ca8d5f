"""Keys of a section or chart that would be ignored, found before a build leaves them out silently.

* ``empty-section`` (an error): a section of a kind that shows only its text (``text``, the
  default kind) with no ``template`` or ``template_file``, no image and no subsection: every
  edition would leave it out (:func:`briefgen.resolve.sections.resolve_section`). When it
  holds the keys of another kind (``select``, ``entities``, ``charts``), that kind is the
  did-you-mean: the ``kind:`` line was most likely lost.
* ``chart-select-csv`` (an error): a chart with both ``csv`` and ``select``: a chart drawn
  from a CSV file shows the file's rows, and ``select`` (which picks claims) would be ignored.
* ``unused-key`` (a warning, located at the key): a key that only some kinds read, written on a
  section or chart whose kind does not read it (``entities`` on a bar chart, ``charts`` on a
  text section). Which kind reads which key is one table per registry: a section kind reads
  the key of what it selects (:data:`SECTION_KIND_KEYS`, by
  :attr:`~briefgen.model.section_kinds.SectionKind.selects`), a chart kind the keys of
  :func:`briefgen.model.chart_kinds.keys_read`. A key another problem here reports already
  (the section is empty, ``csv`` with ``select``, ``csv`` on a kind that takes none) is not
  reported twice; an empty list (``entities: []``) changes nothing and is not reported.
"""

from __future__ import annotations

from typing import Any

from briefgen.errors import KeyPath, Problem
from briefgen.model.models import ChartSpec, Section

SECTION_KIND_KEYS: dict[str, tuple[str, str]] = {
    "charts": ("charts", "draw charts"),
    "entities": ("entities", "profile entities"),
    "select": ("claims", "pick claims"),
}
"""The keys of a section that only some kinds read: key -> (what a kind that reads it selects,
:attr:`SectionKind.selects`; what those kinds do with it, for messages). A kind that selects
``nothing`` reads none of them; every other key of a section every kind reads (its text,
images and subsections are shown whatever its kind)."""
_SELECTS_BY_KEY = tuple((key, selects) for key, (selects, _) in SECTION_KIND_KEYS.items())


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


def section_key_problems(src: Any, key: KeyPath, sec: Section) -> list[Problem]:
    """The ``empty-section`` error of section ``sec`` (at ``key`` of the merged spec ``src``),
    or else an ``unused-key`` warning for each key of :data:`SECTION_KIND_KEYS` its kind does not read."""
    from briefgen.model.section_kinds import SECTION_KINDS

    empty = empty_section_problem(src, key, sec)
    if empty is not None:
        return [empty]  # it names the keys of other kinds already
    kind = SECTION_KINDS.get(sec.kind)
    if kind is None:  # reported by the spec's validation
        return []
    problems = []
    for name in _written_keys(src, key, SECTION_KIND_KEYS):
        selects, purpose = SECTION_KIND_KEYS[name]
        if selects == kind.selects:
            continue
        users = [k.name for k in (SECTION_KINDS.get(n) for n in SECTION_KINDS.names()) if k and k.selects == selects]
        problems.append(_unused(src, key, name, f"a {sec.kind} section", "sections", users, purpose,
                                _section_hint(name, kind.selects)))
    return problems


def _section_hint(name: str, selects: str) -> str:
    """What a section key not read by a kind selecting ``selects`` was most likely meant as, or ''."""
    if name == "entities" and selects == "claims":
        return "select: {entities: [...]}"  # the claims about these entities
    return ""


def chart_key_problems(src: Any, key: KeyPath, chart: ChartSpec) -> list[Problem]:
    """The ``chart-select-csv`` error of ``chart`` (at ``key``), and an ``unused-key`` warning for
    each key of :data:`~briefgen.model.chart_kinds.KIND_KEYS` its kind does not read
    (:func:`~briefgen.model.chart_kinds.keys_read`)."""
    from briefgen.model.chart_kinds import CHART_KINDS, KIND_KEYS, keys_read, kinds_reading

    both = chart_select_problem(src, key, chart)
    problems = [both] if both is not None else []
    kind = CHART_KINDS.get(chart.kind)
    if kind is None:  # reported by the spec's validation
        return problems
    reads = keys_read(kind)
    reported = {"select"} if both is not None else set()
    if not kind.shape.from_csv:
        reported.add("csv")  # "cannot take CSV data" (pipeline.checks)
    for name in _written_keys(src, key, KIND_KEYS):
        if name in reads or name in reported:
            continue
        hint = "select: {entities: [...]}" if name == "entities" and "select" in reads else ""
        problems.append(_unused(src, key, name, f"a {chart.kind} chart", "charts", kinds_reading(name),
                                KIND_KEYS[name], hint))
    return problems


def _written_keys(src: Any, key: KeyPath, keys: Any) -> list[str]:
    """The keys of ``keys`` written with a value in the mapping at ``key``: not null and not an empty
    list (which select nothing; ``select: {}`` selects every claim, so it counts)."""
    written = data_at(src.data, key)
    if not isinstance(written, dict):
        return []
    return [name for name in keys if written.get(name) not in (None, [])]


def _unused(src: Any, key: KeyPath, name: str, what: str, plural: str, users: list[str], purpose: str,
            hint: str) -> Problem:
    """The ``unused-key`` warning of key ``name`` of the section or chart at ``key`` (``what``:
    ``a bar chart``), which only the kinds ``users`` read (to do ``purpose``)."""
    only = f"only {_either(users)} {plural} {purpose}" if users else f"no kind of {plural[:-1]} reads it"
    meant = f", or to pick the claims about these entities write {hint}" if hint.startswith("select:") else ""
    return src.problem(key + (name,), f"{name!r} is not used by {what} ({only}); remove it or change kind{meant}",
                       expected=f"no {name!r}, or kind: {' | '.join(users)}" if users else f"no {name!r}",
                       suggestion=hint or (f"kind: {users[0]}" if len(users) == 1 else ""),
                       severity="warning", code="unused-key", at_key=True)


def _either(names: list[str]) -> str:
    """``network``, ``bar or line``, ``bar, line or table``."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


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
